"""Evaluation pages: the runs list, a new run, a run's detail (with recompute and publish), a computation's job.

A new run and a recomputation are computed in the background (``background``): the form queues a job and answers
with the job's page, which shows its progress and then links to the run (or says why it failed). A writer whose
region holds several counties may queue one job per county for a year from the runs list (a POST on it:
``counties_recompute``).

Runs are per county: a user sees the runs of the counties of their region (``selectors.runs_for``; a province's or
a city's user every county's, with a county column and filter); a town officer's counts are their town's (results
are read through ``accounts.scope.scoped``). Draft runs are shown only to the roles that write the evaluation
(``selectors.runs_for``): to everyone else a draft's URL is a 404. Writes — a new run, recompute, publish — are for the roles that
may write ``Area.EVALUATION`` (county administrator, city analyst); others get 404 on the write pages, and the
services check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from landcycle.accounts.scope import Area, may_write_or_404, scoped, spans_counties, write_or_404
from landcycle.kit import charts, i18n
from landcycle.kit.listing import kpi
from landcycle.kit.pagecache import cached_page
from landcycle.rules.evaluation.classes import small_group_notes
from landcycle.rules.evaluation.policy.parse import default_policy
from landcycle.rules.problems import RuleError

from .. import background, selectors, services
from ..charts import score_histogram
from ..forms import SHIPPED, RunForm
from ..inputs import figure_years
from ..labels import labels_of
from ..models import EvaluationJob, EvaluationResult, EvaluationRun
from . import town_level, writer


def _scoped_summaries(user, run_ids: list[int]) -> dict[int, dict]:
    """Per run: evaluated / exempt / problem and per-class counts of the user's results (one query)."""
    out: dict[int, dict] = {}
    rows = (
        scoped(EvaluationResult.objects.filter(run_id__in=run_ids), user)
        .order_by()
        .values("run_id", "outcome", "evaluation_class")
        .annotate(n=Count("id"))
    )
    for r in rows:
        s = out.setdefault(r["run_id"], {"evaluated": 0, "exempt": 0, "problems": 0, "classes": {}})
        if r["outcome"] == "evaluated":
            s["evaluated"] += r["n"]
            s["classes"][r["evaluation_class"]] = s["classes"].get(r["evaluation_class"], 0) + r["n"]
        else:
            s["exempt" if r["outcome"] == "exempt" else "problems"] += r["n"]
    return out


def _bars(summary: dict, keys: list[str]) -> list[dict]:
    total = sum(summary.get("classes", {}).values())
    return [
        {
            "key": k,
            "n": summary.get("classes", {}).get(k, 0),
            "pct": 100.0 * summary.get("classes", {}).get(k, 0) / total if total else 0,
        }
        for k in keys
    ]


def _histogram(results, keys: list[str], lab) -> str:
    bands = selectors.score_histogram(results)
    if not bands:
        return ""
    spec = score_histogram(
        bands, keys, lab.classes, x_title=_("得分（分）"), y_title=_("企业数（家）"), colour_title=_("类别")
    )
    return charts.svg(charts.short_labels(spec), label=_("得分分布直方图"))


@cached_page
def run_list(request):
    """The runs (and, to the evaluation's writers, the jobs under way and the latest ones); POST: the recomputation of
    a year of every county (``counties_recompute``)."""
    if request.method == "POST":
        return counties_recompute(request)
    user = request.user
    counties = list(selectors.counties_for(user)) if spans_counties(user) else []
    county = request.GET.get("county", "")
    visible = selectors.runs_for(user)
    if county:
        visible = visible.filter(county__code=county)
    runs = list(visible.order_by("-year", "county__code", "-pk"))
    partial = town_level(user)
    summaries = _scoped_summaries(user, [r.pk for r in runs]) if partial else {r.pk: r.summary for r in runs}
    keys = ["A", "B", "C", "D"]
    for r in runs:
        r.view = summaries.get(r.pk, {"evaluated": 0, "exempt": 0, "problems": 0, "classes": {}})
        r.bars = _bars(r.view, keys)
    published = next((r for r in runs if r.status == EvaluationRun.Status.PUBLISHED), None)
    kpis = []
    if published and len({r.county_id for r in runs}) > 1:  # several counties: no one run speaks for them all
        years = {r.year for r in runs if r.status == EvaluationRun.Status.PUBLISHED}
        kpis.append(kpi(_("县（市、区）"), len({r.county_id for r in runs}), _("个")))
        kpis.append(
            kpi(
                _("已发布批次"),
                sum(r.status == EvaluationRun.Status.PUBLISHED for r in runs),
                _("个"),
                note=_("最新年度 %(y)s") % {"y": max(years)},
            )
        )
    elif published:
        v = published.view
        kpis.append(
            kpi(_("最新发布年度"), str(published.year), "", note=_("评价办法 %(v)s") % {"v": published.policy_version})
        )
        kpis.append(
            kpi(
                _("参评企业"),
                v["evaluated"],
                _("家"),
                note=_("不参评 %(e)s 家 · 无法评价 %(p)s 家") % {"e": v["exempt"], "p": v["problems"]},
            )
        )
        for k in keys:
            n = v["classes"].get(k, 0)
            share = f"{100.0 * n / v['evaluated']:.1f}%" if v["evaluated"] else "—"
            kpis.append(kpi(_("%(k)s 类") % {"k": k}, n, _("家"), note=share))
    else:
        kpis.append(kpi(_("已发布评价"), _("尚无"), ""))
    if selectors.sees_drafts(user):
        kpis.append(kpi(_("草稿批次"), sum(r.status == EvaluationRun.Status.DRAFT for r in runs), _("个")))
    counted = Q() if selectors.sees_drafts(user) else ~Q(runs__status=EvaluationRun.Status.DRAFT)
    counted &= Q(runs__in=selectors.runs_for(user))
    versions = list(selectors.versions_for(user).annotate(n_runs=Count("runs", filter=counted)))
    jobs = selectors.jobs_for(user)
    live = [EvaluationJob.Status.QUEUED, EvaluationJob.Status.RUNNING]
    jobs = list(jobs.filter(status__in=live)) + list(jobs.exclude(status__in=live)[:5])
    for job in jobs:
        job.percent = background.percent(job)
    return render(
        request,
        "evaluation/run_list.html",
        {
            "jobs": jobs,
            "county_years": figure_years(user) if writer(request) and spans_counties(user) else [],
            "runs": runs,
            "kpis": kpis,
            "versions": versions,
            "can_run": writer(request),
            "can_whatif": writer(request) or not partial,
            "partial": partial,
            "class_keys": keys,
            "counties": counties,
            "county": county,
        },
    )


def _version_choices(user) -> list[tuple[str, str]]:
    versions = list(selectors.versions_for(user).order_by("-created_at", "-pk"))
    choices = [
        (str(v.pk), f"{v.name} {v.version}（{v.hash}）" + (f" · {v.county.name}" if v.county_id else ""))
        for v in versions
    ]
    shipped = default_policy()
    if not any(v.version == shipped.version and v.county_id is None for v in versions):
        choices.append((SHIPPED, _("%(name)s %(v)s（随产品提供）") % {"name": shipped.title_zh, "v": shipped.version}))
    return choices


@write_or_404(Area.EVALUATION)
def run_new(request):
    user = request.user
    counties = list(selectors.counties_for(user))
    years = figure_years(user)
    form = RunForm(
        request.POST or None,
        years=years,
        versions=_version_choices(user),
        counties=[(c.code, f"{c.name}（{c.code}）") for c in counties],
        initial={"year": years[0] if years else None, "policy": request.GET.get("policy")},
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            versions = selectors.versions_for(user)
            policy = None if d["policy"] == SHIPPED else get_object_or_404(versions, pk=d["policy"])
            county = next((c for c in counties if c.code == d.get("county")), None)
            job = background.job_queue(actor=user, year=d["year"], county=county, policy=policy, notes=d["notes"])
        except RuleError as exc:
            problems = exc.problems
        else:
            messages.info(request, _("已开始计算 %(y)s 年度评价草稿，完成后结果显示在本页。") % {"y": job.year})
            return redirect("evaluation_job", job.pk)
    return render(request, "evaluation/run_form.html", {"form": form, "problems": problems, "years": years})


STAGE_LABELS = {
    "": gettext_lazy("等待开始"),
    "read": gettext_lazy("读取企业年度数据和用地"),
    "evaluate": gettext_lazy("按评价办法计算得分和分类"),
    "summary": gettext_lazy("汇总分类和基准值"),
    "write": gettext_lazy("保存每家企业的评价结果"),
}


def job_state(job: EvaluationJob) -> dict:
    """What the job's page says of a job: its stage in words and how far it is."""
    running = job.status == EvaluationJob.Status.RUNNING
    return {"percent": background.percent(job), "stage": STAGE_LABELS.get(job.stage if running else "", job.stage)}


def job_detail(request, pk):
    """An evaluation job: waiting or running (the page reloads itself every few seconds and shows the stage and
    progress), done (a link to its run) or failed (why). The county's evaluation writers' (404 to everyone else)."""
    background.fail_stale()
    job = selectors.access_job(request.user, pk)
    return render(request, "evaluation/job.html", {"job": job, **job_state(job)})


def counties_recompute(request):
    """POST on the runs list by a writer whose region holds several counties (a city's analyst): one job per county
    of their region for a year (``background.counties_queue``), each on its own. 404 to everyone else."""
    may_write_or_404(request.user, Area.EVALUATION)
    if not spans_counties(request.user):
        raise Http404
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise Http404 from None
    jobs, skipped = background.counties_queue(actor=request.user, year=year)
    if jobs:
        messages.info(
            request,
            _("已为 %(n)s 个县（市、区）开始计算 %(y)s 年度草稿，进度见下方“最近的计算”。")
            % {"n": len(jobs), "y": year},
        )
    elif not skipped:
        messages.error(request, _("%(y)s 年度没有县（市、区）有企业年度数据，未开始计算。") % {"y": year})
    for county, reason in skipped:
        messages.error(request, _("%(c)s 未开始：%(r)s") % {"c": county.name, "r": reason})
    return redirect("evaluation_runs")


def _act(request, run: EvaluationRun):
    """POST on a run: ``action`` recompute / publish / notes. Returns a redirect, or None."""
    action = request.POST.get("action")
    if action not in ("recompute", "publish", "notes"):
        return None
    may_write_or_404(request.user, Area.EVALUATION)
    try:
        if action == "recompute":
            job = background.job_queue(actor=request.user, run=run)
            messages.info(request, _("已开始按当前数据重新计算本草稿，完成后结果显示在本页。"))
            return redirect("evaluation_job", job.pk)
        if action == "publish":
            run = services.run_publish(actor=request.user, run=run)
            messages.success(request, _("已发布 %(y)s 年度评价结果，此后不可更改。") % {"y": run.year})
        else:
            services.run_update_notes(actor=request.user, run=run, notes=request.POST.get("notes", ""))
            messages.success(request, _("备注已保存。"))
    except RuleError as exc:
        for p in exc.problems:
            messages.error(request, i18n.text(p))
    return redirect("evaluation_run_detail", run.pk)


def benchmark_methods(run: EvaluationRun) -> list[str]:
    """One sentence per benchmark method the run used, naming the year its data come from."""
    seen = []
    for b in run.benchmarks:
        key = (b.get("method"), b.get("year"))
        if key not in seen:
            seen.append(key)
    out = []
    for method, year in seen:
        if method == "group_mean":
            out.append(
                _("组内总量比（%(y)s年）：本组参评企业的分子合计 ÷ 分母合计（如全组税收 ÷ 全组用地）。") % {"y": year}
            )
        elif method == "industry_mean":
            out.append(_("行业总量比（%(y)s年）：同一行业大类参评企业的分子合计 ÷ 分母合计。") % {"y": year})
        elif method == "fixed":
            out.append(_("公布值：评价办法中公布的固定基准值。"))
        elif method == "previous_year:group":
            out.append(_("上年平均（%(y)s年组内总量比）：企业年初即可知道本年的目标值。") % {"y": year})
        elif method == "previous_year:county":
            out.append(_("上年平均（%(y)s年全县总量比）：企业年初即可知道本年的目标值。") % {"y": year})
        elif method == "previous_year:industry":
            out.append(
                _("上年平均（%(y)s年行业大类总量比，企业不足时用组内总量比）：企业年初即可知道本年的目标值。")
                % {"y": year}
            )
    return out


def small_groups(run: EvaluationRun, lab) -> list[str]:
    """Per group of the run (county-wide), each class it has none of because it is small, and why."""
    sizes = dict(
        EvaluationResult.objects.filter(run=run, outcome="evaluated")
        .order_by()
        .values("group")
        .annotate(n=Max("group_size"))
        .values_list("group", "n")
    )
    out = []
    for note in small_group_notes(lab.policy, sizes):
        args = {
            "g": lab.group(note["group"]),
            "n": note["size"],
            "c": note["class"],
            "m": note["min"],
            "s": f"{note['share']:g}",
        }
        if note["reason"] == "min_group_size":
            out.append(_("%(g)s共 %(n)s 家参评，少于 %(m)s 家，不设 %(c)s 类（评价办法的小组规则）。") % args)
        else:
            out.append(_("%(g)s共 %(n)s 家参评，按占比 %(s)s%% 计 %(c)s 类为 0 家。") % args)
    return out


def run_detail(request, pk):
    run = get_object_or_404(selectors.runs_for(request.user), pk=pk)
    if request.method == "POST":
        done = _act(request, run)
        if done is not None:
            return done
    user = request.user
    lab = labels_of(run.policy_toml)
    keys = lab.class_keys
    results = selectors.results_in_scope(run, user)
    totals = selectors.totals(results, keys)
    by_group = selectors.counts_by(results, "group", keys)
    order = {g: i for i, g in enumerate(lab.groups)}
    by_group.sort(key=lambda r: order.get(r["key"], 99))
    for r in by_group:
        r["label"] = lab.group(r["key"]) if r["key"] else _("（未分组）")
    towns = selectors.town_names(results)
    by_town = selectors.counts_by(results, "town", keys)
    for r in by_town:
        r["code"], r["label"] = towns.get(r["key"], ("", ""))
    by_town.sort(key=lambda r: r["code"])
    evaluated = totals["evaluated"] or 0
    kpis = [kpi(_("参评企业"), evaluated, _("家"), note=_("共 %(n)s 家有年度数据") % {"n": f"{totals['total']:,}"})]
    for k in keys:
        n = totals.get(f"c_{k}", 0)
        kpis.append(
            kpi(f"{k} {lab.classes.get(k, '')}", n, _("家"), note=f"{100.0 * n / evaluated:.1f}%" if evaluated else "—")
        )
    kpis += [kpi(_("不参评"), totals["exempt"], _("家")), kpi(_("无法评价"), totals["problem"], _("家"))]
    published = selectors.published_run(run.year, run.county)
    problems = list(results.filter(outcome="problem").select_related("enterprise", "town")[:20])
    found = {(b["group"], b["indicator"]): b for b in run.benchmarks if not b.get("division")}
    benchmarks = [
        {
            "label": info["label"],
            "unit": "" if info["unit"] == "1" else info["unit"],
            "cells": [found.get((g, key)) for g in lab.groups],
        }
        for key, info in lab.indicators.items()
    ]
    live = selectors.jobs_for(user).filter(
        county_id=run.county_id, year=run.year, status__in=[EvaluationJob.Status.QUEUED, EvaluationJob.Status.RUNNING]
    )
    return render(
        request,
        "evaluation/run_detail.html",
        {
            "live_job": live.first(),
            "bench_methods": benchmark_methods(run),
            "small_groups": small_groups(run, lab),
            "run": run,
            "labels": lab,
            "class_keys": keys,
            "kpis": kpis,
            "by_group": by_group,
            "by_town": by_town,
            "histogram": _histogram(results, keys, lab),
            "published": published,
            "problems": problems,
            "benchmarks": benchmarks,
            "can_run": writer(request),
            "partial": town_level(user),
            "show_problem": bool(totals["problem"]),
            "many_counties": spans_counties(user),
        },
    )
