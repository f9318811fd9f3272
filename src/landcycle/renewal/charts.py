"""The renewal charts as ``kit.charts`` specifications (Vega-Lite, rendered to SVG on the server): the milestones plan
against actual (a Gantt-like chart: a bar from the project's planned start to each milestone's planned date, the
actual date as a tick, late ones in the warning colour) and the block's per-mu payoff before and after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from landcycle.kit import charts
from landcycle.rules import renewal as rules

WARN = {"green": "#2e9d5b", "yellow": "#e0a100", "red": "#d93b3b", "grey": "#8a919c"}


def milestone_rows(ms: Sequence[Any], start: dt.date, as_of: dt.date, dates_rule, names: dict[str, str]) -> list[dict]:
    rows = []
    prev = start
    for m in ms:
        row = rules.MilestoneRow(m.kind, m.planned_on, m.done_on)
        reason = rules.milestone_reason(row, as_of, dates_rule)
        colour = reason.colour if reason else ("green" if m.done_on else "grey")
        rows.append(
            {
                "name": names[m.kind],
                "from": min(prev, m.planned_on).isoformat(),
                "planned": m.planned_on.isoformat(),
                "actual": m.done_on.isoformat() if m.done_on else None,
                "state": colour,
            }
        )
        prev = m.planned_on
    return rows


def gantt(
    rows: list[dict], *, planned: str, actual: str, today: str, as_of: dt.date, width: int = 560
) -> dict[str, Any]:
    order = [r["name"] for r in rows]
    y = {"field": "name", "type": "nominal", "sort": order, "title": None, "axis": {"labelLimit": 0}}
    layers = [
        {
            "mark": {"type": "bar", "height": 12, "cornerRadius": 2, "opacity": 0.55},
            "encoding": {
                "y": y,
                "x": {"field": "from", "type": "temporal", "title": None, "axis": {"format": "%Y-%m"}},
                "x2": {"field": "planned"},
                "color": {
                    "field": "state",
                    "type": "nominal",
                    "scale": {"domain": list(WARN), "range": list(WARN.values())},
                    "legend": None,
                },
                "description": {"field": "_plan"},
            },
        },
        {
            "mark": {"type": "tick", "thickness": 3, "size": 18, "color": "#1f2a37"},
            "transform": [{"filter": "datum.actual != null"}],
            "encoding": {"y": y, "x": {"field": "actual", "type": "temporal"}, "description": {"field": "_actual"}},
        },
        {
            "data": {"values": [{"today": as_of.isoformat()}]},
            "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#56657a"},
            "encoding": {"x": {"field": "today", "type": "temporal"}},
        },
    ]
    return charts.spec(
        data=charts.values(rows),
        transform=[
            {"calculate": f"datum.name + ' · {planned} ' + datum.planned", "as": "_plan"},
            {"calculate": f"datum.name + ' · {actual} ' + datum.actual", "as": "_actual"},
        ],
        layer=layers,
        width=width,
        height=max(60, 28 * len(rows)),
        title={"text": "", "subtitle": f"{today} {as_of.isoformat()}"},
    )


def payoff_chart(
    p: rules.Payoff, *, series_before: str, series_after: str, y_title: str, width: int = 480
) -> dict[str, Any]:
    rows = []
    if p.before:
        rows.append({"year": str(p.before.year), "tax_per_mu": float(p.before.tax_per_mu), "when": series_before})
    rows += [{"year": str(r.year), "tax_per_mu": float(r.tax_per_mu), "when": series_after} for r in p.after]
    return charts.short_labels(
        charts.bar(
            rows,
            x="year",
            y="tax_per_mu",
            x_title="",
            y_title=y_title,
            colour="when",
            colours={series_before: "#8a919c", series_after: "#2f6fb0"},
            width=width,
            height=220,
        )
    )
