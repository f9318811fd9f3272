"""The ranking's indicators that admission owns (赛马, issue 17; registered in AdmissionConfig.ready through
``kit.indicators``): projects admitted in the quarter, and their committed tax per mu against the park's minimum.

A project counts in the quarter of its decision to admit (``Decision.decided_on``), in the town of its application.
The committed tax per mu and the minimum are those the admission check recorded for the revision decided on (its
``tax_per_mu`` rule: the value and the ``min`` of the park's rules in force). One query for all towns; the figures
link to the list of applications filtered to the town and to admitted ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from landcycle.kit.indicators import IndicatorSource, Measured, Quarter, register_indicator

from .models import Application, Decision


def _link(town: Any) -> str:
    return reverse("application_list") + "?" + urlencode({"town": town.code, "status": Application.Status.ADMITTED})


def admitted(quarter: Quarter, towns: Sequence[Any]) -> dict[int, list[dict[str, Any]]]:
    """{town id: [the revision results of each project admitted in the quarter]} (one query)."""
    rows = (
        Decision.objects.filter(
            outcome=Decision.Outcome.ADMITTED,
            decided_on__gte=quarter.start,
            decided_on__lte=quarter.end,
            application__town__in=[t.pk for t in towns],
        )
        .order_by("application_id", "-decided_on")
        .values_list("application_id", "application__town_id", "revision__results")
    )
    out: dict[int, list[Any]] = defaultdict(list)
    seen: set[int] = set()
    for app_id, town_id, results in rows:
        if app_id in seen:  # one project, one count (a decision taken again counts once)
            continue
        seen.add(app_id)
        out[town_id].append(results or [])
    return out


def _ratio(results: list[dict[str, Any]]) -> float | None:
    """Committed tax per mu ÷ the minimum, in %; None without either."""
    for r in results:
        if r.get("rule") == "tax_per_mu" and r.get("value") is not None and r.get("min") is not None:
            try:
                value, minimum = Decimal(str(r["value"])), Decimal(str(r["min"]))
            except InvalidOperation:
                return None
            return float(100 * value / minimum) if minimum > 0 else None
    return None


def admitted_projects(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    got = admitted(quarter, towns)
    return {t.pk: Measured(float(len(got[t.pk])), len(got[t.pk]), _link(t)) for t in towns}


def admitted_tax_vs_minimum(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    got = admitted(quarter, towns)
    out = {}
    for t in towns:
        ratios = [x for x in (_ratio(r) for r in got[t.pk]) if x is not None]
        value = sum(ratios) / len(ratios) if ratios else None  # no project admitted: no figure, not a zero
        note = f"{len(ratios)}/{len(got[t.pk])}" if got[t.pk] else ""
        out[t.pk] = Measured(value, len(got[t.pk]), _link(t), note)
    return out


def register() -> None:
    register_indicator(
        IndicatorSource(
            "admitted_projects",
            "admission",
            admitted_projects,
            "季度内作出准予入园决定的项目数（按申请所属镇街）",
            "Projects whose admission was decided in the quarter, by the town of the application",
        )
    )
    register_indicator(
        IndicatorSource(
            "admitted_tax_vs_minimum",
            "admission",
            admitted_tax_vs_minimum,
            "这些项目承诺亩均税收 ÷ 审查时园区亩均税收下限（%），取平均；本季度无准入项目则缺失",
            "Committed tax per mu ÷ the park's minimum at the check (%), averaged over those projects; "
            "missing when none was admitted",
        )
    )
