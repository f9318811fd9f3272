"""The ranking's charts as ``kit.charts`` specifications (Vega-Lite, rendered on the server): the bump chart of
ranks over quarters (rank 1 on top) for every town or one. No Django."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from landcycle.kit import charts


def bump_chart(
    rows: Sequence[dict[str, Any]],
    *,
    x_title: str = "季度",
    y_title: str = "名次",
    series_title: str = "镇街",
    width: int = 560,
    height: int = 300,
) -> dict[str, Any]:
    """One line per town of its rank in each published quarter; rank 1 at the top, one tick per rank."""
    spec = charts.line(
        [{"quarter": r["quarter"], "rank": r["rank"], "town": r["town"]} for r in rows],
        x="quarter",
        y="rank",
        series="town",
        x_title=x_title,
        y_title=y_title,
        series_title=series_title,
        width=width,
        height=height,
    )
    top = max((r["rank"] for r in rows), default=1)
    spec["height"] = max(height, 17 * top)  # one legend line (right of the chart) and one rank tick per town
    spec["encoding"]["color"]["legend"] = {"orient": "right", "columns": 1, "symbolLimit": 0, "labelLimit": 120}
    spec["encoding"]["y"]["scale"] = {"reverse": True, "domain": [1, max(top, 2)], "nice": False}
    spec["encoding"]["y"]["axis"] = {"tickMinStep": 1, "values": list(range(1, top + 1)), "format": "d"}
    return spec
