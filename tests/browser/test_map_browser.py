"""Issue 13, the county map in a real browser: at county zoom the town names are written on their outlines and no
parcel is loaded; zooming in over a town brings its park names, then its parcels (from map/view.geojson), then the
parcel numbers; a town officer's map holds only their town. At 1366 px and at 390 px; screenshots in
test-artifacts/screenshots (map-*.png)."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

from conftest import QIAOTOU, XINPU  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def shown_labels(page, kind: str) -> list[str]:
    return page.eval_on_selector_all(f"#map .map-label-{kind}:not(.hidden)", "nodes => nodes.map(n => n.textContent)")


def wheel_in(page, x: float, y: float, until: str) -> None:
    """Turn the mouse wheel at (x, y) on the page, a notch at a time, until the map matches ``until``."""
    page.mouse.move(x, y)
    for _ in range(40):
        if page.locator(until).count():
            break
        page.mouse.wheel(0, -40)
        page.wait_for_timeout(400)
    page.wait_for_selector(until, state="attached")
    page.wait_for_function("!document.getElementById('map').hasAttribute('data-loading')")


def zoom_in_on(page, geometry: dict, until: str) -> None:
    """Over the middle of a parcel (its position on the screen asked of the Leaflet map)."""
    ring = geometry["coordinates"][0]
    lon = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
    lat = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
    point = page.evaluate(
        "([lat, lon]) => { const m = document.getElementById('map'); const r = m.getBoundingClientRect();"
        " const p = m.lcMap.latLngToContainerPoint([lat, lon]); return [r.left + p.x, r.top + p.y]; }",
        [lat, lon],
    )
    wheel_in(page, point[0], point[1], until)


def centre(parcels) -> tuple[float, float]:
    """(lat, lon) of the middle of these parcels."""
    points = [p for parcel in parcels for p in parcel.geometry["coordinates"][0]]
    return (
        (min(p[1] for p in points) + max(p[1] for p in points)) / 2,
        (min(p[0] for p in points) + max(p[0] for p in points)) / 2,
    )


def view(page, latlon, zoom: float) -> None:
    page.evaluate("([c, z]) => document.getElementById('map').lcMap.setView(c, z, {animate: false})", [latlon, zoom])
    page.wait_for_timeout(300)
    page.wait_for_function("!document.getElementById('map').hasAttribute('data-loading')")


def walk(page, live_server, registry_data, width: int) -> None:
    xinpu, qiaotou = registry_data[XINPU], registry_data[QIAOTOU]
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map[data-towns='2'][data-parks='2'][data-drawn='0']", state="attached")
    page.wait_for_function("document.getElementById('map').dataset.labels !== undefined")
    # county zoom: the towns are named, no parcel is loaded
    assert set(shown_labels(page, "town")) == {xinpu["town"].name, qiaotou["town"].name}
    assert shown_labels(page, "park") == [] and shown_labels(page, "parcel") == []
    assert page.locator("#map .leaflet-interactive").count() >= 2  # the two parks, clickable
    assert "放大地图查看地块" in page.inner_text("#map-status")
    page.screenshot(path=str(SHOTS / f"map-county-{width}.png"))
    # the mouse wheel over 新浦镇 brings its parcels (map/view.geojson, once the zoom reaches the parcel zoom)
    zoom_in_on(page, xinpu["parcels"][0].geometry, "#map[data-drawn]:not([data-drawn='0'])")
    assert "视野内已绘制" in page.inner_text("#map-status")
    # closer than the county, not yet parcels: the park's name on its outline, no parcel loaded
    middle = centre(xinpu["parcels"])
    view(page, middle, 13.75)
    assert shown_labels(page, "park") == [xinpu["park"].name] and shown_labels(page, "town") == [xinpu["town"].name]
    assert page.get_attribute("#map", "data-drawn") == "0"
    page.screenshot(path=str(SHOTS / f"map-park-{width}.png"))
    # at the parcel zoom: the two parcels, no numbers yet
    view(page, middle, 15)
    assert page.get_attribute("#map", "data-drawn") == "2" and shown_labels(page, "parcel") == []
    assert "视野内已绘制 2 块地块" in page.inner_text("#map-status")
    page.screenshot(path=str(SHOTS / f"map-parcels-{width}.png"))
    # close up on one parcel: its number
    view(page, centre(xinpu["parcels"][:1]), 18)
    assert shown_labels(page, "parcel") == [xinpu["parcels"][0].number]
    page.screenshot(path=str(SHOTS / f"map-numbers-{width}.png"))
    # colour by park: the legend lists the park in view
    page.click("[data-colour-by=park]")
    assert xinpu["park"].name in page.inner_text("#legend-items")
    # back at county zoom, a click on a town (between its parks, where its name is) brings it into view
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map[data-towns='2'][data-drawn='0']", state="attached")
    page.wait_for_function("document.getElementById('map').dataset.labels !== undefined")
    page.wait_for_timeout(500)
    box = page.locator("#map .map-label-town", has_text=qiaotou["town"].name).bounding_box()
    before = page.evaluate("document.getElementById('map').lcMap.getZoom()")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(600)
    after = page.evaluate("document.getElementById('map').lcMap.getZoom()")
    assert after > before + 2, (before, after)


def test_the_county_map_names_towns_then_parks_then_parcels(page, live_server, personas, registry_data):
    login(page, live_server, "p_admin")
    walk(page, live_server, registry_data, 1366)
    page.set_viewport_size({"width": 390, "height": 844})
    walk(page, live_server, registry_data, 390)


def test_a_town_officers_map_holds_only_their_town(page, live_server, personas, registry_data):
    login(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map[data-towns='1'][data-parks='1']", state="attached")
    page.wait_for_selector("#map[data-drawn='2']", state="attached")  # one town's park fits at parcel zoom
    assert registry_data[QIAOTOU]["town"].name not in page.content()
    assert registry_data[QIAOTOU]["park"].name not in page.content()
    page.screenshot(path=str(SHOTS / "map-town-officer-1366.png"))
