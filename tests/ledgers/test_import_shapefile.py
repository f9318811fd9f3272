"""Parcel shapes from an ESRI Shapefile packed in a .zip (``parcel_shapes``): attribute encodings, coordinate
systems from the .prj, holes and multipart polygons, what is refused; through the service, the command
line and the browser. The shapefiles are written here with pyshp's Writer."""

from __future__ import annotations

import io
import zipfile

import pytest
import shapefile as pyshp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from import_books import QIAOTOU, XINPU, read_book
from pyproj import CRS, Transformer
from shapely.geometry import shape

from conftest import rectangle
from landcycle.ledgers.kinds import get_kind
from landcycle.ledgers.models import ImportBatch
from landcycle.ledgers.report import problem_report_xlsx
from landcycle.ledgers.services import import_preview, ledger_import
from landcycle.registry.models import Parcel
from landcycle.rules.geometry import geodesic_area_m2
from landcycle.rules.ledger import LedgerUnusable

pytestmark = pytest.mark.django_db

GK_120E = 4549  # CGCS2000 / 3-degree Gauss-Kruger CM 120E: 118.5°E-121.5°E, Cixi's zone
BOWTIE = [[121.40, 30.30], [121.402, 30.302], [121.402, 30.30], [121.40, 30.302], [121.40, 30.30]]


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"


def prj(epsg: int) -> bytes:
    """The .prj ArcGIS writes: ESRI WKT."""
    return CRS.from_epsg(epsg).to_wkt("WKT1_ESRI").encode()


def outer(ring):
    """A ring as a shapefile's outer ring: clockwise (GeoJSON's are counter-clockwise)."""
    return ring[::-1] if _signed(ring) > 0 else ring


def hole(ring):
    return ring if _signed(ring) > 0 else ring[::-1]


def _signed(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def layer(
    *records,
    fields=(("DKBH", "C", 30),),
    encoding="utf-8",
    prj_text: bytes | None = prj(4490),
    cpg: bytes | None = None,
    name="地块",
    folder="",
    upper=False,
    extra: dict | None = None,
    drop: tuple[str, ...] = (),
) -> bytes:
    """A .zip holding one polygon layer: ``records`` are (attribute values, list of rings or None)."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    w = pyshp.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=pyshp.POLYGON, encoding=encoding)
    for f in fields:
        w.field(*f)
    for values, rings in records:
        if rings is None:
            w.null()
        else:
            w.poly(rings)
        w.record(*values)
    w.close()
    files = {".shp": shp.getvalue(), ".shx": shx.getvalue(), ".dbf": dbf.getvalue()}
    if prj_text is not None:
        files[".prj"] = prj_text
    if cpg is not None:
        files[".cpg"] = cpg
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for ext, data in files.items():
            if ext in drop:
                continue
            z.writestr(f"{folder}{name}{ext.upper() if upper else ext}", data)
        for path, data in (extra or {}).items():
            z.writestr(path, data)
    return out.getvalue()


def moved(parcel, dlon=0.05, scale=1.0) -> list:
    """A shapefile outer ring of the parcel's registered area somewhere else in the town (lon/lat)."""
    return outer(rectangle(121.40 + dlon, 30.30, float(parcel.area_m2) * scale)["coordinates"][0])


def stored_area(parcel) -> float:
    parcel.refresh_from_db()
    return geodesic_area_m2(shape(parcel.geometry))


def test_lon_lat_in_cgcs2000_with_a_prj_in_a_folder_with_upper_case_names(registry_data, personas):
    admin = personas["admin"]
    a, b = registry_data[XINPU]["parcels"]
    data = layer(((a.number,), [moved(a)]), ((b.number,), [moved(b, 0.06)]), folder="新浦镇/", upper=True)
    result = get_kind("parcel_shapes").read(data, filename="地块.zip")
    assert (result.format, result.sheet, result.problems) == ("shapefile", "Shapefile", [])
    assert [(r["_row"], r["number"], r["_property"]) for r in result.rows] == [
        (1, a.number, "DKBH"),
        (2, b.number, "DKBH"),
    ]
    assert "UTF-8" in result.columns[0].note and "EPSG:4490" in result.columns[1].note
    report = ledger_import(actor=admin, kind="parcel_shapes", source=data, filename="地块.zip")
    assert report.imported and (report.updated, report.problems) == (2, [])
    a.refresh_from_db()
    ring = a.geometry["coordinates"][0]
    assert a.geometry["type"] == "Polygon" and min(p[0] for p in ring) == pytest.approx(121.45)
    assert shape(a.geometry).exterior.is_ccw  # RFC 7946: outer rings counter-clockwise
    again = ledger_import(actor=admin, kind="parcel_shapes", source=data, filename="shapes.dat")  # told by content
    assert again.imported and (again.updated, again.unchanged) == (0, 2)


def test_a_projected_gauss_kruger_layer_is_transformed_to_wgs84(registry_data, personas):
    a = registry_data[XINPU]["parcels"][0]
    to_gk = Transformer.from_crs("EPSG:4326", f"EPSG:{GK_120E}", always_xy=True)
    x, y = to_gk.transform(121.45, 30.30)  # about (639 490, 3 354 261): 1.45° east of the central meridian
    side = float(a.area_m2) ** 0.5  # a square of the registered area on the map plane
    square = outer([[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]])
    data = layer(((a.number,), [square]), prj_text=prj(GK_120E))
    result = get_kind("parcel_shapes").read(data)
    assert result.problems == [] and f"EPSG:{GK_120E}" in result.columns[1].note
    report = ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="gk.zip")
    assert report.imported and report.updated == 1
    a.refresh_from_db()
    corners = a.geometry["coordinates"][0]
    assert [121.45, 30.30] in [[round(lon, 7), round(lat, 7)] for lon, lat in corners]  # the corner we placed
    # Gauss-Krüger's scale 1.45° off the central meridian stretches areas by less than 0.05 %
    assert stored_area(a) == pytest.approx(float(a.area_m2), rel=1e-3)


def test_gbk_attributes_without_a_cpg_and_a_cpg_that_says_so(registry_data, personas):
    a = registry_data[XINPU]["parcels"][0]
    fields = (("名称", "C", 40), ("地块编号", "C", 30))
    data = layer((("新浦镇工业园区一号地块", a.number), [moved(a)]), fields=fields, encoding="gbk")
    assert not any(n.lower().endswith(".cpg") for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
    result = get_kind("parcel_shapes").read(data)
    assert result.encoding == "GBK" and "GBK" in result.columns[0].note and "无.cpg" in result.columns[0].note
    assert result.columns[0].header == "地块编号" and result.rows[0]["number"] == a.number
    report = ledger_import(actor=personas["xinpu"], kind="parcel_shapes", source=data, filename="gbk.zip")
    assert report.imported and report.updated == 1
    declared = get_kind("parcel_shapes").read(
        layer((("园区", a.number), [moved(a)]), fields=fields, encoding="gbk", cpg=b"936")
    )
    assert declared.encoding == "936" and declared.rows[0]["number"] == a.number and not declared.problems
    with pytest.raises(LedgerUnusable) as exc:  # GBK bytes are not what a UTF-8 .cpg promises
        get_kind("parcel_shapes").read(
            layer((("园区", a.number), [moved(a)]), fields=fields, encoding="gbk", cpg=b"UTF-8")
        )
    assert exc.value.rule == "shapefile.encoding" and ".cpg" in exc.value.zh and ".cpg" in exc.value.en


def test_a_hole_and_a_multipart_polygon(registry_data, personas):
    a, b = registry_data[XINPU]["parcels"]
    # a: a rectangle of 1.25 times the area with a hole of a fifth of it in the middle
    big = rectangle(121.45, 30.30, float(a.area_m2) * 1.25)["coordinates"][0]
    (x0, y0), (x1, _), (_, y1) = big[0], big[1], big[2]
    margin = (1 - 0.2**0.5) / 2  # a hole sqrt(1/5) as wide and as high
    w, h = (x1 - x0) * margin, (y1 - y0) * margin
    inner = [[x0 + w, y0 + h], [x1 - w, y0 + h], [x1 - w, y1 - h], [x0 + w, y1 - h], [x0 + w, y0 + h]]
    # b: two parts of half the area each
    halves = [outer(rectangle(121.46 + d, 30.30, float(b.area_m2) / 2)["coordinates"][0]) for d in (0, 0.005)]
    data = layer(((a.number,), [outer(big), hole(inner)]), ((b.number,), halves))
    report = ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="holes.zip")
    assert (report.updated, report.problems) == (2, []) and report.imported
    a.refresh_from_db()
    b.refresh_from_db()
    with_hole, parts = shape(a.geometry), shape(b.geometry)
    assert a.geometry["type"] == "Polygon" and len(with_hole.interiors) == 1 and with_hole.exterior.is_ccw
    assert not with_hole.interiors[0].is_ccw  # holes clockwise
    assert geodesic_area_m2(with_hole) == pytest.approx(float(a.area_m2), rel=0.01)  # the hole is not land
    assert b.geometry["type"] == "MultiPolygon" and len(parts.geoms) == 2
    assert geodesic_area_m2(parts) == pytest.approx(float(b.area_m2), rel=0.01)


@pytest.mark.parametrize(
    "make, rule, names",
    [
        (
            lambda a: layer(((a.number,), [moved(a)]), drop=(".shp",), extra={"说明.txt": "图层说明"}),
            "shapefile.no_shp",
            ["地块.dbf", "说明.txt"],
        ),
        (lambda a: layer(((a.number,), [moved(a)]), drop=(".dbf",)), "shapefile.no_dbf", ["地块.dbf", "地块.shp"]),
        (
            lambda a: layer(((a.number,), [moved(a)]), extra={"旧/旧地块.shp": b"old", "旧/旧地块.dbf": b"old"}),
            "shapefile.several_shp",
            ["地块.shp", "旧/旧地块.shp"],
        ),
        (
            lambda a: layer(
                (
                    (a.number,),
                    [
                        [
                            [639_489.7, 3_354_260.5],
                            [639_489.7, 3_354_400.0],
                            [639_630.0, 3_354_400.0],
                            [639_630.0, 3_354_260.5],
                            [639_489.7, 3_354_260.5],
                        ]
                    ],
                ),
                prj_text=None,
            ),
            "shapefile.prj",
            ["地块.prj"],
        ),
        (
            lambda a: layer(((a.number,), [moved(a)]), prj_text=prj(2385)),  # Xi'an 1980 / 3-degree GK CM 120E
            "shapefile.datum",
            ["Xian 1980", "CGCS2000"],
        ),
        (
            lambda a: layer((("x", a.number), [moved(a)]), fields=(("NAME", "C", 10), ("ZDDM", "C", 30))),
            "shapefile.number_field",
            ["ZDDM", "DKBH"],
        ),
        (lambda a: b"PK\x03\x04 not really a zip", "shapefile.zip", []),
    ],
)
def test_a_zip_that_is_not_one_usable_layer_is_refused_whole(registry_data, personas, make, rule, names):
    a = registry_data[XINPU]["parcels"][0]
    before = {p.pk: p.geometry for p in Parcel.objects.all()}
    with pytest.raises(LedgerUnusable) as exc:
        ledger_import(actor=personas["admin"], kind="parcel_shapes", source=make(a), filename="bad.zip")
    assert exc.value.rule == rule and exc.value.zh and exc.value.en
    for name in names:
        assert name in exc.value.zh and name in exc.value.en
    assert {p.pk: p.geometry for p in Parcel.objects.all()} == before


def test_every_bad_record_is_reported_by_row_and_field_and_nothing_is_written(registry_data, personas):
    a, b = registry_data[XINPU]["parcels"]
    c = registry_data[QIAOTOU]["parcels"][1]
    before = {p.pk: p.geometry for p in Parcel.objects.all()}
    data = layer(
        ((a.number,), [moved(a)]),  # good, but not written
        ((b.number,), [BOWTIE]),  # self-intersecting
        ((a.number.replace("0001", "0099"),), [moved(a, 0.07)]),  # unknown
        ((c.number,), [moved(c, 0.08, scale=2.0)]),  # twice the registered area
        (("",), [moved(a, 0.09)]),  # no number
        ((b.number,), None),
    )  # no shape
    report = ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="bad.zip")
    assert report.status == "refused"
    found = {(p.row, p.rule, p.column) for p in report.problems}
    assert {
        (2, "geometry.self_intersection", "geometry"),
        (3, "parcel.unknown", "DKBH"),
        (4, "geometry.area_mismatch", "geometry"),
        (5, "shapefile.number_missing", "DKBH"),
        (6, "geometry.missing", "geometry"),
    } <= found
    assert all(p.row != 1 and p.zh and p.en for p in report.problems)
    assert {p.pk: p.geometry for p in Parcel.objects.all()} == before


def test_the_command_line_imports_a_zipped_shapefile(registry_data, personas, tmp_path, capsys):
    a = registry_data[XINPU]["parcels"][0]
    good, bad, unplaced = tmp_path / "good.zip", tmp_path / "bad.zip", tmp_path / "noprj.zip"
    good.write_bytes(layer(((a.number,), [moved(a)]), prj_text=prj(4326)))
    bad.write_bytes(layer(((a.number,), [BOWTIE])))
    unplaced.write_bytes(
        layer(((a.number,), [[[5e5, 3.3e6], [5e5, 3.4e6], [6e5, 3.4e6], [5e5, 3.3e6]]]), prj_text=None)
    )
    call_command("import", "parcel_shapes", str(good), verbosity=0)
    assert "更新1" in capsys.readouterr().out
    a.refresh_from_db()
    assert min(p[0] for p in a.geometry["coordinates"][0]) == pytest.approx(121.45)
    with pytest.raises(CommandError) as exc:
        call_command("import", "parcel_shapes", str(bad), verbosity=0)
    assert exc.value.returncode == 1 and "geometry.self_intersection" in capsys.readouterr().out
    with pytest.raises(CommandError) as exc:
        call_command("import", "parcel_shapes", str(unplaced), verbosity=0)
    assert exc.value.returncode == 2 and "shapefile.prj" in str(exc.value) and ".prj" in str(exc.value)


def test_the_import_help_names_zipped_shapefiles(capsys):
    with pytest.raises(SystemExit):
        call_command("import", "--help")
    out = capsys.readouterr().out
    assert "parcel_shapes" in out and "Shapefile" in out and ".zip" in out


def test_a_zipped_shapefile_in_the_browser_preview_and_report(client, registry_data, personas):
    officer = personas["xinpu"]
    a = registry_data[XINPU]["parcels"][0]
    other = registry_data[QIAOTOU]["parcels"][0]
    client.force_login(officer)
    page = client.get(reverse("ledger_import_new")).content.decode()
    assert ".zip" in page and "Shapefile" in page
    data = layer(
        ((a.number,), [moved(a)]),
        ((other.number,), [moved(other, 0.08)]),
        ((a.number.replace("0001", "0002"),), [BOWTIE]),
        fields=(("地块编号", "C", 30),),
        encoding="gbk",
    )
    client.post(reverse("ledger_import_new"), {"kind": "parcel_shapes", "file": SimpleUploadedFile("地块.zip", data)})
    batch = ImportBatch.objects.get(actor=officer)
    assert batch.status == "refused" and {p["row"] for p in batch.problems} == {2, 3}
    body = client.get(reverse("import_batch_detail", args=[batch.pk])).content.decode()
    assert other.number in body and "cell-bad" in body and "Polygon" in body and "自相交" in body
    assert "GBK" in body and "EPSG:4490" in body  # which encoding and which system were read
    book = read_book(problem_report_xlsx(batch))
    assert {"Shapefile", "问题清单"} <= set(book)
    assert len(book["问题清单"]) == 1 + batch.problem_count


def test_a_clean_shapefile_batch_confirms(client, registry_data, personas):
    a = registry_data[XINPU]["parcels"][0]
    batch = import_preview(
        actor=personas["xinpu"],
        kind="parcel_shapes",
        filename="a.zip",
        uploaded_file_bytes=layer(((a.number,), [moved(a)])),
    )
    assert batch.status == "previewed" and batch.updated == 1
    assert "Polygon" in batch.plan[0]["changes"]["geometry"][1]
    client.force_login(personas["xinpu"])
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    a.refresh_from_db()
    assert batch.status == "imported" and min(p[0] for p in a.geometry["coordinates"][0]) == pytest.approx(121.45)
