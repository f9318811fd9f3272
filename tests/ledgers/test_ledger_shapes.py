"""Parcel shapes from GeoJSON (``parcel_shapes``): the parcel service's rules per feature, all or nothing,
audited, scoped; from the command line and from the browser."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from import_books import QIAOTOU, XINPU, read_book

from conftest import rectangle
from landcycle.audit.models import AuditEntry
from landcycle.ledgers.models import ImportBatch
from landcycle.ledgers.report import problem_report_xlsx
from landcycle.ledgers.services import import_preview, ledger_import
from landcycle.registry.models import Parcel
from landcycle.rules.ledger import LedgerUnusable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"


def feature(number, geometry, prop="地块编号", **extra) -> dict:
    return {"type": "Feature", "properties": {prop: number, **extra}, "geometry": geometry}


def collection(*features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}, ensure_ascii=False).encode()


def moved(parcel, dlon=0.05, scale=1.0) -> dict:
    """A new shape of the parcel's registered area (times ``scale``) somewhere else in the town."""
    return rectangle(121.40 + dlon, 30.30, float(parcel.area_m2) * scale)


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[121.40, 30.30], [121.402, 30.302], [121.402, 30.30], [121.40, 30.302], [121.40, 30.30]]],
}


def test_good_shapes_update_the_parcels_audited_and_a_second_import_changes_nothing(registry_data, personas):
    admin = personas["admin"]
    a, b = registry_data[XINPU]["parcels"]
    data = collection(feature(a.number, moved(a)), feature(b.number, moved(b, 0.06), prop="DKBH"))
    audit = AuditEntry.objects.count()
    report = ledger_import(actor=admin, kind="parcel_shapes", source=data, filename="shapes.geojson")
    assert report.imported and (report.updated, report.created, report.problems) == (2, 0, [])
    assert AuditEntry.objects.count() == audit + 2
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "import.parcel_shapes.update"
    a.refresh_from_db()
    assert a.geometry["type"] == "Polygon" and a.geometry["coordinates"][0][0][0] == pytest.approx(121.45)
    again = ledger_import(actor=admin, kind="parcel_shapes", source=data, filename="shapes.geojson")
    assert again.imported and (again.updated, again.unchanged) == (0, 2)
    assert AuditEntry.objects.count() == audit + 2


def test_every_bad_feature_is_reported_and_nothing_is_written(registry_data, personas):
    admin = personas["admin"]
    a, b = registry_data[XINPU]["parcels"]
    c = registry_data[QIAOTOU]["parcels"][1]
    before = {p.pk: p.geometry for p in Parcel.objects.all()}
    data = collection(
        feature(a.number, moved(a)),  # good, but not written
        feature(b.number, BOWTIE, prop="number"),  # self-intersecting
        feature(a.number.replace("0001", "0099"), moved(a), prop="parcel_no"),  # unknown
        feature(c.number, moved(c, 0.07, scale=2.0)),
    )  # twice the registered area
    report = ledger_import(actor=admin, kind="parcel_shapes", source=data, filename="shapes.geojson")
    assert report.status == "refused"
    found = {(p.row, p.rule, p.column) for p in report.problems}
    assert (2, "geometry.self_intersection", "geometry") in found
    assert (3, "parcel.unknown", "parcel_no") in found
    assert (4, "geometry.area_mismatch", "geometry") in found
    assert all(p.row != 1 for p in report.problems)
    assert {p.pk: p.geometry for p in Parcel.objects.all()} == before


def test_an_officer_cannot_change_another_towns_parcel(registry_data, personas):
    own, other = registry_data[XINPU]["parcels"][0], registry_data[QIAOTOU]["parcels"][0]
    data = collection(feature(own.number, moved(own)), feature(other.number, moved(other, 0.08)))
    report = ledger_import(actor=personas["xinpu"], kind="parcel_shapes", source=data, filename="s.geojson")
    assert report.status == "refused" and [(p.row, p.rule) for p in report.problems] == [(2, "scope.town")]
    own.refresh_from_db()
    assert own.geometry == registry_data[XINPU]["parcels"][0].geometry


@pytest.mark.parametrize(
    "data, rule",
    [
        (b"{not json", "geojson.json"),
        (json.dumps({"type": "Polygon", "coordinates": []}).encode(), "geojson.type"),
        (collection(), "geojson.empty"),
        (collection(feature("X", BOWTIE), crs={"type": "name", "properties": {"name": "EPSG:4527"}}), "geojson.crs"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_in_wgs84_is_unusable(personas, regions, data, rule):
    with pytest.raises(LedgerUnusable) as exc:
        ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="s.geojson")
    assert exc.value.rule == rule and exc.value.zh and exc.value.en


def test_a_feature_without_number_or_geometry(registry_data, personas):
    a = registry_data[XINPU]["parcels"][0]
    data = collection(
        feature(None, moved(a)), {"type": "Feature", "properties": {"地块编号": a.number}, "geometry": None}
    )
    report = ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="s.geojson")
    assert {(p.row, p.rule) for p in report.problems} == {(1, "geojson.number_missing"), (2, "geometry.missing")}


def test_the_command_line_imports_shapes(registry_data, personas, tmp_path, capsys):
    a = registry_data[XINPU]["parcels"][0]
    good, bad = tmp_path / "good.geojson", tmp_path / "bad.geojson"
    good.write_bytes(collection(feature(a.number, moved(a))))
    bad.write_bytes(collection(feature(a.number, BOWTIE)))
    call_command("import", "parcel_shapes", str(good), verbosity=0)
    assert "更新1" in capsys.readouterr().out
    with pytest.raises(CommandError) as exc:
        call_command("import", "parcel_shapes", str(bad), verbosity=0)
    assert exc.value.returncode == 1 and "geometry.self_intersection" in capsys.readouterr().out


def test_shapes_in_the_browser_preview_and_report(client, registry_data, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    officer = personas["xinpu"]
    a = registry_data[XINPU]["parcels"][0]
    other = registry_data[QIAOTOU]["parcels"][0]
    client.force_login(officer)
    data = collection(
        feature(a.number, moved(a)),
        feature(other.number, moved(other, 0.08)),
        feature(a.number.replace("0001", "0002"), BOWTIE),
    )
    client.post(
        reverse("ledger_import_new"), {"kind": "parcel_shapes", "file": SimpleUploadedFile("地块.geojson", data)}
    )
    batch = ImportBatch.objects.get(actor=officer)
    assert batch.status == "refused"
    body = client.get(reverse("import_batch_detail", args=[batch.pk])).content.decode()
    assert other.number in body and "cell-bad" in body and "Polygon" in body and "自相交" in body
    book = read_book(problem_report_xlsx(batch))
    assert {"GeoJSON", "问题清单"} <= set(book)
    assert len(book["问题清单"]) == 1 + batch.problem_count


def test_a_clean_shape_batch_confirms(client, registry_data, personas):
    a = registry_data[XINPU]["parcels"][0]
    batch = import_preview(
        actor=personas["xinpu"],
        kind="parcel_shapes",
        filename="a.geojson",
        uploaded_file_bytes=collection(feature(a.number, moved(a))),
    )
    assert batch.status == "previewed" and batch.updated == 1
    assert "Polygon" in batch.plan[0]["changes"]["geometry"][1]  # a shape is kept in a few words
    client.force_login(personas["xinpu"])
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "imported"
