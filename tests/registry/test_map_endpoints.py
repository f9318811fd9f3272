"""Issue 13, the map's endpoints: map/outlines.geojson (town and park outlines with names, scoped) and
map/view.geojson (the parcels of a bbox, only from LANDCYCLE_MAP_PARCEL_ZOOM on, scoped, simplified by zoom), and the
map page's settings (the optional tile layer)."""

from __future__ import annotations

import gzip
import json
import math

import pytest
import shapely
from django.core.cache import cache
from django.urls import reverse

from conftest import QIAOTOU, XINPU, rectangle
from landcycle.registry import services
from landcycle.registry.map_data import fingerprint
from landcycle.registry.models import Parcel, Park
from landcycle.rules.geometry import geodesic_area_m2

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _json(response) -> dict:
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)


def outlines(client, **query) -> dict:
    response = client.get(reverse("map_outlines"), query)
    assert response.status_code == 200
    return _json(response)


def in_view(client, bbox, zoom, **query) -> dict:
    response = client.get(reverse("map_parcels"), {"bbox": ",".join(map(str, bbox)), "zoom": zoom, **query})
    assert response.status_code == 200
    return _json(response)


def around(parcels, pad=0.002) -> tuple[float, float, float, float]:
    """A view box round these parcels."""
    minx, miny, maxx, maxy = shapely.total_bounds([shapely.geometry.shape(p.geometry) for p in parcels])
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _by_kind(data: dict, kind: str) -> dict:
    return {f["properties"]["name"]: f for f in data["features"] if f["properties"]["kind"] == kind}


def test_the_county_sees_every_town_and_park_outlined_and_named(client, personas, registry_data):
    client.force_login(personas["admin"])
    data = outlines(client)
    towns, parks = _by_kind(data, "town"), _by_kind(data, "park")
    assert set(towns) == {registry_data[XINPU]["town"].name, registry_data[QIAOTOU]["town"].name}
    assert set(parks) == {registry_data[XINPU]["park"].name, registry_data[QIAOTOU]["park"].name}
    for code in (XINPU, QIAOTOU):
        d = registry_data[code]
        town, park = towns[d["town"].name], parks[d["park"].name]
        town_shape, park_shape = shapely.geometry.shape(town["geometry"]), shapely.geometry.shape(park["geometry"])
        for parcel in d["parcels"]:  # the park (derived: it has no stored boundary) covers its parcels
            assert park_shape.contains(shapely.geometry.shape(parcel.geometry))
        assert town_shape.contains(park_shape)
        assert park_shape.contains(shapely.Point(park["properties"]["label"]))
        assert park["properties"]["derived"] is True and park["properties"]["parcels"] == 2
        assert town["properties"]["code"] == code
    assert data["parcel_zoom"] == 14
    assert data["counts"]["status"] == {"in_use": 4}
    assert sum(data["counts"]["park"].values()) == 4
    # the box to fit covers both parks
    west, south, east, north = data["bbox"]
    for d in registry_data.values():
        lon, lat = d["parcels"][0].geometry["coordinates"][0][0]
        assert west < lon < east and south < lat < north


def test_a_town_officer_sees_only_their_own_town_and_parks(client, personas, registry_data):
    client.force_login(personas["xinpu"])
    own, other = registry_data[XINPU], registry_data[QIAOTOU]
    for query in ({}, {"town": QIAOTOU}, {"park": other["park"].pk}):
        data = outlines(client, **query)
        body = json.dumps(data, ensure_ascii=False)
        assert set(_by_kind(data, "town")) == {own["town"].name}, query
        assert set(_by_kind(data, "park")) == {own["park"].name}, query
        assert other["town"].name not in body and other["park"].name not in body
        assert str(other["park"].pk) not in data["parks"] and data["counts"]["status"] == {"in_use": 2}


def test_the_filters_narrow_the_outlines(client, personas, registry_data):
    client.force_login(personas["admin"])
    data = outlines(client, town=QIAOTOU)
    assert set(_by_kind(data, "town")) == {registry_data[QIAOTOU]["town"].name}
    assert set(_by_kind(data, "park")) == {registry_data[QIAOTOU]["park"].name}
    data = outlines(client, park=registry_data[XINPU]["park"].pk)  # one park: its outline, not its town's
    assert set(_by_kind(data, "park")) == {registry_data[XINPU]["park"].name} and not _by_kind(data, "town")


def test_outlines_follow_a_parcel_that_moves(client, personas, registry_data):
    """The outlines are cached under the registry's audit head: a parcel written through the service (which audits
    the write and so moves the head) is outlined where it now is on the next request."""
    client.force_login(personas["admin"])
    d = registry_data[XINPU]
    before = outlines(client)
    key = fingerprint()
    parcel = Parcel.objects.get(pk=d["parcels"][1].pk)
    moved = rectangle(121.45, 30.28, 25000)  # ~8 km north-east of the park
    shape = shapely.geometry.shape(moved)
    services.parcel_update(actor=personas["admin"], parcel=parcel, geometry=moved, area_m2=parcel.area_m2)
    assert fingerprint() != key
    after = outlines(client)
    park_before = shapely.geometry.shape(_by_kind(before, "park")[d["park"].name]["geometry"])
    park_after = shapely.geometry.shape(_by_kind(after, "park")[d["park"].name]["geometry"])
    assert not park_before.intersects(shape) and park_after.contains(shape)
    # a park given a boundary is drawn with it
    boundary = rectangle(121.30, 30.30, 90000)
    services.park_update(actor=personas["admin"], park=Park.objects.get(pk=d["park"].pk), boundary=boundary)
    park = _by_kind(outlines(client), "park")[d["park"].name]
    assert shapely.geometry.shape(park["geometry"]).equals_exact(shapely.geometry.shape(boundary), 1e-6)
    assert park["properties"]["derived"] is False


def test_parcels_are_sent_only_from_the_parcel_zoom_on_and_only_those_in_view(client, personas, registry_data):
    client.force_login(personas["admin"])
    xinpu = registry_data[XINPU]["parcels"]
    view = around(xinpu)
    data = in_view(client, view, 13)
    assert data["features"] == [] and data["zoom_in"] == "zoom"
    data = in_view(client, view, 14)
    assert sorted(f["properties"]["number"] for f in data["features"]) == sorted(p.number for p in xinpu)
    assert "zoom_in" not in data and data["zoom"] == 14
    # a view between the two towns holds nothing; one round a single parcel holds that parcel
    assert in_view(client, (121.25, 30.18, 121.30, 30.22), 16)["features"] == []
    one = in_view(client, around([xinpu[1]], pad=0.0005), 17)["features"]
    assert [f["properties"]["number"] for f in one] == [xinpu[1].number]
    # no view, no parcels (and no error page)
    response = client.get(reverse("map_parcels"))
    assert response.status_code == 200 and _json(response)["zoom_in"] == "view"
    assert _json(client.get(reverse("map_parcels"), {"bbox": "1,2,3", "zoom": 15}))["features"] == []


def test_too_many_parcels_in_view_are_not_sent(client, personas, registry_data, settings):
    client.force_login(personas["admin"])
    settings.LANDCYCLE_MAP_VIEW_PARCELS = 1
    data = in_view(client, around(registry_data[XINPU]["parcels"]), 15)
    assert data["features"] == [] and data["zoom_in"] == "many" and data["in_view"] == 2
    settings.LANDCYCLE_MAP_PARCEL_ZOOM = 16
    assert in_view(client, around(registry_data[XINPU]["parcels"]), 15)["zoom_in"] == "zoom"


def test_a_town_officer_gets_nothing_of_another_town_in_view(client, personas, registry_data, settings):
    client.force_login(personas["xinpu"])
    other = registry_data[QIAOTOU]
    for query in ({}, {"town": QIAOTOU}, {"park": other["park"].pk}):
        data = in_view(client, around(other["parcels"]), 16, **query)
        assert data["features"] == [], query
        body = json.dumps(data, ensure_ascii=False)
        assert other["park"].name not in body and other["parcels"][0].number not in body
    # not even how many there are
    settings.LANDCYCLE_MAP_VIEW_PARCELS = 0
    assert "in_view" not in in_view(client, around(other["parcels"]), 16)
    settings.LANDCYCLE_MAP_VIEW_PARCELS = 4000
    # a box over both towns brings only their own
    data = in_view(client, (121.1, 30.1, 121.5, 30.3), 14)
    assert {f["properties"]["number"] for f in data["features"]} == {p.number for p in registry_data[XINPU]["parcels"]}


def jagged_circle(lon: float, lat: float, points: int, radius_m: float = 60.0) -> dict:
    k = 1 / (111_320 * math.cos(math.radians(lat)))
    ring = []
    for i in range(points):
        a = 2 * math.pi * i / points
        r = radius_m + (1.0 if i % 2 else -1.0)
        ring.append([lon + r * math.cos(a) * k, lat + r * math.sin(a) / 111_320])
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_shapes_are_simplified_by_zoom(client, personas, registry_data):
    client.force_login(personas["admin"])
    parcel = registry_data[XINPU]["parcels"][0]
    lon, lat = parcel.geometry["coordinates"][0][0]
    jagged = jagged_circle(lon, lat, 200)
    area = round(geodesic_area_m2(shapely.geometry.shape(jagged)), 2)
    services.parcel_update(actor=personas["admin"], parcel=parcel, geometry=jagged, area_m2=area)
    view = (lon - 0.003, lat - 0.003, lon + 0.003, lat + 0.003)

    def points(zoom):
        feature = next(f for f in in_view(client, view, zoom)["features"] if f["id"] == parcel.pk)
        return len(feature["geometry"]["coordinates"][0])

    # a 2 m zigzag is below half a pixel at zoom 14 (~4 m), drawn at zoom 19 (~0.13 m)
    assert points(14) < 50 < 180 < points(19)


def test_the_warning_colouring_comes_with_the_parcels_in_view(client, personas, supervision_data, registry_data):
    client.force_login(personas["admin"])
    data = in_view(client, around(registry_data[XINPU]["parcels"]), 15)
    colours = {f["properties"]["number"]: f["properties"]["warning"] for f in data["features"]}
    assert colours[registry_data[XINPU]["parcels"][1].number] == "red"
    # the legend's county counts are those of every parcel's colour
    every = in_view(client, (121.1, 30.1, 121.5, 30.3), 14)["features"]
    tally = {}
    for f in every:
        tally[f["properties"]["warning"] or "none"] = tally.get(f["properties"]["warning"] or "none", 0) + 1
    counts = outlines(client)["counts"]["warning"]
    assert len(every) == 4 and {k: n for k, n in counts.items() if n} == tally


def test_the_map_page_offers_no_tiles_by_default_and_the_configured_ones_otherwise(client, personas, settings):
    client.force_login(personas["admin"])
    html = client.get(reverse("parcel_map")).content.decode()
    config = json.loads(html.split('id="map-config" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert config["tiles"] == [] and config["parcelZoom"] == 14
    assert reverse("map_outlines") in html and reverse("map_parcels") in html
    assert "tile.openstreetmap" not in html and "tianditu" not in html
    settings.LANDCYCLE_MAP_TILES = ["https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}&tk=KEY"]
    settings.LANDCYCLE_MAP_TILES_ATTRIBUTION = "天地图"
    html = client.get(reverse("parcel_map")).content.decode()
    config = json.loads(html.split('id="map-config" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert config["tiles"] == settings.LANDCYCLE_MAP_TILES and config["tilesAttribution"] == "天地图"


def test_the_outline_counts_are_kept_until_a_write(client, personas, supervision_data, registry_data):
    """The counts by status, park and colouring read every parcel of the selection: the next request takes them from
    the cache (kit.cache, fewer queries), a registry write shows on the request after it, and each scope and filter
    has its own entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas["admin"])
    with CaptureQueriesContext(connection) as cold:
        first = outlines(client)
    with CaptureQueriesContext(connection) as warm:
        again = outlines(client)
    assert len(warm.captured_queries) < len(cold.captured_queries)
    assert again["counts"] == first["counts"] and first["counts"]["status"] == {"in_use": 4}
    parcel = Parcel.objects.get(pk=registry_data[XINPU]["parcels"][0].pk)
    services.parcel_update(actor=personas["admin"], parcel=parcel, status="idle")
    assert outlines(client)["counts"]["status"] == {"in_use": 3, "idle": 1}
    assert outlines(client, town=QIAOTOU)["counts"]["status"] == {"in_use": 2}
    client.force_login(personas["xinpu"])
    assert outlines(client)["counts"]["status"] == {"in_use": 1, "idle": 1}
