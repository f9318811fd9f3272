"""Issue 10, item 6: a map never sends a shape at full resolution. With one 100,000-point parcel planted in the
database (as data stored before the limits would be), the county map's GeoJSON, the park page and the parcel page
stay small: each shape has at most LANDCYCLE_MAP_SHAPE_POINTS points (LANDCYCLE_PARCEL_SHAPE_POINTS for a parcel
page's own shape), coordinates rounded to 6 decimals. Sizes are asserted, never times."""

from __future__ import annotations

import json
import math
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from conftest import XINPU
from landcycle.registry.models import Parcel, Park

pytestmark = pytest.mark.django_db


def jagged_circle(lon: float, lat: float, points: int, radius_m: float = 60.0) -> dict:
    """A near-circle whose edge zigzags by ±1 m: simplifying at 1 m keeps most of its points, so only the
    point budget bounds it."""
    k = 1 / (111_320 * math.cos(math.radians(lat)))
    ring = []
    for i in range(points):
        a = 2 * math.pi * i / points
        r = radius_m + (1.0 if i % 2 else -1.0)
        ring.append([lon + r * math.cos(a) * k, lat + r * math.sin(a) / 111_320])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def points_of(geometry: dict) -> int:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return sum(len(ring) for polygon in polygons for ring in polygon)


@pytest.fixture
def planted(registry_data):
    cache.clear()
    parcel = registry_data[XINPU]["parcels"][0]
    lon, lat = parcel.geometry["coordinates"][0][0]
    Parcel.objects.filter(pk=parcel.pk).update(geometry=jagged_circle(lon, lat, 100_000))
    yield parcel
    cache.clear()


def _features(data: dict) -> dict:
    return {f["properties"]["number"]: f for f in data["features"]}


def test_the_county_map_sends_a_planted_100000_point_shape_simplified(
    client, personas, registry_data, planted, settings
):
    client.force_login(personas["admin"])
    response = client.get(reverse("parcel_geojson"))
    body = response.content
    data = json.loads(body)
    shape = _features(data)[planted.number]["geometry"]
    assert 4 <= points_of(shape) <= settings.LANDCYCLE_MAP_SHAPE_POINTS
    assert len(body) < 40_000  # 4 parcels; the planted shape alone was 4 MB as stored
    # still where it was: the drawn shape's extent agrees with the stored one's to a few metres
    stored = Parcel.objects.get(pk=planted.pk).geometry["coordinates"][0]
    for axis in (0, 1):
        drawn = [p[axis] for p in shape["coordinates"][0]]
        assert min(drawn) == pytest.approx(min(p[axis] for p in stored), abs=5e-5)
        assert max(drawn) == pytest.approx(max(p[axis] for p in stored), abs=5e-5)
    # coordinates are rounded to 6 decimals
    assert not re.search(rb"\d\.\d{7,}", body)
    # a second request is served the same (from the cache), and the budget is a setting
    assert client.get(reverse("parcel_geojson")).content == body
    settings.LANDCYCLE_MAP_SHAPE_POINTS = 20
    data = json.loads(client.get(reverse("parcel_geojson")).content)
    assert points_of(_features(data)[planted.number]["geometry"]) <= 20


def test_the_parcel_page_sends_its_own_shape_at_a_bounded_number_of_points(client, personas, planted, settings):
    client.force_login(personas["admin"])
    response = client.get(reverse("parcel_detail", args=[planted.pk]))
    assert response.status_code == 200
    own = response.context["geo"]["features"][0]["geometry"]
    assert 4 <= points_of(own) <= settings.LANDCYCLE_PARCEL_SHAPE_POINTS
    assert len(response.content) < 150_000
    assert 'id="parcel-map"' in response.content.decode()


def test_the_park_page_and_the_neighbours_map_stay_small(client, personas, registry_data, planted, settings):
    client.force_login(personas["admin"])
    response = client.get(reverse("park_detail", args=[planted.park_id]))
    assert response.status_code == 200
    shape = _features(response.context["geo"])[planted.number]["geometry"]
    assert points_of(shape) <= settings.LANDCYCLE_MAP_SHAPE_POINTS
    assert len(response.content) < 100_000
    neighbour = registry_data[XINPU]["parcels"][1]
    response = client.get(reverse("parcel_detail", args=[neighbour.pk]))
    context = _features(response.context["context_geo"])[planted.number]["geometry"]
    assert points_of(context) <= settings.LANDCYCLE_MAP_SHAPE_POINTS
    assert len(response.content) < 100_000


def test_a_large_park_boundary_is_simplified_too(client, personas, registry_data, settings):
    client.force_login(personas["admin"])
    park = registry_data[XINPU]["park"]
    lon, lat = registry_data[XINPU]["parcels"][0].geometry["coordinates"][0][0]
    Park.objects.filter(pk=park.pk).update(boundary=jagged_circle(lon, lat, 20_000, radius_m=500))
    data = json.loads(client.get(reverse("parcel_geojson")).content)
    boundary = next(b for b in data["park_boundaries"] if b["properties"]["id"] == park.pk)
    assert points_of(boundary["geometry"]) <= settings.LANDCYCLE_MAP_SHAPE_POINTS
