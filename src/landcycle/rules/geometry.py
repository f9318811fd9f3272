"""Parcel geometry: GeoJSON polygons in WGS 84 (lon, lat), validity, and geodesic area.

The area of a polygon is measured on the WGS 84 ellipsoid (pyproj.Geod), so it does not depend on a
projection, and compared with the area stated in the ledger.
"""

from __future__ import annotations

import json
from decimal import Decimal

from pyproj import Geod
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from .problems import Problem

_GEOD = Geod(ellps="WGS84")


def parse_polygon(geojson, field: str = "geometry"):
    """(shapely geometry, problems). Accepts a GeoJSON geometry, Feature, dict or JSON text."""
    if isinstance(geojson, str):
        try:
            geojson = json.loads(geojson)
        except json.JSONDecodeError as exc:
            return None, [Problem(field, "geometry.json", f"地块图形不是有效的GeoJSON：{exc.msg}",
                                  f"The parcel shape is not valid GeoJSON: {exc.msg}")]
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        return None, [Problem(field, "geometry.type", "地块图形应为GeoJSON的Polygon或MultiPolygon",
                              "The parcel shape must be a GeoJSON Polygon or MultiPolygon")]
    try:
        geom = shape(geojson)
    except Exception as exc:  # shapely raises several kinds on malformed coordinates
        return None, [Problem(field, "geometry.coordinates", f"地块图形坐标有误：{exc}",
                              f"The parcel shape's coordinates are malformed: {exc}")]
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, [Problem(field, "geometry.crs", "地块坐标应为WGS 84经纬度（经度−180至180，纬度−90至90）",
                              "Parcel coordinates must be WGS 84 longitude/latitude")]
    if not geom.is_valid:
        why = explain_validity(geom)
        if "Self-intersection" in why:
            return None, [Problem(field, "geometry.self_intersection", f"地块边界自相交（{why}）",
                                  f"The parcel boundary intersects itself ({why})")]
        return None, [Problem(field, "geometry.invalid", f"地块图形无效（{why}）",
                              f"The parcel shape is invalid ({why})")]
    if geom.is_empty or geom.area == 0:
        return None, [Problem(field, "geometry.empty", "地块图形面积为零", "The parcel shape has no area")]
    return geom, []


def geodesic_area_m2(geom) -> float:
    """Area in square metres on the WGS 84 ellipsoid (orientation does not matter)."""
    area, _perimeter = _GEOD.geometry_area_perimeter(geom)
    return abs(area)


def area_mismatch(stated_m2, geom, tolerance_pct, field: str = "geometry") -> list[Problem]:
    measured = geodesic_area_m2(geom)
    stated = float(stated_m2)
    if stated <= 0:
        return []
    diff_pct = abs(measured - stated) / stated * 100
    if diff_pct > float(tolerance_pct):
        return [Problem(field, "geometry.area_mismatch",
                        f"图形实测面积{measured:,.0f}平方米与登记面积{stated:,.0f}平方米相差{diff_pct:.1f}%，超过允许的{tolerance_pct}%",
                        f"The shape measures {measured:,.0f} m², the ledger states {stated:,.0f} m²: "
                        f"{diff_pct:.1f}% apart, more than the {tolerance_pct}% allowed")]
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
        return [Problem(field, "area.positive", f"面积必须大于0，实为{area_m2}",
                        f"Area must be greater than 0, got {area_m2}")]
    if policy:
        lo, hi = policy.get("min_area_m2"), policy.get("max_area_m2")
        if lo is not None and value < Decimal(str(lo)) or hi is not None and value > Decimal(str(hi)):
            return [Problem(field, "area.range", f"面积{value}平方米超出允许范围（{lo}–{hi}平方米）",
                            f"Area {value} m² is outside the allowed range ({lo}-{hi} m²)")]
    return []
