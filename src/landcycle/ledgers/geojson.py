"""Reading parcel shapes from GeoJSON (地块图形): a FeatureCollection whose features carry the parcel number
in a property and a Polygon / MultiPolygon in WGS 84 longitude/latitude.

No Django here: ``read_geojson`` turns the file into the same ``LedgerResult`` a spreadsheet gives, so the
import, the preview and the problem report treat it like any ledger. A feature is a row: row n is the
n-th feature (feature index + 1); its columns are the property that held the number and ``geometry``.
The parcel number may sit in 地块编号, number, parcel_no or DKBH (the field name of China's cadastral
databases), or in a property a mapping names (``number = "宗地号"``).

Limits (``ShapeLimits``, passed in by the caller from settings): a file larger than ``max_bytes`` is refused
before it is parsed; a shape with more points, rings or parts than allowed is a problem of its row. JSON nested
deeper than ``MAX_JSON_DEPTH`` (or too deep to parse at all), NaN/Infinity or a number of thousands of digits is
"not valid GeoJSON".
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from landcycle.rules.geometry import ShapeLimits, geodesic_area_m2, load_json, parse_polygon, size_text
from landcycle.rules.ledger import ColumnBinding, LedgerProblem, LedgerResult, LedgerUnusable
from landcycle.rules.ledger.schema import LedgerSchema, code, text

NUMBER_PROPERTIES = ("地块编号", "number", "parcel_no", "DKBH")
GEOMETRY = "geometry"
SHEET = "GeoJSON"
# geographic coordinate systems whose longitude/latitude are WGS 84 to within centimetres
GEOGRAPHIC_CRS = ("crs84", "epsg::4326", "epsg:4326", "epsg::4490", "epsg:4490")

PARCEL_SHAPES = LedgerSchema(
    "parcel_shapes",
    "地块图形",
    "Parcel shapes",
    fields=(
        code("number", *NUMBER_PROPERTIES, "宗地编号", label="地块编号", required=True, key=True),
        text("geometry", "图形", "shape", label="图形（GeoJSON）", required=True),
    ),
    key=("number",),
)


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(name)).split()).lower()


def _unusable(zh: str, en: str, rule: str) -> LedgerUnusable:
    return LedgerUnusable(zh, en, rule=rule)


def file_too_large(size: int, limits: ShapeLimits | None, rule: str) -> None:
    """Refuse a shapes file over LANDCYCLE_SHAPE_FILE_MAX_BYTES before reading it."""
    if limits is not None and size > limits.max_bytes:
        raise _unusable(
            f"地块图形文件有{size_text(size)}，超过上限{size_text(limits.max_bytes)}（设置项"
            "LANDCYCLE_SHAPE_FILE_MAX_BYTES）：请分成几个文件导入",
            f"The shapes file is {size_text(size)}, more than the limit of {size_text(limits.max_bytes)} "
            "(setting LANDCYCLE_SHAPE_FILE_MAX_BYTES): import it in several files",
            rule,
        )


def _load(data: bytes) -> Any:
    try:
        text_ = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unusable(
            "GeoJSON文件应为UTF-8编码", "A GeoJSON file must be encoded in UTF-8", "geojson.encoding"
        ) from None
    try:
        return load_json(text_)
    except json.JSONDecodeError as exc:
        raise _unusable(
            f"文件不是有效的GeoJSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）",
            f"The file is not valid GeoJSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            "geojson.json",
        ) from None
    except ValueError as exc:
        zh, en = exc.args
        raise _unusable(
            f"文件不是有效的GeoJSON（{zh}）", f"The file is not valid GeoJSON ({en})", "geojson.json"
        ) from None


def _check_crs(doc: dict) -> None:
    crs = doc.get("crs")
    if not crs:
        return  # RFC 7946: GeoJSON is WGS 84 longitude/latitude
    name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else str(crs)
    if not any(_key(name).endswith(ok) for ok in GEOGRAPHIC_CRS):
        raise _unusable(
            f"坐标系“{name}”不是WGS 84经纬度：请导出为EPSG:4326（WGS 84）或CGCS2000经纬度（EPSG:4490）",
            f"The coordinate system '{name}' is not WGS 84 longitude/latitude: export the shapes as "
            "EPSG:4326 (or CGCS2000 geographic, EPSG:4490)",
            "geojson.crs",
        )


def _number_properties(mapping: dict | None) -> list[str]:
    wanted = (mapping or {}).get("number")
    if isinstance(wanted, str):
        return [wanted]
    if isinstance(wanted, (list, tuple)) and wanted:
        return [str(w) for w in wanted]
    return list(NUMBER_PROPERTIES)


def _number(value) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text_ = unicodedata.normalize("NFKC", str(value)).strip()
    return text_ or None


def read_geojson(
    source: bytes,
    schema: LedgerSchema = PARCEL_SHAPES,
    *,
    mapping: dict | None = None,
    sheet: str | None = None,
    filename: str | None = None,
    limits: ShapeLimits | None = None,
) -> LedgerResult:
    """Typed rows ``{"_sheet", "_row", "number", "geometry"}`` plus every problem of the file; raises
    ``LedgerUnusable`` when it is not a GeoJSON FeatureCollection at all, or is larger than ``limits`` allow."""
    file_too_large(len(source), limits, "geojson.too_large")
    doc = _load(bytes(source))
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc], "crs": doc.get("crs")}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise _unusable(
            "GeoJSON文件应为FeatureCollection（要素集合），每个要素带地块编号属性和地块图形",
            "The GeoJSON file must be a FeatureCollection whose features carry the parcel number and "
            "the parcel's shape",
            "geojson.type",
        )
    _check_crs(doc)
    if not doc["features"]:
        raise _unusable("GeoJSON文件中没有要素", "The GeoJSON file has no features", "geojson.empty")
    wanted = {_key(p): p for p in _number_properties(mapping)}
    rows, problems, used = [], [], []
    for i, feature in enumerate(doc["features"]):
        r = i + 1
        row: dict[str, Any] = {"_sheet": SHEET, "_row": r, "_property": ""}
        rows.append(row)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(
                LedgerProblem(
                    SHEET,
                    r,
                    GEOMETRY,
                    None,
                    "geojson.feature",
                    f"第{r}个要素不是GeoJSON要素（Feature）",
                    f"Item {r} is not a GeoJSON Feature",
                    GEOMETRY,
                )
            )
            continue
        props = feature.get("properties") or {}
        found = next(((k, v) for k, v in props.items() if _key(k) in wanted), None) if isinstance(props, dict) else None
        if found is not None and found[0] not in used:
            used.append(found[0])
        number = _number(found[1]) if found else None
        column = row["_property"] = found[0] if found else "、".join(wanted.values())
        if number is None:
            problems.append(
                LedgerProblem(
                    SHEET,
                    r,
                    column,
                    None,
                    "geojson.number_missing",
                    f"要素缺少地块编号（属性{'、'.join(wanted.values())}之一）",
                    f"The feature has no parcel number (one of the properties {', '.join(wanted.values())})",
                    "number",
                )
            )
        row["number"] = number
        geometry = feature.get("geometry")
        row["geometry"] = geometry
        if geometry is None:
            problems.append(
                LedgerProblem(
                    SHEET,
                    r,
                    GEOMETRY,
                    None,
                    "geometry.missing",
                    "要素没有图形",
                    "The feature has no geometry",
                    GEOMETRY,
                )
            )
            continue
        _shape, found_problems = parse_polygon(geometry, GEOMETRY, limits)
        for p in found_problems:
            problems.append(LedgerProblem(SHEET, r, GEOMETRY, describe(geometry, limits), p.rule, p.zh, p.en, GEOMETRY))
    header = "、".join(used) or NUMBER_PROPERTIES[0]
    columns = [
        ColumnBinding(0, "A", header, "number", note="properties"),
        ColumnBinding(1, "B", GEOMETRY, GEOMETRY, unit="WGS 84", note="geometry"),
    ]
    return LedgerResult(
        schema=schema.name,
        sheet=SHEET,
        format="geojson",
        rows=rows,
        problems=problems,
        skipped=[],
        header_row=0,
        header_rows=(),
        columns=columns,
        encoding="utf-8",
    )


def describe(geometry, limits: ShapeLimits | None = None) -> str:
    """A shape in a few words for tables and reports: 'Polygon · 5个坐标点 · 20,001 m²' (no area for a shape
    over ``limits``: it is not built)."""
    if not isinstance(geometry, dict):
        return "" if geometry is None else str(geometry)[:60]
    kind = str(geometry.get("type", "?"))[:40]
    points = _count_points(geometry.get("coordinates"))
    shape, problems = parse_polygon(geometry, limits=limits)
    area = f" · {geodesic_area_m2(shape):,.0f} m²" if shape is not None else ""
    return f"{kind} · {points}个坐标点{area}"


def _count_points(coords) -> int:
    """Positions in nested coordinate lists (walked without recursion)."""
    count, stack = 0, [coords]
    while stack:
        item = stack.pop()
        if not isinstance(item, list) or not item:
            continue
        if isinstance(item[0], (int, float)):
            count += 1
        else:
            stack.extend(item)
    return count
