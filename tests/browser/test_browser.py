"""The product in a real browser (Debian chromium driven by Playwright): sign in through the form, open
the overview, a list, a detail page and the map, and keep a screenshot of each in
test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)
from playwright.sync_api import expect

from conftest import XINPU  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(tab, name: str) -> None:
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    _shot(tab, "01-login")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def test_sign_in_and_walk_the_registry(page, live_server, personas, registry_data):
    _sign_in(page, live_server, "p_admin")
    assert page.locator("h1").inner_text() == "今日待办"  # sign-in lands on the to-do list, which links the overview
    page.click(".page-actions >> text=工业用地总览")
    page.wait_for_url(f"{live_server.url}/overview/")
    assert page.locator("h1").inner_text().endswith("工业用地总览")
    from landcycle.web.context import PENDING_AREAS

    # the stages not built yet say so, and only those
    assert page.locator(".nav-pending").count() == len(PENDING_AREAS)
    assert "新浦镇" in page.locator("table.data").inner_text()
    _shot(page, "02-overview")

    page.click(f"a[href='/parcels/?town={XINPU}']")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 2
    _shot(page, "03-parcel-list")

    parcel = registry_data[XINPU]["parcels"][0]
    page.click(f"text={parcel.number}")
    page.wait_for_selector("#parcel-map[data-drawn='1']")
    assert page.locator("#parcel-map .leaflet-interactive").count() >= 1
    assert registry_data[XINPU]["owner"].name in page.content()
    _shot(page, "04-parcel-detail")

    page.goto(f"{live_server.url}/enterprises/{registry_data[XINPU]['owner'].pk}/")
    assert "3851" in page.locator(".lineage").inner_text()
    _shot(page, "05-enterprise-detail")

    page.goto(f"{live_server.url}/map/")
    # at county zoom: the two towns and their parks, outlined and named; parcels come when zoomed in (issue 13)
    page.wait_for_selector("#map[data-towns='2'][data-parks='2'][data-drawn='0']", state="attached")
    shapes = page.locator("#map path.leaflet-interactive")
    assert shapes.count() >= 4  # two towns (a click zooms in) and two parks (a click opens the park's popup)
    _shot(page, "06-map-by-status")
    page.click("[data-colour-by=park]")
    expect(page.locator("#legend-items .legend-item")).to_have_count(2)  # two parks
    _shot(page, "07-map-by-park")
    page.goto(f"{live_server.url}/map/?town={XINPU}")
    page.wait_for_selector("#map[data-drawn='2']", state="attached")  # one town's park: opened at parcel zoom
    page.locator("#map .leaflet-overlay-pane path.leaflet-interactive").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("strong").inner_text().startswith(XINPU)
    assert "/parcels/" in popup.locator("a").get_attribute("href")
    page.wait_for_timeout(400)  # the popup fades in
    _shot(page, "08-map-popup")


def test_form_error_is_in_the_users_language_and_town_officer_is_scoped(page, live_server, personas, registry_data):
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/enterprises/new/")
    page.fill("#id_uscc", registry_data[XINPU]["owner"].uscc[:17] + "0")
    page.fill("#id_name", "慈溪市新浦测试有限公司")
    page.fill("#id_industry_code", "3851")
    page.fill("#id_registered_on", "2015-06-01")
    page.click("button[type=submit]")
    problem = page.locator(".field.has-error .problem").first
    assert "统一社会信用代码" in problem.inner_text() and "credit code" not in problem.inner_text().lower()
    _shot(page, "09-form-errors")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map[data-drawn='2']", state="attached")  # only their own town's parcels
    _shot(page, "10-map-town-officer")
    assert "待建设" not in page.locator("nav").first.inner_text()  # every stage of the navigation is built
