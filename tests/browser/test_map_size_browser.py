"""Issue 10, item 6 in a real browser: a parcel whose stored shape has 100,000 points draws on its own page, on
the park page and on the county map from the simplified shapes (no JavaScript error), at 1366 px and 390 px."""

from __future__ import annotations

import math

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

from conftest import XINPU  # noqa: E402
from landcycle.registry.models import Parcel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jagged_circle(lon: float, lat: float, points: int, radius_m: float = 60.0) -> dict:
    k = 1 / (111_320 * math.cos(math.radians(lat)))
    ring = [
        [
            lon + (radius_m + (1 if i % 2 else -1)) * math.cos(2 * math.pi * i / points) * k,
            lat + (radius_m + (1 if i % 2 else -1)) * math.sin(2 * math.pi * i / points) / 111_320,
        ]
        for i in range(points)
    ]
    return {"type": "Polygon", "coordinates": [ring + ring[:1]]}


def test_a_huge_stored_shape_draws_simplified(page, live_server, personas, registry_data):
    parcel = registry_data[XINPU]["parcels"][0]
    lon, lat = parcel.geometry["coordinates"][0][0]
    Parcel.objects.filter(pk=parcel.pk).update(geometry=jagged_circle(lon, lat, 100_000))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "p_admin")
    page.fill("#id_password", "p_admin-pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/parcels/{parcel.pk}/")
    assert len(response.body()) < 150_000
    page.wait_for_selector("#parcel-map[data-drawn='1']")
    assert page.locator("#parcel-map .leaflet-interactive").count() >= 1
    page.screenshot(path=str(SHOTS / "issue10-huge-shape-parcel-1366.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("#parcel-map[data-drawn='1']")
    page.screenshot(path=str(SHOTS / "issue10-huge-shape-parcel-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/map/?town={XINPU}")  # one town's park: the map opens at parcel zoom
    page.wait_for_selector("#map[data-drawn='2']", state="attached")
    page.screenshot(path=str(SHOTS / "issue10-huge-shape-map-1366.png"))
