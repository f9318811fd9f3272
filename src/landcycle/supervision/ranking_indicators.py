"""The ranking's indicators that supervision owns (赛马, issue 17; registered in SupervisionConfig.ready through
``kit.indicators``): red and yellow warnings open at the quarter's end and their average age, idle land whose
disposal closed in the quarter, and the denominator ``contracts``.

A warning's closing day is the day of its close-out or acceptance event (``WarningEvent.as_of``); a warning counts
as open at the quarter's end when it was first raised by then and was not closed by then. Its colour is the one it
has now (the board's colour; the history of colours is not replayed). Each figure takes one or two queries for all
towns and links to the warning board or the contract list filtered to the town.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.urls import reverse

from landcycle.kit.indicators import IndicatorSource, Measured, Quarter, register_indicator
from landcycle.rules.units import m2_to_mu

from .models import Contract, ContractParcel, Warning
from .models.warnings import WarningEvent
from .selectors import IDLE_RULES

CLOSING = (WarningEvent.Kind.CLOSE, WarningEvent.Kind.ACCEPT)


def _link(name: str, town: Any, **more: str) -> str:
    return reverse(name) + "?" + urlencode({"town": town.code, **more})


def _closed_on() -> Subquery:
    events = WarningEvent.objects.filter(warning=OuterRef("pk"), kind__in=CLOSING).order_by().values("warning")
    return Subquery(events.annotate(on=Max("as_of")).values("on")[:1])


def open_at_end(quarter: Quarter, towns: Sequence[Any]) -> list[dict[str, Any]]:
    """The red and yellow warnings open at the quarter's end: town id and first raised (one query)."""
    rows = (
        Warning.objects.filter(
            colour__in=[Warning.Colour.RED, Warning.Colour.YELLOW],
            first_raised__lte=quarter.end,
            town__in=[t.pk for t in towns],
        )
        .annotate(closed_on=_closed_on())
        .filter(~Q(status=Warning.Status.CLOSED) | Q(closed_on__gt=quarter.end) | Q(closed_on__isnull=True))
        .values("town_id", "first_raised")
    )
    return list(rows)


def warnings_open(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    count: dict[int, int] = defaultdict(int)
    for r in open_at_end(quarter, towns):
        count[r["town_id"]] += 1
    return {t.pk: Measured(float(count[t.pk]), count[t.pk], _link("warning_board", t, colour="red")) for t in towns}


def warning_age_days(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    ages: dict[int, list[int]] = defaultdict(list)
    for r in open_at_end(quarter, towns):
        ages[r["town_id"]].append((quarter.end - r["first_raised"]).days)
    out = {}
    for t in towns:
        a = ages[t.pk]
        # no open warning: an age of 0 days (nothing waits), not a missing figure
        out[t.pk] = Measured(sum(a) / len(a) if a else 0.0, len(a), _link("warning_board", t))
    return out


def idle_land_disposed_mu(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    """Σ land (mu) of the contracts whose idle-land warning was closed in the quarter (two queries)."""
    closed = (
        Warning.objects.filter(
            rule__in=IDLE_RULES,
            status=Warning.Status.CLOSED,
            subject_type=Warning.SubjectType.CONTRACT,
            town__in=[t.pk for t in towns],
        )
        .annotate(closed_on=_closed_on())
        .filter(closed_on__gte=quarter.start, closed_on__lte=quarter.end)
        .values_list("town_id", "subject_id")
        .distinct()
    )
    pairs = list(closed)
    land = dict(
        ContractParcel.objects.filter(contract_id__in={c for _t, c in pairs})
        .values("contract_id")
        .annotate(m2=Sum("parcel__area_m2"))
        .values_list("contract_id", "m2")
    )
    mu: dict[int, float] = defaultdict(float)
    rows: dict[int, int] = defaultdict(int)
    for town_id, contract_id in pairs:
        mu[town_id] += float(m2_to_mu(land.get(contract_id) or 0))
        rows[town_id] += 1
    return {t.pk: Measured(mu[t.pk], rows[t.pk], _link("warning_board", t, rule="idle.not_started")) for t in towns}


def contracts(quarter: Quarter, towns: Sequence[Any]) -> Mapping[int, Measured]:
    rows = dict(
        Contract.objects.filter(town__in=[t.pk for t in towns])
        .filter(Q(signed_on__lte=quarter.end) | Q(signed_on__isnull=True))
        .order_by()
        .values("town_id")
        .annotate(n=Count("id"))
        .values_list("town_id", "n")
    )
    return {t.pk: Measured(float(rows.get(t.pk, 0)), rows.get(t.pk, 0), _link("contract_list", t)) for t in towns}


def register() -> None:
    app = "supervision"
    for key, compute, zh, en in [
        (
            "warnings_open",
            warnings_open,
            "季度末仍未销号的红、黄色预警个数（首次预警不晚于季度末，且当时未办结；颜色为当前颜色）",
            "Red and yellow warnings first raised by the quarter's end and not closed by then (their colour today)",
        ),
        (
            "warning_age_days",
            warning_age_days,
            "这些预警自首次预警至季度末的天数的平均值；没有未销号预警为0",
            "Days from first raised to the quarter's end of those warnings, averaged; 0 when none is open",
        ),
        (
            "idle_land_disposed_mu",
            idle_land_disposed_mu,
            "季度内办结的闲置土地预警所涉合同地块面积合计（亩）",
            "Land (mu) of the contracts whose idle-land warning was closed in the quarter",
        ),
        (
            "contracts",
            contracts,
            "季度末前签订的供地合同数",
            "Land contracts of the town signed by the quarter's end",
        ),
    ]:
        register_indicator(IndicatorSource(key, app, compute, zh, en))
