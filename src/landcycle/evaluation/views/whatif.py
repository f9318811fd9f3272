"""The what-if page (测算) and the policy-version page.

GET computes, in memory, nothing saved: the year's inputs evaluated with the edited policy, compared
with the year's published run (or, when the year has none, with the base policy in memory). POST saves
the edited policy as a new version (``services.policy_version_create``) and, when asked, computes a
draft run with it: only the roles that may write ``Area.EVALUATION`` save. The county's readers (the leader,
the supervisor) open the page read-only, on the years that have a published run (a year without one would
show a draft's classes); a town officer gets 404 (the county's policy is the county's to weigh).

The page tests one county (``?county=``, among the counties of the user's region; by default the first): its
enterprises, its published run, the shared policy versions and its own; a version saved here is the county's."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from landcycle.accounts.scope import Area, may_write_or_404, scoped
from landcycle.kit import i18n
from landcycle.kit.params import int_param
from landcycle.registry.models import Enterprise
from landcycle.rules.evaluation.policy.parse import policy_of
from landcycle.rules.evaluation.scoring import uses_previous
from landcycle.rules.problems import RuleError

from .. import background, selectors, services, whatif
from ..forms import SaveVersionForm
from ..inputs import figure_years, read_inputs
from ..labels import labels_of
from ..models import EvaluationRun, PolicyVersion
from ..policy import dumps, shipped_policy_text
from ..policy_display import policy_tables
from . import town_level, writer

PAGE = 20


def _next_version(version: str, county) -> str:
    taken = set(selectors.versions_of(county).values_list("version", flat=True))
    m = re.match(r"^(.*?)(\d+)$", version)
    stem, n = (m.group(1), int(m.group(2))) if m else (f"{version}.", 0)
    while True:
        n += 1
        if f"{stem}{n}" not in taken:
            return f"{stem}{n}"


def _category_labels(lab, new_lab) -> dict[str, str]:
    out = {whatif.EXEMPT: _("不参评"), whatif.PROBLEM: _("无法评价"), whatif.NONE: _("不在批次中")}
    out.update({k: f"{k} {v}" for k, v in {**lab.classes, **new_lab.classes}.items()})
    return out


def _changed_page(request, result: dict, user):
    """A page of the enterprises whose class changes, with their names (only those in the user's scope)."""
    changed = result["changed"]
    paginator = Paginator(range(changed.height), PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = changed.slice((page.number - 1) * PAGE, PAGE).to_dicts() if changed.height else []
    ids = [r["enterprise_id"] for r in rows]
    names = {
        e["pk"]: e
        for e in scoped(Enterprise.objects.filter(pk__in=ids), user).values("pk", "name", "uscc", "town__name")
    }
    page.rows = [{**r, "ent": names.get(r["enterprise_id"])} for r in rows if r["enterprise_id"] in names]
    return page


def _base_version(request, published, county):
    """The policy the form starts from: ``?base=`` (a version the county may use), else the published run's, else
    the shipped one."""
    wanted = request.GET.get("base", "")
    if int_param(wanted) is not None:
        found = selectors.versions_of(county).filter(pk=int_param(wanted)).first()
        if found:
            return found, found.toml
    if published is not None:
        return published.policy, published.policy_toml
    shipped = shipped_policy_text()
    version = PolicyVersion.objects.filter(version=policy_of(shipped).version, county__isnull=True).first()
    return version, shipped


def _county(request):
    """The county tested: ``?county=`` among the counties of the user's region, else the first; None without any."""
    counties = list(selectors.counties_for(request.user))
    wanted = request.GET.get("county", "")
    return counties, next((c for c in counties if c.code == wanted), counties[0] if counties else None)


def _years(request, county) -> list[int]:
    """The years the user may test: every year with figures of the county for the evaluation's writers; for a
    read-only reader of the county, the years that have a published run of it. A town officer: 404."""
    code = county.code if county else ""
    years = figure_years(request.user, county=code)
    if writer(request):
        return years
    if town_level(request.user):
        raise Http404
    published = set(
        selectors.runs_for(request.user)
        .filter(status=EvaluationRun.Status.PUBLISHED, county__code=code)
        .values_list("year", flat=True)
    )
    return [y for y in years if y in published]


def whatif_page(request):
    user = request.user
    if request.method == "POST":
        may_write_or_404(user, Area.EVALUATION)  # saving a version is a write; testing is not
    counties, county = _county(request)
    years = _years(request, county)
    year = (
        int_param(request.GET.get("year"))
        if int_param(request.GET.get("year")) in years
        else (years[0] if years else None)
    )
    published = selectors.published_run(year, county) if year and county else None
    base_version, base_text = _base_version(request, published, county)
    base_policy = policy_of(base_text)
    edit = whatif.apply_params(base_policy.data, request.GET)
    policy, problems = whatif.parse_edit(edit)
    lab = labels_of(base_policy)
    ctx = {
        "years": years,
        "year": year,
        "published": published,
        "base_version": base_version,
        "base_policy": base_policy,
        "versions": selectors.versions_of(county).order_by("-created_at", "-pk"),
        "counties": counties if len(counties) > 1 else [],
        "county": county,
        "fields": whatif.form_values(base_policy, request.GET),
        "problems": problems,
        "changes": edit.changes,
        "labels": lab,
        "class_keys": lab.class_keys,
        "can_save": writer(request),
    }
    if policy is not None and year:
        # a previous-year benchmark reads the year before from the same frame (the engine keeps each year apart)
        wanted = [year - 1, year] if uses_previous(policy) or uses_previous(base_policy) else [year]
        frame = read_inputs(wanted, county=county.code if county else "").frame
        new = whatif.engine_side(frame, policy, year)
        base = whatif.run_side(published) if published else whatif.engine_side(frame, base_policy, year)
        new_lab = labels_of(policy)
        result = whatif.compare(base, new, new_lab.class_keys)
        ctx.update(
            {
                "result": result,
                "page_obj": _changed_page(request, result, user),
                "cat_labels": _category_labels(lab, new_lab),
                "class_keys": new_lab.class_keys,
            }
        )
    suggested = _next_version(base_policy.version, county)
    form = SaveVersionForm(
        request.POST or None,
        initial={"name": f"{base_policy.title_zh}（{suggested}）", "version": suggested, "and_run": True},
    )
    if request.method == "POST" and policy is not None and form.is_valid():
        d = form.cleaned_data
        data = dict(
            edit.data,
            version=d["version"],
            title_zh=d["name"],
            title_en=f"{base_policy.title_en or base_policy.name} ({d['version']})",
        )
        header = [
            f"{d['name']} — 版本 {d['version']}",
            f"基于 {base_policy.version}（哈希 {base_policy.hash}），{user} 于 {timezone.localdate().isoformat()} "
            "在测算页保存。修改：",
        ] + [
            f"  {label}：{before} → {after if after is not None else '（默认）'}"
            for label, before, after in edit.changes
        ]
        try:
            version = services.policy_version_create(
                actor=user,
                name=d["name"],
                toml=dumps(data, header),
                based_on=base_version,
                note=d["note"],
                county=county,
            )
            if d["and_run"] and year:
                messages.success(request, _("已保存评价办法 %(v)s。") % {"v": version.version})
                try:
                    job = background.job_queue(
                        actor=user,
                        year=year,
                        county=county,
                        policy=version,
                        notes=_("测算页保存的办法 %(v)s") % {"v": version.version},
                    )
                except RuleError as exc:  # the version is saved; its run could not be started
                    for p in exc.problems:
                        messages.error(request, i18n.text(p))
                    return redirect("evaluation_policy_detail", version.pk)
                messages.info(request, _("已开始用此办法计算 %(y)s 年度草稿批次，完成后结果显示在本页。") % {"y": year})
                return redirect("evaluation_job", job.pk)
            messages.success(request, _("已保存评价办法 %(v)s。") % {"v": version.version})
            return redirect("evaluation_policy_detail", version.pk)
        except RuleError as exc:
            ctx["save_problems"] = exc.problems
    ctx["form"] = form
    return render(request, "evaluation/whatif.html", ctx)


def policy_detail(request, pk):
    version = get_object_or_404(selectors.versions_for(request.user), pk=pk)
    runs = selectors.runs_for(request.user).filter(policy=version).order_by("-year", "county__code", "-pk")
    lab = labels_of(version.toml)
    shipped = policy_of(shipped_policy_text()).hash == version.hash
    return render(
        request,
        "evaluation/policy_detail.html",
        {
            "version": version,
            "runs": runs,
            "labels": lab,
            "policy": lab.policy,
            "tables": policy_tables(lab.policy, shipped),
            "can_run": writer(request),
        },
    )


def policy_file(request, pk):
    """The policy version's TOML text, for experts (the page shows it as tables)."""
    version = get_object_or_404(selectors.versions_for(request.user), pk=pk)
    response = HttpResponse(version.toml, content_type="application/toml; charset=utf-8")
    name = re.sub(r"[^0-9A-Za-z._-]+", "_", f"evaluation-{version.version}") + ".toml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
