"""Reading parcel shapes from an ESRI Shapefile packed in a .zip (地块图形), as GIS staff hand them over.

The .zip holds one layer: .shp (shapes), .dbf (attributes), usually .shx (index), and optionally .prj
(coordinate system, WKT) and .cpg (attribute encoding); a folder inside the zip and upper-case extensions
are fine. ``read_shapefile`` gives the same ``LedgerResult`` as ``geojson.read_geojson``: record n of the
.dbf is row n (1-based), its columns are the attribute that held the parcel number and ``geometry``.

Attributes are decoded with the .cpg's encoding, else as UTF-8 and, failing that, as GBK (GB18030): Chinese
DBFs are usually GBK. Coordinates are transformed from the .prj's system to WGS 84 longitude/latitude;
without a .prj they must already be longitude/latitude. Only GNSS-based datums (WGS 84, CGCS2000) are
taken: Beijing 1954 and Xi'an 1980 need local parameters that no library has.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import struct
import warnings
import zipfile
from typing import Any

import shapefile as pyshp
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

from landcycle.rules.geometry import ShapeLimits, count_problems, parse_polygon
from landcycle.rules.ledger import ColumnBinding, LedgerProblem, LedgerResult, LedgerUnusable
from landcycle.rules.ledger.schema import LedgerSchema

from .geojson import GEOMETRY, PARCEL_SHAPES, _key, _number, _number_properties, describe, file_too_large

SHEET = "Shapefile"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNPACKED = 256 * 1024 * 1024  # the layer's files together, unpacked
PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
POLYGONS = {pyshp.POLYGON, pyshp.POLYGONZ, pyshp.POLYGONM}
# .cpg contents (lower case, no '-', '_' or blanks) and the codec each means; GB18030 reads GBK and GB2312
CPG_CODECS = {
    "936": "gb18030",
    "ansi936": "gb18030",
    "cp936": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "65001": "utf-8",
    "utf8": "utf-8",
    "ansi1252": "cp1252",
    "1252": "cp1252",
}
AUTO_CODECS = (("utf-8", "UTF-8"), ("gb18030", "GBK"))
# datums whose longitude/latitude agree with WGS 84 to within decimetres
GNSS_DATUMS = (
    "wgs84",
    "wgs1984",
    "worldgeodeticsystem1984",
    "china2000",
    "chinageodeticcoordinatesystem2000",
    "cgcs2000",
)


def _unusable(zh: str, en: str, rule: str) -> LedgerUnusable:
    return LedgerUnusable(zh, en, rule=rule)


def _shown(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker wrote it: zips from Chinese Windows store names in GBK unflagged."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _listing(infos: list[zipfile.ZipInfo], most: int = 8) -> str:
    names = [_shown(i) for i in infos[:most]]
    return "、".join(names) + ("…" if len(infos) > most else "")


def unpack(data: bytes) -> tuple[str, dict[str, bytes]]:
    """(the layer's name, {".shp": bytes, ".dbf": ..., ".shx"/".prj"/".cpg" when present})."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not posixpath.basename(i.filename).startswith("._")
        ]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _unusable(
            f"文件不是有效的zip压缩包（{exc}）", f"The file is not a valid .zip archive ({exc})", "shapefile.zip"
        ) from None
    shps = [i for i in entries if i.filename.lower().endswith(".shp")]
    if not shps:
        found_zh = f"其中有：{_listing(entries)}" if entries else "压缩包是空的"
        found_en = f"it holds: {_listing(entries)}" if entries else "the archive is empty"
        raise _unusable(
            f"压缩包中没有Shapefile（.shp文件）（{found_zh}）：请把图层的.shp、.shx、.dbf、.prj文件一起打包",
            f"The .zip holds no shapefile (.shp file) ({found_en}): pack the layer's .shp, .shx, .dbf "
            "and .prj files together",
            "shapefile.no_shp",
        )
    if len(shps) > 1:
        raise _unusable(
            f"压缩包中有{len(shps)}个Shapefile（{_listing(shps)}），一次只能导入一个图层：请每个图层单独打包",
            f"The .zip holds {len(shps)} shapefiles ({_listing(shps)}); one layer is imported at a "
            "time: pack each layer in its own .zip",
            "shapefile.several_shp",
        )
    stem = shps[0].filename[:-4].lower()
    parts = {ext: i for i in entries for ext in PARTS if i.filename.lower() == stem + ext}
    layer = posixpath.basename(_shown(shps[0]))[:-4]
    if ".dbf" not in parts:
        raise _unusable(
            f"压缩包中缺少图层“{layer}”的属性表{layer}.dbf（其中有：{_listing(entries)}）",
            f"The .zip lacks the attribute table {layer}.dbf of layer '{layer}' (it holds: {_listing(entries)})",
            "shapefile.no_dbf",
        )
    if sum(i.file_size for i in parts.values()) > MAX_UNPACKED:
        raise _unusable(
            f"图层解压后超过{MAX_UNPACKED // 2**20} MB",
            f"The layer unpacks to more than {MAX_UNPACKED // 2**20} MB",
            "shapefile.size",
        )
    try:
        return layer, {ext: archive.read(i) for ext, i in parts.items()}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise _unusable(
            f"无法解压图层“{layer}”（{exc}）", f"Cannot unpack layer '{layer}' ({exc})", "shapefile.zip"
        ) from None


def _codecs(cpg: bytes | None) -> list[tuple[str, str, str, str]]:
    """(codec, name, why in Chinese, why in English) to try in turn."""
    if cpg is None:
        return [
            (
                c,
                name,
                "无.cpg文件" + ("" if c == "utf-8" else "，不是UTF-8"),
                "no .cpg file" + ("" if c == "utf-8" else ", not UTF-8"),
            )
            for c, name in AUTO_CODECS
        ]
    said = cpg.decode("ascii", "replace").strip()
    codec = CPG_CODECS.get("".join(said.lower().replace("-", "").replace("_", "").split()))
    if codec is None:
        try:
            codec = codecs.lookup(said).name
        except LookupError:
            raise _unusable(
                f".cpg文件中的编码“{said}”无法识别：请改为UTF-8或GBK",
                f"The encoding '{said}' in the .cpg file is not known: make it UTF-8 or GBK",
                "shapefile.cpg",
            ) from None
    return [(codec, said, "按.cpg文件", "as the .cpg file says")]


def _unreadable(layer: str, part: str, exc: Exception) -> LedgerUnusable:
    return _unusable(
        f"无法读取图层“{layer}”的{part}文件（{exc}）",
        f"Cannot read the {part} file of layer '{layer}' ({exc})",
        "shapefile.read",
    )


def _shapes(parts: dict[str, bytes], layer: str) -> tuple[list, Any]:
    """(the shapes in record order, the layer's bounding box)."""
    files = {ext[1:]: io.BytesIO(parts[ext]) for ext in (".shp", ".shx") if ext in parts}
    try:
        with pyshp.Reader(**files) as r:
            if r.shapeType not in POLYGONS:
                kind = pyshp.SHAPETYPE_LOOKUP.get(r.shapeType, str(r.shapeType))
                raise _unusable(
                    f"图层“{layer}”是{kind}图层，地块图形应为面（POLYGON）图层",
                    f"Layer '{layer}' holds {kind} shapes; parcel shapes must be polygons",
                    "shapefile.type",
                )
            return list(r.iterShapes()), r.bbox
    except (pyshp.ShapefileException, OSError, ValueError, IndexError, EOFError, struct.error) as exc:
        raise _unreadable(layer, ".shp", exc) from None


def _records(parts: dict[str, bytes], layer: str) -> tuple[list, list[str], str, str, str]:
    """(records, None for deleted ones; field names; encoding; how it was chosen in Chinese and English)."""
    tried = _codecs(parts.get(".cpg"))
    for codec, name, why_zh, why_en in tried:
        try:
            with pyshp.Reader(dbf=io.BytesIO(parts[".dbf"]), encoding=codec) as r:
                names = [f.name for f in r.fields[1:]]
                records = list(r.iterRecords(deleted_as_None=True))
        except (pyshp.ShapefileException, UnicodeDecodeError) as exc:
            if isinstance(exc, UnicodeDecodeError) or "decode" in str(exc):
                continue  # not this encoding: the next one
            raise _unreadable(layer, ".dbf", exc) from None
        except (OSError, ValueError, IndexError, EOFError, struct.error) as exc:
            raise _unreadable(layer, ".dbf", exc) from None
        return records, names, name, f"属性编码{name}（{why_zh}）", f"attributes read as {name} ({why_en})"
    tried_names = "、".join(name for _c, name, _z, _e in tried)
    raise _unusable(
        f"属性表.dbf不能按{tried_names}解码：请在.cpg文件中写明编码（如GBK）",
        f"The attribute table .dbf does not decode as {tried_names}: state its encoding in a .cpg file (e.g. GBK)",
        "shapefile.encoding",
    )


def _in_range(bbox) -> bool:
    xmin, ymin, xmax, ymax = bbox
    return -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90


def _crs(prj: bytes | None, bbox, layer: str) -> tuple[Transformer | None, str, str]:
    """(transformer to WGS 84 lon/lat or None when the coordinates are lon/lat already, note zh, note en)."""
    wkt = (prj or b"").decode("utf-8", "replace").strip()
    if not wkt:
        if _in_range(bbox):
            return None, "无.prj文件，坐标按经纬度读取", "no .prj file: coordinates read as longitude/latitude"
        raise _unusable(
            f"图层“{layer}”没有.prj坐标系文件，坐标（{bbox[0]:,.0f}, {bbox[1]:,.0f}）不是经纬度：请把"
            f"{layer}.prj一起打包（如CGCS2000 3度带投影坐标系）",
            f"Layer '{layer}' has no .prj file and its coordinates ({bbox[0]:,.0f}, {bbox[1]:,.0f}) are "
            f"not longitude/latitude: pack {layer}.prj with it (e.g. a CGCS2000 3-degree "
            "Gauss-Kruger system)",
            "shapefile.prj",
        )
    try:
        crs = CRS.from_user_input(wkt)
    except CRSError:
        raise _unusable(
            f"无法识别.prj文件中的坐标系（{wkt[:60]}）",
            f"The coordinate system in the .prj file is not understood ({wkt[:60]})",
            "shapefile.prj_invalid",
        ) from None
    base = crs.geodetic_crs
    datum = base.datum.name if base is not None and base.datum is not None else ""
    if not _key(datum).replace("_", "").removeprefix("d").startswith(GNSS_DATUMS):
        raise _unusable(
            f"坐标系“{crs.name}”基于{datum or '未知基准'}，与WGS 84之间没有统一可靠的转换参数：请在GIS软件中"
            "转换为CGCS2000（经纬度EPSG:4490或3度带EPSG:4513–4554）后再导出",
            f"The coordinate system '{crs.name}' is based on {datum or 'an unknown datum'}, which has "
            "no reliable general transformation to WGS 84: convert the layer to CGCS2000 (EPSG:4490 or a "
            "3-degree zone, EPSG:4513-4554) in the GIS software",
            "shapefile.datum",
        )
    code = crs.to_epsg()
    name_zh, name_en = (f"{crs.name}（EPSG:{code}）", f"{crs.name} (EPSG:{code})") if code else (crs.name, crs.name)
    try:
        transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    except ProjError as exc:
        raise _unusable(
            f"坐标系“{crs.name}”无法转换为WGS 84（{exc}）",
            f"The coordinate system '{crs.name}' cannot be transformed to WGS 84 ({exc})",
            "shapefile.prj_invalid",
        ) from None
    return transformer, f"由{name_zh}转换为WGS 84经纬度", f"transformed from {name_en} to WGS 84"


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _ring(points, transformer: Transformer | None) -> list[list[float]]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    if transformer is None:
        return [[x, y] for x, y in zip(xs, ys, strict=False)]
    lons, lats = transformer.transform(xs, ys, errcheck=False)
    return [[round(x, 9), round(y, 9)] for x, y in zip(lons, lats, strict=False)]


def _oriented(ring: list[list[float]], counter_clockwise: bool) -> list[list[float]]:
    return ring if (_signed_area(ring) > 0) == counter_clockwise else ring[::-1]


def geometry(shape, transformer: Transformer | None) -> dict | None:
    """A shapefile polygon as GeoJSON in WGS 84: rings as pyshp groups them (outer rings clockwise, holes
    counter-clockwise), turned the RFC 7946 way (outer counter-clockwise); None for a null shape."""
    if shape is None or shape.shapeType == pyshp.NULL or not shape.points:
        return None
    geo = shape.__geo_interface__
    polygons = [geo["coordinates"]] if geo["type"] == "Polygon" else geo["coordinates"]
    out = [[_oriented(_ring(r, transformer), i == 0) for i, r in enumerate(rings)] for rings in polygons]
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def read_shapefile(
    source: bytes,
    schema: LedgerSchema = PARCEL_SHAPES,
    *,
    mapping: dict | None = None,
    sheet: str | None = None,
    filename: str | None = None,
    limits: ShapeLimits | None = None,
) -> LedgerResult:
    """Typed rows ``{"_sheet", "_row", "number", "geometry"}`` plus every problem of the layer; raises
    ``LedgerUnusable`` when the .zip does not hold one readable polygon layer in a known system, or is larger
    than ``limits`` allow. A shape with more points or rings than ``limits`` allow is a problem of its row."""
    file_too_large(len(source), limits, "shapefile.too_large")
    layer, parts = unpack(bytes(source))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyshp's notes on padding and truncated text
        shapes, bbox = _shapes(parts, layer)
        records, names, encoding, enc_zh, enc_en = _records(parts, layer)
    if not records or all(r is None for r in records):
        raise _unusable(f"图层“{layer}”中没有要素", f"Layer '{layer}' has no features", "shapefile.empty")
    wanted = {_key(p): p for p in _number_properties(mapping)}
    field = next((n for n in names if _key(n) in wanted), None)
    if field is None:
        raise _unusable(
            f"属性表中没有地块编号字段（应为{'、'.join(wanted.values())}之一；现有字段：{'、'.join(names)}）",
            f"The attribute table has no parcel number field (one of {', '.join(wanted.values())}; "
            f"its fields: {', '.join(names)})",
            "shapefile.number_field",
        )
    transformer, crs_zh, crs_en = _crs(parts.get(".prj"), bbox, layer)
    rows: list[dict[str, Any]] = []
    problems: list[LedgerProblem] = []
    for i, (shape, record) in enumerate(zip(shapes, records, strict=False)):
        if record is None:
            continue  # deleted in the .dbf: not a feature, but the numbering of the others stays
        r = i + 1
        number = _number(record.as_dict().get(field))
        if number is None:
            problems.append(
                LedgerProblem(
                    SHEET,
                    r,
                    field,
                    None,
                    "shapefile.number_missing",
                    f"第{r}条记录的{field}为空",
                    f"Record {r} has no {field}",
                    "number",
                )
            )
        if limits is not None and shape is not None and shape.shapeType != pyshp.NULL:
            # rings and points counted before a huge shape is transformed; parts once rings are grouped
            too_big = count_problems(1, len(shape.parts), len(shape.points), limits, GEOMETRY)
            if too_big:
                rows.append({"_sheet": SHEET, "_row": r, "_property": field, "number": number, "geometry": None})
                problems.extend(
                    LedgerProblem(SHEET, r, GEOMETRY, f"{len(shape.points):,}个坐标点", p.rule, p.zh, p.en, GEOMETRY)
                    for p in too_big
                )
                continue
        geom = geometry(shape, transformer)
        rows.append({"_sheet": SHEET, "_row": r, "_property": field, "number": number, "geometry": geom})
        if geom is None:
            problems.append(
                LedgerProblem(
                    SHEET,
                    r,
                    GEOMETRY,
                    None,
                    "geometry.missing",
                    "该记录没有图形（空图形）",
                    "The record has no shape (null shape)",
                    GEOMETRY,
                )
            )
            continue
        _shape, found = parse_polygon(geom, GEOMETRY, limits)
        problems.extend(
            LedgerProblem(SHEET, r, GEOMETRY, describe(geom, limits), p.rule, p.zh, p.en, GEOMETRY) for p in found
        )
    columns = [
        ColumnBinding(0, "A", field, "number", note=f"{enc_zh} / {enc_en}"),
        ColumnBinding(1, "B", GEOMETRY, GEOMETRY, unit="WGS 84", note=f"{crs_zh} / {crs_en}"),
    ]
    return LedgerResult(
        schema=schema.name,
        sheet=SHEET,
        format="shapefile",
        rows=rows,
        problems=problems,
        skipped=[],
        header_row=0,
        header_rows=(),
        columns=columns,
        encoding=encoding,
    )
