"""The evaluation's charts as ``kit.charts`` specifications (Vega-Lite, rendered on the server): the score histogram
stacked by class, and the classes by town. Class colours come from ``evaluation.colours`` (A green, B blue,
C orange, D red), so a chart, a tag and an .xlsx cell of the same class share one colour.

Nothing here imports Django: the stand-alone ``landcycle evaluate`` puts the same histogram (as PNG) in its workbook.
Titles are passed in by the caller (the pages translate them; the stand-alone workbook is in Chinese).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from landcycle.kit import charts

from .colours import class_hex

BAND_WIDTH = 10.0


def bands_of(pairs: Iterable[tuple[float | None, str]], width: float = BAND_WIDTH) -> list[dict]:
    """(score, class) pairs -> firms per score band of ``width`` points, each band split by class; bands between
    the lowest and the highest are all there (an empty band is a gap in the histogram, not a missing bar)."""
    bands: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for score, klass in pairs:
        if score is None or (isinstance(score, float) and math.isnan(score)):
            continue
        bands[int(math.floor(score / width))][klass] += 1
    if not bands:
        return []
    lo, hi = min(bands), max(bands)
    return [
        {
            "from": b * width,
            "to": (b + 1) * width,
            "classes": dict(bands.get(b, {})),
            "n": sum(bands.get(b, {}).values()),
        }
        for b in range(lo, hi + 1)
    ]


def class_names(classes: Sequence[str], labels: Mapping[str, str]) -> dict[str, str]:
    """Class key -> its legend text ("A 优先发展类")."""
    return {k: f"{k} {labels.get(k, '')}".strip() for k in classes}


def class_colours(classes: Sequence[str], labels: Mapping[str, str]) -> dict[str, str]:
    """Legend text -> hex, in the policy's order of classes."""
    names = class_names(classes, labels)
    return {names[k]: class_hex(k, list(classes)) for k in classes}


def score_histogram(
    bands: list[dict],
    classes: Sequence[str],
    labels: Mapping[str, str],
    *,
    x_title: str = "得分（分）",
    y_title: str = "企业数（家）",
    colour_title: str = "类别",
    width: int = 480,
    height: int = 220,
) -> dict[str, Any]:
    """Firms per score band stacked by class; hovering a segment says band, class and count."""
    names = class_names(classes, labels)
    order = [f"{b['from']:g}–{b['to']:g}" for b in bands]
    rows = [
        {"band": label, "cls": names[k], "n": b["classes"].get(k, 0), "_order": i}
        for label, b in zip(order, bands, strict=True)
        for i, k in enumerate(classes)
        if b["classes"].get(k, 0)
    ]
    spec = charts.bar(
        rows,
        x="band",
        y="n",
        x_title=x_title,
        y_title=y_title,
        colour="cls",
        colour_title=colour_title,
        colours=class_colours(classes, labels),
        sort=order,
        width=width,
        height=height,
    )
    spec["encoding"]["order"] = {"field": "_order", "type": "ordinal"}  # A at the bottom of each bar
    spec["encoding"]["x"]["axis"] = {"labelAngle": -45 if len(bands) > 8 else 0, "labelLimit": 90}
    return spec


def classes_by_town(
    rows: Sequence[Mapping[str, Any]],
    classes: Sequence[str],
    labels: Mapping[str, str],
    *,
    town_title: str,
    count_title: str,
    colour_title: str,
    width: int = 420,
) -> dict[str, Any]:
    """Rows {town, cls (key), n, url} -> a horizontal bar per town stacked by class, each segment a link."""
    names = class_names(classes, labels)
    towns = list(dict.fromkeys(r["town"] for r in rows))
    data = [
        {
            "town": r["town"],
            "cls": names[r["cls"]],
            "n": r["n"],
            "url": r["url"],
            "_order": list(classes).index(r["cls"]),
        }
        for r in rows
        if r["n"] and r["cls"] in names
    ]
    spec = charts.bar(
        data,
        x="town",
        y="n",
        x_title=town_title,
        y_title=count_title,
        colour="cls",
        colour_title=colour_title,
        colours=class_colours(classes, labels),
        href="url" if any(d["url"] for d in data) else None,
        horizontal=True,
        sort=towns,
        width=width,
        height=max(60, 20 * len(towns)),
    )
    spec["encoding"]["order"] = {"field": "_order", "type": "ordinal"}
    spec["encoding"]["y"]["scale"] = {"domain": towns}  # every town a row, a town with no firm too
    spec["encoding"]["x"]["axis"] = charts.count_axis(data, by="town")  # firms are whole
    return spec
