"""The ranking pages: the runs and the bump chart (home), a run's table, a town's breakdown, the robustness page,
the policy page, the hand-entered figures and a compute job's page. Each county ranks its own towns: published runs
are public inside their county (every town's row) and to the city's and province's users; drafts and compute jobs
are the county's only (404 to a town, to the province and to another county). Writes are POSTs for the county
(``Area.RANKING``): compute and correct queue a job (``background``; its page shows the progress, then the draft),
publish goes through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from landcycle.accounts.scope import Area, can_write, write_or_404
from landcycle.countypolicy.selectors import in_force
from landcycle.kit import charts
from landcycle.kit.indicators import Quarter, indicator_sources
from landcycle.registry.models import Region
from landcycle.rules.problems import RuleError
from landcycle.rules.ranking.policy import IndexPolicy

from .. import background, selectors, services
from ..charts import bump_chart
from ..ledger import hand_keys
from ..models import IndicatorInput, RankingJob, RankingResult, RankingRun
from ..policy import current_policy

NOTABLE = 0.005  # a contribution this far from the towns' average (in points of the score) helped or hurt


def figure(v: float | None) -> str:
    """A figure with four significant digits (a needed change can be far below 0.01), no exponent for usual sizes."""
    if v is None:
        return "—"
    text = f"{v:.4g}"
    return f"{v:.6f}".rstrip("0").rstrip(".") if "e" in text and abs(v) < 1 else text


def gain_text(policy: IndexPolicy, gain: dict[str, Any] | None) -> str:
    """What a town needs to gain a place, in words: one indicator from its value to the value needed (others
    unchanged). When every town has the same value, any step the right way is enough: said so."""
    if not gain:
        return ""
    ind = next((i for i in policy.indicators if i.key == gain["indicator"]), None)
    name = ind.name_zh if ind else gain["indicator"]
    value, needed = gain.get("value"), gain.get("needed")
    if value is not None and needed is not None and abs(needed - value) < 1e-4 * max(1.0, abs(value)):
        way = _("略高于") if ind is None or ind.direction > 0 else _("略低于")
        return _("%(name)s：%(way)s %(value)s 即可") % {"name": name, "way": way, "value": figure(value)}
    return f"{name}：{figure(value)} → {figure(needed)}"


def _can_run(user) -> bool:
    return can_write(user, Area.RANKING) and selectors.county_level(user)


def _bump_svg(rows: list[dict[str, Any]]) -> Any:
    if not rows:
        return None
    spec = bump_chart(rows, x_title=_("季度"), y_title=_("名次"), series_title=_("镇街"))
    return charts.svg(charts.short_labels(spec), label=_("各镇街名次变化（凹凸图）"))


def _writable_counties(user) -> list[Region]:
    return services.counties_of(user) if _can_run(user) else []


def home(request):
    """The runs of the counties the user reads (one county at a time when there are several: ``?county=``), the
    bump chart of that county's published quarters, the compute form and the latest compute jobs."""
    user = request.user
    counties = selectors.counties_for(user)
    writable = _writable_counties(user)
    known = {c.code: c for c in [*counties, *writable]}
    wanted = request.GET.get("county", "")
    if wanted and wanted not in known:
        raise Http404
    county = known.get(wanted) or (counties[0] if len(counties) == 1 else None)
    runs_qs = selectors.runs_for(user).select_related("computed_by", "published_by", "county")
    if county is not None:
        runs_qs = runs_qs.filter(county=county)
    runs = list(runs_qs)
    latest = next((r for r in runs if r.state == RankingRun.State.PUBLISHED), None) if county else None
    jobs = selectors.jobs_for(user)
    if county is not None:
        jobs = jobs.filter(county=county)
    ctx = {
        "runs": runs,
        "latest": latest,
        "can_run": _can_run(user),
        "counties": sorted(known.values(), key=lambda c: c.code),
        "county": county,
        "many": len(known) > 1,
        "writable": writable,
        "jobs": list(jobs[:5]),
        "bump": _bump_svg(selectors.rank_history(county=county)) if county is not None else None,
        "suggest": Quarter.of(runs[0].period.end).next().label if runs else "",
    }
    return render(request, "ranking/home.html", ctx)


def _quarters_q(published) -> Q:
    """The figures of published quarters, each of its own county's towns: (county code, year, quarter)."""
    q = Q(pk__in=[])
    for county, year, quarter in published:
        q |= Q(town__code__startswith=county, year=year, quarter=quarter)
    return q


def _interval(r: RankingResult, n: int) -> dict[str, float] | None:
    if r.rank_low is None or r.rank_high is None or n < 2:
        return None
    span = n - 1
    return {
        "left": 100.0 * (r.rank_low - 1) / span,
        "width": max(100.0 * (r.rank_high - r.rank_low) / span, 1.5),
        "mark": 100.0 * ((r.rank or r.rank_low) - 1) / span,
    }


def table_rows(run: RankingRun, policy: IndexPolicy) -> list[dict[str, Any]]:
    """The run's rows in rank order: result, change against the previous published quarter, interval bar
    positions, dimension scores (0–100 for the mini chart) and the towns not really different from it."""
    rows = selectors.results(run)
    prev = selectors.previous_published(run)
    before = {r.town_id: r.rank for r in prev.results.all()} if prev else {}
    names = {r.town.code: r.town.name for r in rows}
    out = []
    for r in rows:
        old = before.get(r.town_id)
        dims = []
        for d in policy.dimensions:
            v = r.dimensions.get(d.key)
            dims.append({"name": d.name_zh, "value": v, "height": 0 if v is None else max(0.0, min(100.0, v))})
        out.append(
            {
                "r": r,
                "change": None if old is None or r.rank is None else old - r.rank,
                "previous": old,
                "bar": _interval(r, len(rows)),
                "dims": dims,
                "same": [names.get(c, c) for c in r.not_different_from],
            }
        )
    return out


def run_detail(request, pk: int):
    user = request.user
    run = selectors.access_run(user, pk)
    policy = selectors.policy_of(run)
    rows = table_rows(run, policy)
    ctx = {
        "run": run,
        "policy": policy,
        "rows": rows,
        "prev": selectors.previous_published(run),
        "can_run": _can_run(user),
        "overlapping": sum(1 for x in rows if x["same"]),
        "corrections": RankingRun.objects.filter(supersedes=run).first(),
        "no_source": [
            i.name_zh
            for i in policy.indicators
            if run.inputs.get("indicators", {}).get(i.key, {}).get("origin", "none") == "none"
        ],
    }
    return render(request, "ranking/run_detail.html", ctx)


def _indicator_rows(run: RankingRun, policy: IndexPolicy, result: RankingResult) -> list[dict[str, Any]]:
    """Each indicator of the town: value, normalised, contribution, and whether it helped (contribution above the
    towns' average) or hurt, with the link to the rows behind it."""
    all_results = list(run.results.all())
    out = []
    for d in policy.dimensions:
        for i in d.indicators:
            mine = result.indicators.get(i.key, {})
            parts = [x.indicators.get(i.key, {}).get("contribution") for x in all_results]
            known = [p for p in parts if p is not None]
            avg = sum(known) / len(known) if known else None
            c = mine.get("contribution")
            src = run.inputs.get("indicators", {}).get(i.key, {})
            cell = src.get("values", {}).get(result.town.code, {})
            out.append(
                {
                    "dimension": d,
                    "ind": i,
                    "value": mine.get("value"),
                    "normalised": mine.get("normalised"),
                    "contribution": c,
                    "versus": None if c is None or avg is None else c - avg,
                    "origin": src.get("origin", "none"),
                    "app": src.get("app", ""),
                    "rows": cell.get("rows"),
                    "link": cell.get("link", ""),
                    "note": cell.get("note", ""),
                }
            )
    return out


def town_detail(request, pk: int):
    """A town's result in a run (its breakdown); as visible as the run."""
    user = request.user
    result = RankingResult.objects.select_related("town").filter(pk=pk).first()
    if result is None:
        raise Http404
    run = selectors.access_run(user, result.run_id)
    policy = selectors.policy_of(run)
    inds = _indicator_rows(run, policy, result)
    helped = sorted((x for x in inds if (x["versus"] or 0) >= NOTABLE), key=lambda x: -x["versus"])
    hurt = sorted((x for x in inds if (x["versus"] or 0) <= -NOTABLE), key=lambda x: x["versus"])
    history = selectors.rank_history([result.town_id], county=run.county)
    gain = gain_text(policy, result.gain)
    row = next(x for x in table_rows(run, policy) if x["r"].pk == result.pk)
    ctx = {
        "run": run,
        "result": result,
        "row": row,
        "inds": inds,
        "helped": helped[:3],
        "hurt": hurt[:3],
        "gain": gain,
        "bump": _bump_svg(history) if len(history) > 1 else None,
        "history": history,
        "count": run.results.count(),
    }
    return render(request, "ranking/town_detail.html", ctx)


SENSITIVITY = {
    "normalisation": gettext_lazy("标准化方法"),
    "aggregation": gettext_lazy("合成方法"),
    "imputation": gettext_lazy("缺失值插补"),
    "weights": gettext_lazy("权重（在扰动范围内）"),
}


def robustness(request, pk: int):
    run = selectors.access_run(request.user, pk)
    policy = selectors.policy_of(run)
    shares = run.method.get("sensitivity", {})
    rows = table_rows(run, policy)
    for x in rows:
        x["gain_text"] = gain_text(policy, x["r"].gain)
    ctx = {
        "run": run,
        "rows": rows,
        "mc": run.method.get("monte_carlo", {}),
        "shares": [{"key": k, "label": SENSITIVITY.get(k, k), "share": v} for k, v in shares.items()],
        "top": max(shares, key=lambda k: shares[k]) if shares else "",
    }
    return render(request, "ranking/robustness.html", ctx)


def policy_page(request):
    policy = current_policy(request.user.region)  # a county's user: their county's own index if it keeps one
    hand = hand_keys(policy)
    ctx = {
        "policy": policy,
        "county_own": in_force("ranking", request.user.region),
        "rows": selectors.sources_of(policy),
        "hand": hand,
        "denominators": [
            {"key": k, "name_zh": name, "source": indicator_sources().get(k)} for k, name in policy.denominators.items()
        ],
    }
    return render(request, "ranking/policy.html", ctx)


def inputs_page(request):
    """The hand-entered figures; a town sees those of published quarters only (a draft's figures are the
    county's until the quarter is published)."""
    qs = selectors.in_counties(IndicatorInput.objects.select_related("town"), request.user, path="town")
    if not selectors.county_level(request.user):
        qs = qs.filter(_quarters_q(selectors.published_quarters(request.user)))
    quarter = request.GET.get("quarter", "")
    town = request.GET.get("town", "")
    if quarter:
        try:
            q = Quarter.parse(quarter)
        except ValueError:
            raise Http404 from None
        qs = qs.filter(year=q.year, quarter=q.quarter)
    if town:
        qs = qs.filter(town__code=town)
    names = {i.key: i.name_zh for i in current_policy(request.user.region).indicators}
    rows = [
        {"x": x, "name": names.get(x.indicator, x.indicator)} for x in qs.order_by("-year", "-quarter", "town__code")
    ]
    ctx = {"rows": rows[:500], "total": len(rows), "quarter": quarter, "town": town, "can_run": _can_run(request.user)}
    return render(request, "ranking/inputs.html", ctx)


def _county_writer(request) -> None:
    if not selectors.county_level(request.user):
        raise Http404


def _problems(request, e: RuleError) -> None:
    messages.error(request, "；".join(p.message for p in e.problems))


@require_http_methods(["GET", "POST"])
@write_or_404(Area.RANKING)
def compute(request):
    """GET: the form (a quarter, and the county when the user has several); POST: queue the computation of its
    draft (or its recomputation) and show the job's page."""
    _county_writer(request)
    writable = _writable_counties(request.user)
    if request.method == "GET":
        ctx = {"action": "compute", "suggest": request.GET.get("quarter", ""), "writable": writable}
        return render(request, "ranking/action.html", ctx)
    code = request.POST.get("county", "")
    county = next((c for c in writable if c.code == code), None)
    if code and county is None:
        raise Http404
    try:
        quarter = Quarter.parse(request.POST.get("quarter", ""))
        job = background.compute_queue(actor=request.user, quarter=quarter, county=county)
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("ranking_home")
    except RuleError as e:
        _problems(request, e)
        return redirect(reverse("ranking_home") + (f"?county={code}" if code else ""))
    messages.info(request, _("已开始计算%(q)s的赛马，完成后结果显示在本页。") % {"q": job.label})
    return redirect("ranking_job", pk=job.pk)


STAGE_LABELS = {
    "": gettext_lazy("等待开始"),
    "gather": gettext_lazy("汇集各镇街指标"),
    "monte_carlo": gettext_lazy("蒙特卡洛稳健性分析"),
    "gains": gettext_lazy("测算各镇街提升一个名次所需"),
    "save": gettext_lazy("保存草稿"),
}


def job_state(job: RankingJob) -> dict[str, Any]:
    """What the job's page (and the API) says of a compute job: its stage in words and how far it is."""
    return {
        "percent": background.percent(job),
        "stage": STAGE_LABELS.get(job.stage if job.status == RankingJob.Status.RUNNING else "", job.stage),
    }


def job_detail(request, pk: int):
    """A compute job: waiting or running (the page reloads itself every few seconds and shows the stage and
    progress), done (its draft) or failed (why)."""
    background.fail_stale()
    job = selectors.access_job(request.user, pk)
    return render(request, "ranking/job.html", {"job": job, **job_state(job)})


@require_http_methods(["GET", "POST"])
@write_or_404(Area.RANKING)
def publish(request, pk: int):
    """GET: what publishing does, with the button; POST: publish the draft."""
    _county_writer(request)
    run = selectors.access_run(request.user, pk)
    if request.method == "GET":
        return render(request, "ranking/action.html", {"action": "publish", "run": run})
    try:
        services.run_publish(actor=request.user, run=run)
    except RuleError as e:
        _problems(request, e)
    return redirect("ranking_run", pk=run.pk)


@require_http_methods(["GET", "POST"])
@write_or_404(Area.RANKING)
def correct(request, pk: int):
    """GET: the form (a reason); POST: queue the correction of the published run (a job, as a compute is: its page
    shows the progress, then the correction's draft)."""
    _county_writer(request)
    run = selectors.access_run(request.user, pk)
    if request.method == "GET":
        return render(request, "ranking/action.html", {"action": "correct", "run": run})
    try:
        job = background.correct_queue(actor=request.user, run=run, reason=request.POST.get("reason", ""))
    except RuleError as e:
        _problems(request, e)
        return redirect("ranking_run", pk=run.pk)
    messages.info(request, _("已开始计算%(q)s赛马的更正，完成后更正草稿显示在本页。") % {"q": job.label})
    return redirect("ranking_job", pk=job.pk)
