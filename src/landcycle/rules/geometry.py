"""Parcel geometry: GeoJSON polygons in WGS 84 (lon, lat), validity, and geodesic area.

The area of a polygon is measured on the WGS 84 ellipsoid (pyproj.Geod), so it does not depend on a
projection, and compared with the area stated in the ledger.

Size: ``ShapeLimits`` bounds what may be stored (points, rings, parts of one shape, bytes of a file or of the
form's text); the caller passes the limits from its settings. JSON that nests deeper than ``MAX_JSON_DEPTH``,
holds NaN/Infinity or an integer of thousands of digits is "not valid GeoJSON", never an exception.
``display_shapes`` simplifies stored shapes for a map (shapely, vectorised) so that a page never carries a
shape at full resolution.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from .problems import Problem

_GEOD = Geod(ellps="WGS84")
# A GeoJSON FeatureCollection of MultiPolygons nests 8 levels (collection, features, feature, geometry,
# coordinates, polygon, ring, position); properties from GIS software are flat. Deeper is not a parcel file.
MAX_JSON_DEPTH = 32


@dataclass(frozen=True)
class ShapeLimits:
    """What one parcel shape and one shapes file may hold (settings LANDCYCLE_SHAPE_MAX_POINTS, _MAX_RINGS,
    _MAX_PARTS, LANDCYCLE_SHAPE_FILE_MAX_BYTES)."""

    max_points: int = 10_000
    max_rings: int = 200
    max_parts: int = 100
    max_bytes: int = 50 * 2**20


def size_text(n: int) -> str:
    """Bytes for a message: '50 MB', '812 KB', '900 B'."""
    if n >= 2**20:
        return f"{n / 2**20:,.1f}".removesuffix(".0") + " MB"
    if n >= 2**10:
        return f"{n / 2**10:,.1f}".removesuffix(".0") + " KB"
    return f"{n} B"


class JSONTooDeep(ValueError):
    pass


class _BadConstant(ValueError):
    pass


def _no_constant(name):
    raise _BadConstant(name)


def json_depth_exceeds(doc, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether lists and objects nest deeper than ``limit`` (walked without recursion)."""
    stack = [(doc, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def load_json(text: str | bytes):
    """Parse JSON text that may be hostile: raises ``json.JSONDecodeError`` (with its position) for bad syntax,
    or ``ValueError`` whose ``args[0]``/``args[1]`` are the Chinese and English reason for nesting deeper than
    ``MAX_JSON_DEPTH`` (or too deep for the parser at all), NaN/Infinity, and integers too long to convert."""
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise JSONTooDeep(f"嵌套超过{MAX_JSON_DEPTH}层", f"nested more than {MAX_JSON_DEPTH} levels deep") from None
    except _BadConstant as exc:
        raise ValueError(f"含有不允许的数值{exc.args[0]}", f"it holds {exc.args[0]}, which is not a number") from None
    except ValueError as exc:  # e.g. "Exceeds the limit (4300 digits) for integer string conversion"
        raise ValueError("含有位数过多的数字", f"a number has too many digits ({exc})") from None
    if json_depth_exceeds(doc):
        raise JSONTooDeep(f"嵌套超过{MAX_JSON_DEPTH}层", f"nested more than {MAX_JSON_DEPTH} levels deep")
    return doc


def shape_size(geojson: dict) -> tuple[int, int, int] | None:
    """(parts, rings, points) of a GeoJSON Polygon / MultiPolygon, counted without building it; None when
    its coordinates are not nested as the type says."""
    coords = geojson.get("coordinates")
    polygons = [coords] if geojson.get("type") == "Polygon" else coords
    sequence = (list, tuple)  # tuples: shapely's mapping() of a shape already built
    if not isinstance(polygons, sequence):
        return None
    rings = points = 0
    for polygon in polygons:
        if not isinstance(polygon, sequence):
            return None
        rings += len(polygon)
        for ring in polygon:
            if not isinstance(ring, sequence):
                return None
            points += len(ring)
    return len(polygons), rings, points


def size_problems(geojson: dict, limits: ShapeLimits, field: str = "geometry") -> list[Problem]:
    """The limits a Polygon / MultiPolygon exceeds, each naming its number and its setting."""
    size = shape_size(geojson)
    return [] if size is None else count_problems(*size, limits, field)


def count_problems(parts: int, rings: int, points: int, limits: ShapeLimits, field: str = "geometry") -> list[Problem]:
    """The limits a shape of ``parts`` polygons, ``rings`` rings and ``points`` points exceeds."""
    problems = []
    if points > limits.max_points:
        problems.append(
            Problem(
                field,
                "geometry.too_many_points",
                f"地块图形有{points:,}个坐标点，超过上限{limits.max_points:,}个（设置项"
                "LANDCYCLE_SHAPE_MAX_POINTS）：请先在GIS软件中简化图形",
                f"The parcel shape has {points:,} points, more than the limit of "
                f"{limits.max_points:,} (setting LANDCYCLE_SHAPE_MAX_POINTS): simplify it in the GIS "
                "software first",
            )
        )
    if rings > limits.max_rings:
        problems.append(
            Problem(
                field,
                "geometry.too_many_rings",
                f"地块图形有{rings:,}个环（外边界和内洞），超过上限{limits.max_rings:,}个（设置项"
                "LANDCYCLE_SHAPE_MAX_RINGS）",
                f"The parcel shape has {rings:,} rings (outer boundaries and holes), more than the "
                f"limit of {limits.max_rings:,} (setting LANDCYCLE_SHAPE_MAX_RINGS)",
            )
        )
    if parts > limits.max_parts:
        problems.append(
            Problem(
                field,
                "geometry.too_many_parts",
                f"地块图形有{parts:,}个部分（MultiPolygon中的多边形），超过上限{limits.max_parts:,}个"
                "（设置项LANDCYCLE_SHAPE_MAX_PARTS）",
                f"The parcel shape has {parts:,} parts (polygons of a MultiPolygon), more than the "
                f"limit of {limits.max_parts:,} (setting LANDCYCLE_SHAPE_MAX_PARTS)",
            )
        )
    return problems


def parse_polygon(geojson, field: str = "geometry", limits: ShapeLimits | None = None):
    """(shapely geometry, problems). Accepts a GeoJSON geometry, Feature, dict or JSON text. With ``limits``
    a shape over them is refused before it is built."""
    if isinstance(geojson, (str, bytes)):
        size = len(geojson.encode() if isinstance(geojson, str) else geojson)
        if limits is not None and size > limits.max_bytes:
            return None, [
                Problem(
                    field,
                    "geometry.too_large",
                    f"地块图形文本有{size_text(size)}，超过上限{size_text(limits.max_bytes)}（设置项"
                    "LANDCYCLE_SHAPE_FILE_MAX_BYTES）",
                    f"The parcel shape's text is {size_text(size)}, more than the limit of "
                    f"{size_text(limits.max_bytes)} (setting LANDCYCLE_SHAPE_FILE_MAX_BYTES)",
                )
            ]
        try:
            geojson = load_json(geojson)
        except json.JSONDecodeError as exc:
            return None, [
                Problem(
                    field,
                    "geometry.json",
                    f"地块图形不是有效的GeoJSON：{exc.msg}",
                    f"The parcel shape is not valid GeoJSON: {exc.msg}",
                )
            ]
        except ValueError as exc:
            zh, en = exc.args
            return None, [
                Problem(
                    field,
                    "geometry.json",
                    f"地块图形不是有效的GeoJSON：{zh}",
                    f"The parcel shape is not valid GeoJSON: {en}",
                )
            ]
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        return None, [
            Problem(
                field,
                "geometry.type",
                "地块图形应为GeoJSON的Polygon或MultiPolygon",
                "The parcel shape must be a GeoJSON Polygon or MultiPolygon",
            )
        ]
    if shape_size(geojson) is None:
        return None, [
            Problem(
                field,
                "geometry.coordinates",
                "地块图形坐标有误：坐标的嵌套层数与图形类型不符",
                "The parcel shape's coordinates are malformed: they do not nest as its type says",
            )
        ]
    if limits is not None:
        too_big = size_problems(geojson, limits, field)
        if too_big:
            return None, too_big
    try:
        geom = shape(geojson)
    except Exception as exc:  # shapely raises several kinds on malformed coordinates
        return None, [
            Problem(
                field,
                "geometry.coordinates",
                f"地块图形坐标有误：{exc}",
                f"The parcel shape's coordinates are malformed: {exc}",
            )
        ]
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, [
            Problem(
                field,
                "geometry.crs",
                "地块坐标应为WGS 84经纬度（经度−180至180，纬度−90至90）",
                "Parcel coordinates must be WGS 84 longitude/latitude",
            )
        ]
    if not geom.is_valid:
        why = explain_validity(geom)
        if "Self-intersection" in why:
            return None, [
                Problem(
                    field,
                    "geometry.self_intersection",
                    f"地块边界自相交（{why}）",
                    f"The parcel boundary intersects itself ({why})",
                )
            ]
        return None, [
            Problem(field, "geometry.invalid", f"地块图形无效（{why}）", f"The parcel shape is invalid ({why})")
        ]
    if geom.is_empty or geom.area == 0:
        return None, [Problem(field, "geometry.empty", "地块图形面积为零", "The parcel shape has no area")]
    return geom, []


def geodesic_area_m2(geom) -> float:
    """Area in square metres on the WGS 84 ellipsoid (orientation does not matter)."""
    area, _perimeter = _GEOD.geometry_area_perimeter(geom)
    return abs(area)


def ring_area_m2(lons, lats) -> float:
    """The area of one closed ring given as its longitudes and latitudes (the first point repeated at the end): the
    same number ``geodesic_area_m2`` gives for a Polygon of that ring without holes (pyproj measures a Polygon's
    exterior from exactly these coordinates), without building the shapely object."""
    area, _perimeter = _GEOD.polygon_area_perimeter(lons, lats)
    return abs(area)


def area_mismatch(stated_m2, geom, tolerance_pct, field: str = "geometry") -> list[Problem]:
    measured = geodesic_area_m2(geom)
    stated = float(stated_m2)
    if stated <= 0:
        return []
    diff_pct = abs(measured - stated) / stated * 100
    if diff_pct > float(tolerance_pct):
        return [
            Problem(
                field,
                "geometry.area_mismatch",
                f"图形实测面积{measured:,.0f}平方米与登记面积{stated:,.0f}平方米相差{diff_pct:.1f}%，超过允许的{tolerance_pct}%",
                f"The shape measures {measured:,.0f} m², the ledger states {stated:,.0f} m²: "
                f"{diff_pct:.1f}% apart, more than the {tolerance_pct}% allowed",
            )
        ]
    return []


def as_geojson(geom) -> dict:
    return mapping(geom)


def area_problems(area_m2, field: str = "area_m2", policy: dict | None = None) -> list[Problem]:
    """A stated area must be a positive number within the policy's bounds."""
    try:
        value = Decimal(str(area_m2))
    except Exception:
        return [Problem(field, "area.number", f"面积“{area_m2}”不是数字", f"Area '{area_m2}' is not a number")]
    if not value.is_finite() or value <= 0:
        return [
            Problem(
                field, "area.positive", f"面积必须大于0，实为{area_m2}", f"Area must be greater than 0, got {area_m2}"
            )
        ]
    if policy:
        lo, hi = policy.get("min_area_m2"), policy.get("max_area_m2")
        if lo is not None and value < Decimal(str(lo)) or hi is not None and value > Decimal(str(hi)):
            return [
                Problem(
                    field,
                    "area.range",
                    f"面积{value}平方米超出允许范围（{lo}–{hi}平方米）",
                    f"Area {value} m² is outside the allowed range ({lo}-{hi} m²)",
                )
            ]
    return []


# Tolerances (degrees) for display: ~1 m where many parcels share a map, ~0.1 m for one parcel's own page.
MAP_TOLERANCE = 1e-5
PARCEL_TOLERANCE = 1e-6
DISPLAY_DECIMALS = 6  # 1e-6 degree: about 0.1 m


def _thinned(geom, max_points: int, tolerance: float):
    """A large shape with at most ``max_points`` points, for drawing: every k-th vertex of each ring (about
    8 × ``max_points`` remain), then Douglas-Peucker on each ring as a line, from a tolerance of the shape's
    diagonal / ``max_points``, doubled until the rings together fit. Rings are simplified as lines because
    GEOS repairs a simplified polygon with a buffer, which takes seconds on a tangled one. Rings that collapse
    are dropped; the envelope when nothing is left."""
    step = max(1, -(-int(shapely.get_num_coordinates(geom)) // (8 * max_points)))
    polygons = []  # [shell line, hole lines]
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon":
            continue
        rings = [shapely.get_coordinates(r)[:-1:step] for r in (polygon.exterior, *polygon.interiors)]
        rings = [shapely.LineString(np.vstack([xy, xy[:1]])) for xy in rings if len(xy) >= 3]
        if rings:
            polygons.append(rings)
    lines = np.array([line for rings in polygons for line in rings], dtype=object)
    if not len(lines):
        return shapely.envelope(geom)
    minx, miny, maxx, maxy = shapely.bounds(geom)
    tol = max(tolerance, float(np.hypot(maxx - minx, maxy - miny)) / max_points)
    for _ in range(40):
        simple = shapely.simplify(lines, tol, preserve_topology=False)
        counts = shapely.get_num_coordinates(simple)
        if int(counts[counts >= 4].sum()) <= max_points:
            break
        tol *= 2
    out, i = [], 0
    for rings in polygons:
        kept = [simple[i + j] if counts[i + j] >= 4 else None for j in range(len(rings))]
        i += len(rings)
        if kept[0] is not None:
            out.append(shapely.Polygon(kept[0].coords, [h.coords for h in kept[1:] if h is not None]))
    if not out:
        return shapely.envelope(geom)
    return out[0] if len(out) == 1 else shapely.MultiPolygon(out)


def display_shapes(texts, *, max_points: int, tolerance: float = MAP_TOLERANCE, decimals: int = DISPLAY_DECIMALS):
    """Stored GeoJSON geometries (JSON texts) made fit to draw, all at once with shapely's vectorised functions.

    A shape of at most ``max_points`` points is simplified with ``tolerance`` keeping its topology (it stays a
    valid polygon). A larger one (stored before the limits, or allowed by a higher limit than the map's) is
    thinned ring by ring to at most ``max_points`` (``_thinned``): milliseconds on a million points, where keeping
    the topology would take seconds; for drawing only.
    Coordinates are rounded to ``decimals``.

    Returns a list of (GeoJSON text, [minx, miny, maxx, maxy]) per text, None where a text is not a readable
    geometry."""
    if not len(texts):
        return []
    geoms = shapely.from_geojson(np.asarray(texts, dtype=object), on_invalid="ignore")
    ok = ~shapely.is_missing(geoms)
    points = shapely.get_num_coordinates(geoms)
    shown = geoms.copy()
    small = ok & (points <= max_points)
    shown[small] = shapely.simplify(geoms[small], tolerance, preserve_topology=True)
    for i in np.flatnonzero(ok & (points > max_points)):
        shown[i] = _thinned(geoms[i], max_points, tolerance)
    shown = shapely.transform(shown, lambda xy: np.round(xy, decimals))
    out = shapely.to_geojson(shown).tolist()
    bounds = shapely.bounds(shown).tolist()
    return [(t, b) if good else None for t, b, good in zip(out, bounds, ok.tolist(), strict=False)]
