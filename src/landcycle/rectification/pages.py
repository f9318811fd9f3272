"""What the rectification views share: is the reader the supervisor (the pages only the supervisor reaches
wear ``write_or_404(Area.RECTIFICATION)``; who may update a task is ``services.common.may_update_task``,
the rule the services apply too), running a form through a service, rendering the form page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from landcycle.accounts.scope import Area, can_write
from landcycle.rules.problems import RuleError


def is_supervisor(user) -> bool:
    """May write the ledger: inspections, findings, tasks, rounds, reviews, close-out."""
    return can_write(user, Area.RECTIFICATION)


def round_name(rnd) -> str:
    """A round's (or period's) name in the reader's language."""
    return rnd.label_en if get_language() == "en" else rnd.label_zh


def crumbs(*extra) -> list[tuple[str, str]]:
    return [(reverse("rectification_ledger"), _("整改台账")), *extra]


def run_form(request, form, write, success=None):
    """Validate the form and call the service; the saved object, or None to show the form again with
    each problem beside its field (in Chinese and English). Nothing is written on a problem."""
    if request.method != "POST":
        return None
    if not form.is_valid():
        form.attach_problems(form.form_problems())
        return None
    try:
        obj = write(form.cleaned_data)
    except RuleError as exc:
        form.attach_problems(exc.problems)
        return None
    messages.success(request, success or _("已保存，并已记入审计日志。"))
    return obj


def render_form(request, form, *, title, crumbs, cancel, intro="", extra=None, template="rectification/form.html"):
    ctx = {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel, "intro": intro}
    ctx.update(extra or {})
    return render(request, template, ctx)
