"""Issue 10, items 6 and 7: parcel shapes have limits (points, rings, parts, file size: settings
LANDCYCLE_SHAPE_*), refused with a message naming the limit and the row; JSON nested 100,000 levels deep, NaN or a
number of thousands of digits is "not valid GeoJSON", never a 500 — in the ledger import (GeoJSON and zipped
Shapefile), in the browser upload and in the parcel form."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_books import XINPU
from test_import_shapefile import layer, outer

from conftest import rectangle
from landcycle.ledgers.models import ImportBatch
from landcycle.ledgers.services import ledger_import
from landcycle.registry.models import Parcel
from landcycle.rules.geometry import load_json, parse_polygon
from landcycle.rules.ledger import LedgerUnusable

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000  # 100,000 levels of [[[[…]]]]: 200 KB


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"


def dense(parcel, points: int, dlon: float = 0.05) -> dict:
    """The parcel's registered area as a rectangle whose edges carry ``points`` vertices in all (extra points
    on the edges: the same valid polygon, just heavier)."""
    ring = rectangle(121.40 + dlon, 30.30, float(parcel.area_m2))["coordinates"][0]
    per_edge = (points - 1) // 4
    out = []
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        out += [[x0 + (x1 - x0) * k / per_edge, y0 + (y1 - y0) * k / per_edge] for k in range(per_edge)]
    out.append(out[0])
    return {"type": "Polygon", "coordinates": [out]}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def feature(number, geometry) -> dict:
    return {"type": "Feature", "properties": {"地块编号": number}, "geometry": geometry}


def points_of(geometry: dict) -> int:
    rings = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return sum(len(r) for poly in rings for r in poly)


# ---- the limits, in the import -------------------------------------------------------------------------------


def test_a_shape_over_the_point_limit_is_refused_naming_the_limit_and_the_row(settings, registry_data, personas):
    settings.LANDCYCLE_SHAPE_MAX_POINTS = 50
    a, b = registry_data[XINPU]["parcels"]
    before = {p.pk: p.geometry for p in Parcel.objects.all()}
    data = collection(feature(a.number, dense(a, 41)), feature(b.number, dense(b, 61, 0.06)))
    report = ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="s.geojson")
    assert report.status == "refused"
    found = [p for p in report.problems if p.rule == "geometry.too_many_points"]
    assert [(p.row, p.column) for p in found] == [(2, "geometry")]
    assert "61" in found[0].zh and "50" in found[0].zh and "LANDCYCLE_SHAPE_MAX_POINTS" in found[0].zh
    assert "more than the limit of 50" in found[0].en
    assert {p.pk: p.geometry for p in Parcel.objects.all()} == before
    settings.LANDCYCLE_SHAPE_MAX_POINTS = 100  # the setting is read at each import
    report = ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="s.geojson")
    assert report.imported and report.updated == 2


def test_rings_and_parts_have_limits_too(settings, registry_data, personas):
    settings.LANDCYCLE_SHAPE_MAX_RINGS, settings.LANDCYCLE_SHAPE_MAX_PARTS = 2, 1
    a = registry_data[XINPU]["parcels"][0]
    half = rectangle(121.45, 30.30, float(a.area_m2) / 2)["coordinates"]
    other = rectangle(121.46, 30.30, float(a.area_m2) / 2)["coordinates"]
    third = rectangle(121.47, 30.30, 10)["coordinates"]
    shape = {"type": "MultiPolygon", "coordinates": [half, other, third]}
    report = ledger_import(
        actor=personas["admin"], kind="parcel_shapes", source=collection(feature(a.number, shape)), filename="s.geojson"
    )
    rules = {p.rule for p in report.problems}
    assert {"geometry.too_many_rings", "geometry.too_many_parts"} <= rules and report.status == "refused"


def test_a_shapes_file_over_the_size_limit_is_refused_before_it_is_read(settings, registry_data, personas):
    settings.LANDCYCLE_SHAPE_FILE_MAX_BYTES = 2000
    a = registry_data[XINPU]["parcels"][0]
    data = collection(feature(a.number, dense(a, 60)))
    assert len(data) > 2000
    with pytest.raises(LedgerUnusable) as exc:
        ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="s.geojson")
    assert exc.value.rule == "geojson.too_large"
    assert "LANDCYCLE_SHAPE_FILE_MAX_BYTES" in exc.value.zh and "2 KB" in exc.value.en
    zipped = layer(((a.number,), [outer(dense(a, 400)["coordinates"][0])]))
    assert len(zipped) > 2000
    with pytest.raises(LedgerUnusable) as exc:
        ledger_import(actor=personas["admin"], kind="parcel_shapes", source=zipped, filename="s.zip")
    assert exc.value.rule == "shapefile.too_large"


def test_a_shapefile_polygon_over_the_point_limit_is_refused(settings, registry_data, personas):
    settings.LANDCYCLE_SHAPE_MAX_POINTS = 50
    a, b = registry_data[XINPU]["parcels"]
    data = layer(
        ((a.number,), [outer(dense(a, 41)["coordinates"][0])]),
        ((b.number,), [outer(dense(b, 81, 0.06)["coordinates"][0])]),
    )
    report = ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="地块.zip")
    assert report.status == "refused"
    found = [p for p in report.problems if p.rule == "geometry.too_many_points"]
    assert [p.row for p in found] == [2] and "LANDCYCLE_SHAPE_MAX_POINTS" in found[0].zh and "81" in found[0].en


def test_the_browser_upload_shows_the_limit(client, settings, registry_data, personas):
    settings.LANDCYCLE_SHAPE_MAX_POINTS = 50
    a = registry_data[XINPU]["parcels"][0]
    client.force_login(personas["xinpu"])
    data = collection(feature(a.number, dense(a, 61)))
    response = client.post(
        reverse("ledger_import_new"), {"kind": "parcel_shapes", "file": SimpleUploadedFile("地块.geojson", data)}
    )
    assert response.status_code in (200, 302)
    batch = ImportBatch.objects.get(actor=personas["xinpu"])
    assert batch.status == "refused"
    body = client.get(reverse("import_batch_detail", args=[batch.pk])).content.decode()
    assert "LANDCYCLE_SHAPE_MAX_POINTS" in body and "超过上限50个" in body


# ---- hostile JSON: nesting, numbers, constants ----------------------------------------------------------------


def _in_a_feature(coordinates_text: str) -> bytes:
    return (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"地块编号":"X"},'
        '"geometry":{"type":"Polygon","coordinates":' + coordinates_text + "}}]}"
    ).encode()


@pytest.mark.parametrize(
    "data",
    [
        DEEP.encode(),  # the whole file
        _in_a_feature(DEEP),  # the coordinates of one shape
        _in_a_feature("[" * 40 + "]" * 40),  # deeper than any GeoJSON, parseable
        ('{"type":"FeatureCollection","features":[],"x":' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}").encode(),
        _in_a_feature("[[[" + "9" * 100_000 + ",30]]]"),  # an integer of 100,000 digits
        _in_a_feature("[[[NaN,30],[121,Infinity],[121,30]]]"),
    ],
    ids=["deep-file", "deep-coordinates", "deep-40", "deep-objects", "huge-integer", "nan"],
)
def test_hostile_json_is_not_valid_geojson(personas, regions, data):
    with pytest.raises(LedgerUnusable) as exc:
        ledger_import(actor=personas["admin"], kind="parcel_shapes", source=data, filename="s.geojson")
    assert exc.value.rule == "geojson.json"
    assert "不是有效的GeoJSON" in exc.value.zh and "not valid GeoJSON" in exc.value.en


def test_hostile_json_uploaded_in_the_browser_is_answered_not_a_500(client, registry_data, personas):
    client.force_login(personas["xinpu"])
    response = client.post(
        reverse("ledger_import_new"),
        {"kind": "parcel_shapes", "file": SimpleUploadedFile("地块.geojson", _in_a_feature(DEEP))},
    )
    assert response.status_code in (200, 302)
    batch = ImportBatch.objects.get(actor=personas["xinpu"])
    assert batch.status == "refused" and "不是有效的GeoJSON" in batch.message


# ---- the parcel form -----------------------------------------------------------------------------------------


def _post_parcel(client, parcel, geometry: str):
    return client.post(
        reverse("parcel_edit", args=[parcel.pk]),
        {
            "number": parcel.number,
            "park": parcel.park_id,
            "area_m2": str(parcel.area_m2),
            "land_use": "industrial",
            "tenure": parcel.tenure,
            "status": parcel.status,
            "geometry": geometry,
            "version": parcel.version,
        },
    )


@pytest.mark.parametrize(
    "text",
    [
        DEEP,
        '{"type":"Polygon","coordinates":' + DEEP + "}",
        '{"type":"Polygon","coordinates":[[[' + "1" * 50_000 + ",30]]]}",
    ],
    ids=["deep", "deep-coordinates", "huge-integer"],
)
def test_the_parcel_form_says_not_valid_geojson_for_hostile_json(client, personas, registry_data, text):
    client.force_login(personas["admin"])
    parcel = registry_data[XINPU]["parcels"][0]
    response = _post_parcel(client, parcel, text)
    assert response.status_code == 200
    assert [p.rule for p in response.context["form"].problems["geometry"]] == ["geometry.json"]
    body = response.content.decode()
    assert "不是有效的GeoJSON" in body


def test_the_parcel_form_refuses_a_shape_over_the_point_limit(client, settings, personas, registry_data):
    settings.LANDCYCLE_SHAPE_MAX_POINTS = 50
    client.force_login(personas["admin"])
    parcel = registry_data[XINPU]["parcels"][0]
    before = json.loads(json.dumps(parcel.geometry))
    response = _post_parcel(client, parcel, json.dumps(dense(parcel, 61)))
    assert response.status_code == 200
    problems = response.context["form"].problems["geometry"]
    assert [p.rule for p in problems] == ["geometry.too_many_points"]
    assert "超过上限50个" in response.content.decode()
    parcel.refresh_from_db()
    assert parcel.geometry == before
    response = _post_parcel(client, parcel, json.dumps(dense(parcel, 41)))
    assert response.status_code == 302
    parcel.refresh_from_db()
    assert points_of(parcel.geometry) == 41


def test_the_parcel_form_refuses_text_over_the_size_limit(client, settings, personas, registry_data):
    settings.LANDCYCLE_SHAPE_FILE_MAX_BYTES = 1000
    client.force_login(personas["admin"])
    parcel = registry_data[XINPU]["parcels"][0]
    response = _post_parcel(client, parcel, json.dumps(dense(parcel, 41)))
    assert [p.rule for p in response.context["form"].problems["geometry"]] == ["geometry.too_large"]


# ---- the pure rules ------------------------------------------------------------------------------------------


def test_load_json_and_parse_polygon_never_raise_on_hostile_text():
    for text in (DEEP, '{"a":' * 100_000 + "1" + "}" * 100_000, "[" * 40 + "]" * 40, "[NaN]", "1" * 10_000):
        with pytest.raises(ValueError) as exc:
            load_json(text)
        assert len(exc.value.args) == 2 or exc.value.__class__.__name__ == "JSONDecodeError"
        shape, problems = parse_polygon(text)
        assert shape is None and [p.rule for p in problems] == ["geometry.json"]
    deep_coords = {"type": "Polygon", "coordinates": [[[[[[121, 30]]]]]]}
    assert [p.rule for p in parse_polygon(deep_coords)[1]] == ["geometry.coordinates"]


def test_a_shape_as_shapely_maps_it_tuples_and_all_is_still_a_polygon(registry_data):
    from shapely.geometry import mapping, shape

    a = registry_data[XINPU]["parcels"][0]
    built = mapping(shape(a.geometry))  # tuples, as a parcel holds its shape right after the service saved it
    geom, problems = parse_polygon(built)
    assert geom is not None and problems == []
