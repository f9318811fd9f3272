"""本县政策: each county's policies (the version in force, who set it and when, the text, the history), a new
version by the county's own administrator; the province reads every county's and changes nothing."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from landcycle.registry.models import Region
from landcycle.rules.policy import read_policy
from landcycle.rules.problems import RuleError

from . import selectors
from .forms import CountyPolicyForm
from .kinds import PolicyKind, kind, kinds
from .services import county_policy_set, may_set


def _county(user, code: str) -> Region:
    """A county the user reads, or 404."""
    county = selectors.counties_for(user).filter(code=code).first()
    if county is None:
        raise Http404
    return county


def _kind(name: str) -> PolicyKind:
    k = kind(name)
    if k is None:
        raise Http404
    return k


def _row(k: PolicyKind, county: Region) -> dict:
    own = selectors.in_force(k.name, county)
    shipped = read_policy(k.name)
    return {"kind": k, "own": own, "shipped": shipped, "version": own.version if own else shipped.version}


def policies_home(request):
    """The counties the user reads: one county is shown its own page; several get a table of what each uses."""
    counties = list(selectors.counties_for(request.user))
    if len(counties) == 1:
        return policies_county(request, counties[0].code)
    table = [{"county": c, "rows": [_row(k, c) for k in kinds()]} for c in counties]
    return render(request, "countypolicy/home.html", {"table": table, "kinds": kinds()})


def policies_county(request, code):
    county = _county(request.user, code)
    rows = [_row(k, county) for k in kinds()]
    return render(
        request,
        "countypolicy/county.html",
        {"county": county, "rows": rows, "can_set": may_set(request.user, county)},
    )


def policies_detail(request, code, name):
    county = _county(request.user, code)
    k = _kind(name)
    can_set = may_set(request.user, county)
    if request.method == "POST" and not can_set:
        raise PermissionDenied(_("只有本县的县级管理员可以修改本县政策"))
    own = selectors.in_force(name, county)
    history = list(selectors.history(name, county))
    shown = own
    if request.GET.get("version"):
        shown = next((v for v in history if str(v.pk) == request.GET["version"]), None)
        if shown is None:
            raise Http404
    problems: list = []
    form = None
    if can_set:
        form = CountyPolicyForm(
            request.POST or None,
            request.FILES or None,
            initial={"text": own.toml if own else read_policy(name).text},
        )
        if request.method == "POST" and form.is_valid():
            try:
                saved = county_policy_set(
                    actor=request.user,
                    county=county,
                    name=name,
                    text=form.cleaned_data["text"],
                    note=form.cleaned_data["note"],
                )
            except RuleError as exc:
                problems = list(exc.problems)
            else:
                messages.success(
                    request,
                    _("%(policy)s新版本 %(version)s 已保存，自即日起用于本县。")
                    % {"policy": k.label, "version": saved.version},
                )
                return redirect("policies_detail", code=county.code, name=name)
    shipped = read_policy(name)
    return render(
        request,
        "countypolicy/detail.html",
        {
            "county": county,
            "kind": k,
            "own": own,
            "shown": shown,
            "text": shown.toml if shown else shipped.text,
            "shipped": shipped,
            "history": history,
            "form": form,
            "problems": problems,
            "can_set": can_set,
        },
    )


def _toml_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/toml; charset=utf-8")
    name = re.sub(r"[^0-9A-Za-z._-]+", "_", filename) + ".toml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def policies_file(request, code, name):
    """The county's text in force (its own, else the shipped one), or one saved version (``?version=``)."""
    county = _county(request.user, code)
    _kind(name)
    if request.GET.get("version"):
        row = (
            selectors.history(name, county).filter(pk=request.GET["version"]).first()
            if request.GET["version"].isdigit()
            else None
        )
        if row is None:
            raise Http404
        return _toml_response(row.toml, f"{name}-{county.code}-{row.version}")
    source = selectors.policy_source(name, county)
    return _toml_response(source.text, f"{name}-{county.code}-{source.version}")


def policies_shipped(request, name):
    """The shipped file ``policies/<name>.toml``, for a county to copy and edit."""
    _kind(name)
    source = read_policy(name)
    return _toml_response(source.text, f"{name}-{source.version}")
