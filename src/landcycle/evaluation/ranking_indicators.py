"""The ranking's indicators that evaluation owns (赛马, issue 17; registered in EvaluationConfig.ready through
``kit.indicators``): the change in tax per mu of the town's evaluated firms, the share of class D and its change, and
the denominator ``firms``.

Which evaluation a quarter uses: each town's county's latest *published* run of the quarter's year or before (the official classes
when the ranking is computed; a year's run is published once its figures are in), compared with the published run
of the year before that one. Every
figure is computed for all towns in one query per run and links to the run's result table filtered to the town.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum
from django.urls import reverse

from landcycle.kit.indicators import IndicatorSource, Measured, Quarter, register_indicator

from .models import EvaluationResult, EvaluationRun, YearlyFigure
from .selectors import COUNTY_DIGITS

EVALUATED = EvaluationResult.Outcome.EVALUATED


def run_for(quarter: Quarter, county: str, before: int = 0) -> EvaluationRun | None:
    """The published run of ``county`` (a county's code) a quarter reads (``before=1``: the county's published run
    of the year before that one)."""
    published = EvaluationRun.objects.filter(
        status=EvaluationRun.Status.PUBLISHED, year__lte=quarter.year, county__code=county
    )
    latest = published.order_by("-year").first()
    if latest is None or before == 0:
        return latest
    return published.filter(year=latest.year - before).first()


def _link(run: EvaluationRun, town: Any) -> str:
    return reverse("evaluation_run_results", args=[run.pk]) + "?" + urlencode({"town": town.code})


def _county(town: Any) -> str:
    return town.code[:COUNTY_DIGITS]


def _runs(quarter: Quarter, towns: Sequence[Any], before: int = 0) -> dict[str, EvaluationRun | None]:
    """{county code: the run it reads}: each town is measured by its own county's published run."""
    return {code: run_for(quarter, code, before) for code in sorted({_county(t) for t in towns})}


def _per_town(runs: Mapping[str, EvaluationRun | None], towns: Sequence[Any]) -> dict[int, dict[str, float]]:
    """{town id: {firms, d, tax, land}} of the evaluated firms of each town's county's run (one query per run)."""
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for code, run in runs.items():
        if run is None:
            continue
        tax = YearlyFigure.objects.filter(enterprise_id=OuterRef("enterprise_id"), year=run.year).values("tax")[:1]
        rows = (
            EvaluationResult.objects.filter(
                run=run, outcome=EVALUATED, town__in=[t.pk for t in towns if _county(t) == code]
            )
            .annotate(paid=Subquery(tax, output_field=DecimalField()))
            .order_by()
            .values("town_id")
            .annotate(
                firms=Count("id"),
                d=Count("id", filter=Q(evaluation_class="D")),
                tax=Sum("paid", filter=Q(land_mu__gt=0)),
                land=Sum("land_mu", filter=Q(land_mu__gt=0)),
            )
        )
        for r in rows:
            out[r["town_id"]] = {
                "firms": r["firms"],
                "d": r["d"],
                "tax": float(r["tax"] or 0),
                "land": float(r["land"] or 0),
            }
    return out


def _tax_per_mu(f: dict[str, float] | None) -> float | None:
    return f["tax"] / f["land"] if f and f.get("land") else None


def _d_share(f: dict[str, float] | None) -> float | None:
    return 100.0 * f["d"] / f["firms"] if f and f.get("firms") else None


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _two_runs(quarter: Quarter, towns: Sequence[Any]) -> tuple[dict[str, EvaluationRun | None], dict, dict]:
    runs = _runs(quarter, towns)
    return runs, _per_town(runs, towns), _per_town(_runs(quarter, towns, before=1), towns)


def _measured(run: EvaluationRun | None, town: Any, value: float | None, rows: int, note: str = "") -> Measured:
    return Measured(value, rows, _link(run, town) if run else "", note)


def tax_per_mu_change(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    runs, now, before = _two_runs(quarter, towns)
    out = {}
    for t in towns:
        run = runs[_county(t)]
        a, b = now.get(t.pk), before.get(t.pk)
        value = _change(_tax_per_mu(a), _tax_per_mu(b))
        note = f"{run.year} 对比 {run.year - 1}" if run else ""
        out[t.pk] = _measured(run, t, value, int((a or {}).get("firms", 0) + (b or {}).get("firms", 0)), note)
    return out


def d_class_share(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    runs = _runs(quarter, towns)
    now = _per_town(runs, towns)
    return {
        t.pk: _measured(runs[_county(t)], t, _d_share(now.get(t.pk)), int(now.get(t.pk, {}).get("firms", 0)))
        for t in towns
    }


def d_class_share_change(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    runs, now, before = _two_runs(quarter, towns)
    out = {}
    for t in towns:
        a, b = now.get(t.pk), before.get(t.pk)
        rows = int((a or {}).get("firms", 0) + (b or {}).get("firms", 0))
        out[t.pk] = _measured(runs[_county(t)], t, _change(_d_share(a), _d_share(b)), rows)
    return out


def firms(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    runs = _runs(quarter, towns)
    now = _per_town(runs, towns)
    out = {}
    for t in towns:
        run = runs[_county(t)]
        n = int(now.get(t.pk, {}).get("firms", 0))
        out[t.pk] = _measured(run, t, float(n) if run else None, n)
    return out


def register() -> None:
    app = "evaluation"
    register_indicator(
        IndicatorSource(
            "tax_per_mu_change",
            app,
            tax_per_mu_change,
            "本季度所在年度或之前最近一次已发布评价中，本镇参评企业实缴税收合计 ÷ 用地合计，减去前一年度已发布评价的同一数值（万元/亩）",
            "Tax paid ÷ land used of the town's evaluated firms in the latest published evaluation of the quarter's "
            "year or before, minus the same in the published evaluation of the year before that",
        )
    )
    register_indicator(
        IndicatorSource(
            "d_class_share",
            app,
            d_class_share,
            "该次已发布评价中本镇D类企业数 ÷ 参评企业数（%）",
            "Firms of class D ÷ firms evaluated in the town, in that published evaluation",
        )
    )
    register_indicator(
        IndicatorSource(
            "d_class_share_change",
            app,
            d_class_share_change,
            "D类企业占比减去前一年度已发布评价的占比（百分点）",
            "The share of class D minus the same in the published evaluation of the year before",
        )
    )
    register_indicator(
        IndicatorSource(
            "firms",
            app,
            firms,
            "该次已发布评价中本镇参评企业数",
            "Firms evaluated in the town in that published evaluation",
        )
    )
