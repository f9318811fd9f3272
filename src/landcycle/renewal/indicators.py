"""The ranking indicator ``renewal_progress`` (kit.indicators, 有机更新计划完成率): per town, the land its renewal projects
renewed in the year up to the end of the quarter (area × the rise of the percent reported since the year began) over
the land their time-proportional plans call for in the whole year. None when no approved project of the town plans
anything in that year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.urls import reverse

from landcycle.kit.indicators import IndicatorSource, Measured, Quarter
from landcycle.rules import renewal as rules

from .colours import latest_report
from .models import RenewalProject


def percent_on(project: RenewalProject, day: dt.date) -> int:
    """The percent done reported by ``day`` (100 once the project was finished by then)."""
    if project.state == RenewalProject.State.DONE and project.finished_on and project.finished_on <= day:
        return 100
    report = latest_report(project, day)
    return report.percent_done if report else 0


def renewal_progress(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    as_of, year_end = quarter.end, dt.date(quarter.year, 12, 31)
    before = dt.date(quarter.year - 1, 12, 31)
    projects = (
        RenewalProject.objects.filter(town__in=towns, planned_start__lte=year_end, planned_end__gt=before)
        .exclude(state=RenewalProject.State.DRAFT)
        .prefetch_related("reports")
    )
    renewed: dict[int, Decimal] = defaultdict(Decimal)
    planned: dict[int, Decimal] = defaultdict(Decimal)
    count: dict[int, int] = defaultdict(int)
    for p in projects:
        share = rules.planned_mu(p.area_mu, p.planned_start, p.planned_end, year_end) - rules.planned_mu(
            p.area_mu, p.planned_start, p.planned_end, before
        )
        planned[p.town_id] += share
        renewed[p.town_id] += rules.renewed_mu(p.area_mu, percent_on(p, as_of)) - rules.renewed_mu(
            p.area_mu, percent_on(p, before)
        )
        count[p.town_id] += 1
    out = {}
    base = reverse("renewal_list")
    for town in towns:
        plan = planned.get(town.pk, Decimal(0))
        done = renewed.get(town.pk, Decimal(0))
        out[town.pk] = Measured(
            None if plan <= 0 else float(done / plan * 100),
            count.get(town.pk, 0),
            f"{base}?town={town.pk}",
            f"{quarter.year}年计划改造{plan}亩，截至{as_of}已改造{done}亩",
        )
    return out


SOURCE = IndicatorSource(
    key="renewal_progress",
    app="renewal",
    compute=renewal_progress,
    explain_zh="本年度截至季末各改造提升项目已改造面积（改造面积×本年报送进度的增加）之和，除以按序时进度本年度应改造面积之和（%）",
    explain_en="land renewed this year up to the quarter's end (area × the rise of the percent reported since 1 January) "
    "over the land the time-proportional plans call for in the whole year, summed over the town's renewal projects (%)",
)
