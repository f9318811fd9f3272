"""The project's outline on its page: its parcels drawn as an inline SVG (no map library, nothing fetched), filled in
the project's warning colour, each parcel a link to its file."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

FILL = {"green": "#2e9d5b", "yellow": "#e0a100", "red": "#d93b3b", "grey": "#8a919c"}


def _rings(geometry: dict | None) -> list[list[tuple[float, float]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [[(float(x), float(y)) for x, y, *_ in geometry["coordinates"][0]]]
    if geometry.get("type") == "MultiPolygon":
        return [[(float(x), float(y)) for x, y, *_ in poly[0]] for poly in geometry["coordinates"]]
    return []


def outline_svg(
    parcels: Sequence[tuple[str, dict | None, str]], colour: str, *, width: int = 360, height: int = 240
) -> SafeString:
    """``parcels``: (number, GeoJSON geometry, link). Lon/lat scaled by cos(latitude) so shapes keep their form."""
    shapes = [(n, r, link) for n, g, link in parcels for r in _rings(g)]
    if not shapes:
        return mark_safe("")
    xs = [x for _, r, _l in shapes for x, _y in r]
    ys = [y for _, r, _l in shapes for _x, y in r]
    k = math.cos(math.radians((min(ys) + max(ys)) / 2))
    w, h = max((max(xs) - min(xs)) * k, 1e-9), max(max(ys) - min(ys), 1e-9)
    pad = 8
    scale = min((width - 2 * pad) / w, (height - 2 * pad) / h)

    def pt(x: float, y: float) -> str:
        return f"{pad + (x - min(xs)) * k * scale:.1f},{pad + (max(ys) - y) * scale:.1f}"

    fill = FILL.get(colour, FILL["grey"])
    polys: Any = format_html_join(
        "",
        '<a href="{}"><polygon points="{}" fill="{}" fill-opacity="0.45" stroke="#1f2a37" stroke-width="1"><title>{}</title></polygon></a>',
        ((link, " ".join(pt(x, y) for x, y in ring), fill, number) for number, ring, link in shapes),
    )
    return format_html(
        '<svg class="rn-outline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" style="max-width:100%;height:auto">{}</svg>',
        width,
        height,
        width,
        height,
        polys,
    )
