"""Charts: Vega-Lite specifications rendered to SVG on the server by vl-convert (docs/architecture.md, "Charts").

One look on screen, in print and in exports: a page inlines the SVG, a PDF embeds the same SVG, a workbook takes
the PNG. Nothing is fetched by the browser and nothing needs JavaScript. A mark is a link when the spec encodes
``href`` (an absolute path of the product: ``/registry/enterprises/?town=…``), so every bar leads to the rows behind
it; the mark's ``description`` becomes its hover title.

The module imports Django only to mark the SVG safe (:func:`svg`): the stand-alone engines use :func:`png`.

Builders return plain dicts (a Vega-Lite spec); :func:`svg` and :func:`png` render them. Rendering is cached by the
spec's canonical JSON, so a page that draws the same figures again costs a dictionary lookup.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

# The product's look (kit/palette.py has the colours of classes and warnings).
CONFIG: dict[str, Any] = {
    "background": None,
    "font": FONT,
    "view": {"stroke": None},
    "axis": {
        "labelFontSize": 12,
        "titleFontSize": 12,
        "labelColor": "#4a5563",
        "titleColor": "#4a5563",
        "gridColor": "#e3e7ed",
        "domainColor": "#c5ccd6",
        "tickColor": "#c5ccd6",
        "labelLimit": 160,
    },
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "labelLimit": 200},
    "title": {"fontSize": 14, "anchor": "start", "color": "#1f2a37"},
    "bar": {"color": "#2f6fb0"},
    "line": {"color": "#2f6fb0", "strokeWidth": 2},
    "point": {"color": "#2f6fb0"},
    "range": {"category": ["#2f6fb0", "#e07b39", "#3a9d5d", "#c0392b", "#8e6bb8", "#7f8c8d", "#d4a017", "#17a2b8"]},
}

# Vega resolves a link against its data loader's base URL; the product's links are absolute paths.
_VEGA_BASE = re.compile(r'xlink:href="https://vega\.github\.io/vega-datasets/+')
_LABELLED = re.compile(r'<path aria-label="([^"]*)"([^>]*?)/>')
_SIZE = re.compile(r'^<svg([^>]*?) width="([\d.]+)" height="([\d.]+)"')


def spec(**parts: Any) -> dict[str, Any]:
    """A Vega-Lite spec with the product's schema and config; ``parts`` are the spec's own keys."""
    out: dict[str, Any] = {"$schema": SCHEMA, "config": CONFIG}
    out.update(parts)
    return out


def values(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Inline data for a spec: a list of plain rows (numbers as float/int, everything else as text)."""
    clean = [{k: (v if isinstance(v, int | float) or v is None else str(v)) for k, v in row.items()} for row in rows]
    return {"values": clean}


def count_axis(rows: Sequence[Mapping[str, Any]], *, by: str, n: str = "n") -> dict[str, Any]:
    """The axis of a count (firms, warnings, tasks): whole numbers only. Vega spaces the ticks of a short axis at
    0.5 whatever ``tickMinStep`` says, and ``format: d`` then prints "0 1 1 2 2"; up to 10 the ticks are given."""
    totals: dict[Any, float] = {}
    for r in rows:
        totals[r[by]] = totals.get(r[by], 0) + (r[n] or 0)
    top = int(max(totals.values(), default=0))
    axis: dict[str, Any] = {"format": "d", "tickMinStep": 1}
    if top <= 10:
        axis["values"] = list(range(top + 1))
    return axis


def bar(
    rows: Sequence[Mapping[str, Any]],
    *,
    x: str,
    y: str,
    x_title: str = "",
    y_title: str = "",
    colour: str | None = None,
    colour_title: str = "",
    colours: Mapping[str, str] | None = None,
    href: str | None = None,
    horizontal: bool = False,
    width: int = 480,
    height: int = 240,
    title: str = "",
    sort: Sequence[str] | str | None = None,
) -> dict[str, Any]:
    """Bars of ``y`` by category ``x`` (stacked by ``colour`` when given); ``href`` names the field with each
    bar's link. ``colours`` maps colour values to hex (a class or warning colour keeps its meaning)."""
    cat: dict[str, Any] = {"field": x, "type": "nominal", "title": x_title or None, "sort": sort}
    num: dict[str, Any] = {"field": y, "type": "quantitative", "title": y_title or None}
    if horizontal:
        cat["axis"] = {"labelLimit": 160}
    enc: dict[str, Any] = {"y": cat, "x": num} if horizontal else {"x": cat, "y": num}
    if not horizontal:
        cat["axis"] = {"labelAngle": 0, "labelLimit": 90}
    tip = [x, y]
    if colour:
        col: dict[str, Any] = {"field": colour, "type": "nominal", "title": colour_title or None}
        if colours:
            col["scale"] = {"domain": list(colours), "range": list(colours.values())}
        enc["color"] = col
        tip = [x, colour, y]
    if href:
        enc["href"] = {"field": href}
    enc["description"] = {"field": "_tip"}
    out = spec(
        data=values(rows),
        transform=[{"calculate": " + ' · ' + ".join(f"datum['{f}']" for f in tip), "as": "_tip"}],
        mark={"type": "bar", "cursor": "pointer" if href else "default"},
        encoding=enc,
        width=width,
        height=height,
    )
    if title:
        out["title"] = title
    return out


def line(
    rows: Sequence[Mapping[str, Any]],
    *,
    x: str,
    y: str,
    series: str | None = None,
    x_title: str = "",
    y_title: str = "",
    series_title: str = "",
    href: str | None = None,
    width: int = 480,
    height: int = 240,
    title: str = "",
) -> dict[str, Any]:
    """A line of ``y`` over ordinal ``x`` (years), one line per ``series`` when given, with points to hover/click."""
    enc: dict[str, Any] = {
        "x": {"field": x, "type": "ordinal", "title": x_title or None, "axis": {"labelAngle": 0}},
        "y": {"field": y, "type": "quantitative", "title": y_title or None},
    }
    tip = [x, y]
    if series:
        enc["color"] = {"field": series, "type": "nominal", "title": series_title or None}
        tip = [series, x, y]
    if href:
        enc["href"] = {"field": href}
    enc["description"] = {"field": "_tip"}
    out = spec(
        data=values(rows),
        transform=[{"calculate": " + ' · ' + ".join(f"datum['{f}']" for f in tip), "as": "_tip"}],
        mark={"type": "line", "point": True},
        encoding=enc,
        width=width,
        height=height,
    )
    if title:
        out["title"] = title
    return out


def short_labels(chart: dict[str, Any]) -> dict[str, Any]:
    """For labels known to be short (town names, class names, years): no label is truncated, so Vega does not measure
    each one against the limit (with Chinese text that measuring was over half of a chart's rendering time)."""
    config = {**chart.get("config", CONFIG)}
    config["axis"] = {**config.get("axis", {}), "labelLimit": 0}
    config["legend"] = {**config.get("legend", {}), "labelLimit": 0}
    chart["config"] = config
    for channel in chart.get("encoding", {}).values():
        if isinstance(channel, dict) and isinstance(channel.get("axis"), dict):
            channel["axis"]["labelLimit"] = 0
    return chart


def _key(chart: Mapping[str, Any]) -> str:
    return json.dumps(chart, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@lru_cache(maxsize=256)
def _svg(key: str) -> str:
    import vl_convert  # noqa: PLC0415 -- a native module with a JS engine: loaded on the first chart, not at start

    raw = vl_convert.vegalite_to_svg(json.loads(key))
    raw = _VEGA_BASE.sub('xlink:href="/', raw)
    # hover titles: the mark's description (Vega writes it as aria-label) also as an SVG <title>
    raw = _LABELLED.sub(lambda m: f'<path aria-label="{m[1]}"{m[2]}><title>{m[1]}</title></path>', raw)
    # scale with its box: the drawn size becomes the viewBox's, the page decides the width
    return _SIZE.sub(r'<svg\1 width="\2" height="\3" style="max-width:100%;height:auto"', raw, count=1)


def svg(chart: Mapping[str, Any], *, label: str = "") -> SafeString:
    """The chart as inline SVG markup, safe to put in a template (``{{ chart }}``)."""
    # Django only here: the stand-alone ``landcycle evaluate`` writes charts as PNG without importing Django
    from django.utils.safestring import mark_safe  # noqa: PLC0415 -- see above

    out = _svg(_key(chart))
    if label:
        out = out.replace("<svg", f'<svg role="img" aria-label="{html.escape(label)}"', 1)
    return mark_safe(out)  # vl-convert's own SVG output; Vega escapes every text in it


@lru_cache(maxsize=64)
def _png(key: str, scale: float) -> bytes:
    import vl_convert  # noqa: PLC0415 -- see _svg

    return bytes(vl_convert.vegalite_to_png(json.loads(key), scale=scale))


def png(chart: Mapping[str, Any], *, scale: float = 2.0) -> bytes:
    """The same chart as a PNG (for a workbook or a document that cannot take SVG)."""
    return _png(_key(chart), scale)
