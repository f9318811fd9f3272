"""The ranking indicator ``renewal_progress`` (kit.indicators): per town, the land its renewal projects have renewed
(area × percent reported by the end of the quarter) over the land their time-proportional plans call for by then.
None when the town has no project with an approved plan started by the quarter's end."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.urls import reverse

from landcycle.kit.indicators import IndicatorSource, Measured, Quarter
from landcycle.rules import renewal as rules

from .colours import latest_report
from .models import RenewalProject


def renewal_progress(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    as_of = quarter.end
    projects = (
        RenewalProject.objects.filter(town__in=towns, planned_start__lte=as_of)
        .exclude(state=RenewalProject.State.DRAFT)
        .prefetch_related("reports")
    )
    renewed: dict[int, Decimal] = defaultdict(Decimal)
    planned: dict[int, Decimal] = defaultdict(Decimal)
    count: dict[int, int] = defaultdict(int)
    for p in projects:
        report = latest_report(p, as_of)
        percent = 100 if p.state == RenewalProject.State.DONE and p.finished_on and p.finished_on <= as_of else 0
        percent = max(percent, report.percent_done if report else 0)
        renewed[p.town_id] += rules.renewed_mu(p.area_mu, percent)
        planned[p.town_id] += rules.planned_mu(p.area_mu, p.planned_start, p.planned_end, as_of)
        count[p.town_id] += 1
    out = {}
    base = reverse("renewal_list")
    for town in towns:
        plan = planned.get(town.pk, Decimal(0))
        value = None if plan <= 0 else float(renewed[town.pk] / plan * 100)
        out[town.pk] = Measured(
            value,
            count.get(town.pk, 0),
            f"{base}?town={town.pk}",
            f"已改造{renewed.get(town.pk, 0)}亩 / 序时应改造{plan}亩",
        )
    return out


SOURCE = IndicatorSource(
    key="renewal_progress",
    app="renewal",
    compute=renewal_progress,
    explain_zh="各改造提升项目至季末已改造面积（改造面积×报送进度）之和，除以按序时进度应改造面积之和（%）",
    explain_en="land renewed by the quarter's end (area × percent reported) over the land the time-proportional plans "
    "call for by then, summed over the town's renewal projects (%)",
)
