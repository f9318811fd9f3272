"""The inputs of a quarter: for each town ranked, every indicator and denominator of the policy, from the app that
computes it (``kit.indicators``), from the county's hand-entered figures, or nothing (said plainly). The result is
plain JSON, frozen into the run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import numpy as np
from django.urls import reverse

from landcycle.kit.indicators import Measured, Quarter, indicator_sources
from landcycle.registry.models import Park, Region
from landcycle.rules.ranking.engine import Table
from landcycle.rules.ranking.policy import IndexPolicy

from ..models import IndicatorInput

COMPUTED, HAND, NONE = "computed", "hand", "none"


def ranked_towns(county: Region | None = None) -> list[Region]:
    """The towns ranked: every town of the county with at least one park (the towns that hold industrial land), by
    code (``county=None``: every town of the installation)."""
    ids = Park.objects.order_by().values_list("town_id", flat=True).distinct()
    towns = Region.objects.filter(level=Region.Level.TOWN, pk__in=ids)
    if county is not None:
        towns = towns.filter(parent=county)
    return list(towns.order_by("code"))


def _hand(quarter: Quarter, towns: list[Region], key: str) -> dict[int, Measured]:
    out = {}
    for x in IndicatorInput.objects.filter(
        year=quarter.year, quarter=quarter.quarter, indicator=key, town__in=[t.pk for t in towns]
    ).select_related("town"):
        link = reverse("ranking_inputs") + "?" + urlencode({"quarter": quarter.label, "town": x.town.code})
        out[x.town_id] = Measured(float(x.value), 1, link, x.source)
    return out


def _entry(quarter: Quarter, towns: list[Region], key: str) -> dict[str, Any]:
    entry: dict[str, Any]
    source = indicator_sources().get(key)
    if source is not None:
        measured = dict(source.compute(quarter, towns))
        entry = {
            "origin": COMPUTED,
            "app": source.app,
            "explain_zh": source.explain_zh,
            "explain_en": source.explain_en,
        }
    else:
        measured = _hand(quarter, towns, key)
        entry = {"origin": HAND if measured else NONE, "app": "", "explain_zh": "", "explain_en": ""}
    values = {}
    for t in towns:
        m = measured.get(t.pk)
        if m is not None:
            values[t.code] = {"value": m.value, "rows": m.rows, "link": m.link, "note": m.note}
    entry["values"] = values
    return entry


def gather(
    quarter: Quarter,
    policy: IndexPolicy,
    towns: list[Region] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """The frozen inputs of ``towns`` (default: every ranked town); ``progress("gather", done, total)`` after each
    indicator and denominator when given."""
    towns = ranked_towns() if towns is None else towns
    keys = [(i.key, "indicators") for i in policy.indicators] + [(k, "denominators") for k in policy.denominators]
    out: dict[str, Any] = {
        "quarter": quarter.label,
        "towns": [{"id": t.pk, "code": t.code, "name": t.name} for t in towns],
        "indicators": {},
        "denominators": {},
    }
    for n, (key, part) in enumerate(keys):
        if progress is not None:
            progress("gather", n, len(keys))
        out[part][key] = _entry(quarter, towns, key)
    return out


def _column(entry: dict[str, Any], codes: list[str]) -> list[float]:
    out = []
    for c in codes:
        v = entry["values"].get(c, {}).get("value")
        out.append(np.nan if v is None else float(v))
    return out


def table_of(inputs: dict[str, Any], policy: IndexPolicy) -> Table:
    """The engine's table from the frozen inputs (towns in their order, the policy's indicators and denominators)."""
    codes = [t["code"] for t in inputs["towns"]]
    values = np.array([_column(inputs["indicators"][i.key], codes) for i in policy.indicators], dtype=float).T
    dens = np.array([_column(inputs["denominators"][k], codes) for k in policy.denominators], dtype=float).T
    names = tuple(t["name"] for t in inputs["towns"])
    return Table(
        names,
        values.reshape(len(codes), len(policy.indicators)),
        dens.reshape(len(codes), len(policy.denominators)) if policy.denominators else None,
    )
