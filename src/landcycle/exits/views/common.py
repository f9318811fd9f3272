"""What the exits pages share: the scoped case, who may write it, and one way to run a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from landcycle.accounts.scope import Area, access, can_write, in_scope
from landcycle.rules.problems import Problem, RuleError

from ..models import Case
from ..selectors import cases
from ..services.common import is_county


def access_case(user, pk) -> Case:
    return access(cases(user), user, pk=pk)


def may_write_case(user, case: Case) -> bool:
    """The case's town officer or the county; a take-back the county only; a closed case nobody."""
    if not (can_write(user, Area.EXITS) and in_scope(user, case.town)):
        return False
    return case.kind != Case.Kind.TAKEBACK or is_county(user)


def writable_case_or_404(user, pk) -> Case:
    case = access_case(user, pk)
    if not may_write_case(user, case) or case.state != Case.State.OPEN:
        raise Http404
    return case


def run_form(request, form, write: Callable[[dict], Any], done: str) -> Any:
    """Validate ``form`` on POST and call ``write`` with its cleaned data; the service's problems go beside the
    fields; returns what ``write`` returned, or None when nothing was written."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except RuleError as exc:
        form.attach_problems(exc.problems)
        return None
    except PermissionDenied as exc:
        form.attach_problems([Problem("__all__", "permission", str(exc), str(exc))])
        return None
    messages.success(request, done)
    return result if result is not None else True


def form_page(request, form, *, title, back: str, case: Case | None = None, intro: str = "", multipart=False):
    return render(
        request,
        "exits/form.html",
        {"form": form, "title": title, "cancel": back, "case": case, "intro": intro, "multipart": multipart},
    )
