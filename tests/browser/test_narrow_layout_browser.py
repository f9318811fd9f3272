"""The layout at phone width (390 px): the navigation hides behind the 菜单 button and no page is wider than the
screen; at 1366 px the navigation stays open and the button is hidden. Screenshots in test-artifacts/screenshots
(narrow-*.png)."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: F401

from conftest import XINPU

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(tab, name: str) -> None:
    tab.screenshot(path=str(SHOTS / f"narrow-{name}.png"), full_page=False)


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_load_state()


def _page_width(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth")


def test_phone_width_collapses_the_navigation(page, live_server, personas, supervision_data, evaluation_data):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, "p_xinpu")
    for path, name in (
        ("/", "home"),
        ("/parcels/", "parcels"),
        ("/warnings/", "warnings"),
        (f"/enterprises/{supervision_data[XINPU]['owner'].pk}/", "enterprise"),
        ("/rectification/", "rectification"),
        ("/accounts/password/", "password"),
        ("/map/", "map"),
        (f"/evaluation/runs/{evaluation_data[XINPU]['run'].pk}/results/", "evaluation-results"),
        ("/no/such/page/", "404"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert _page_width(page) <= 390, f"{path} is {_page_width(page)} px wide at 390"
        assert not page.locator(".sidebar").is_visible() or page.locator(".sidebar").bounding_box()["x"] < -100
        _shot(page, f"390-{name}")
    page.click("label.menu-btn")
    page.wait_for_timeout(300)
    box = page.locator(".sidebar").bounding_box()
    assert box["x"] == 0 and box["width"] <= 390
    _shot(page, "390-menu-open")
    page.locator(".sidebar a.nav-item", has_text="整改").click()
    page.wait_for_load_state()
    assert "/rectification/" in page.url and page.locator(".sidebar").bounding_box()["x"] < -100


def test_desktop_width_keeps_the_navigation(page, live_server, personas, supervision_data):  # noqa: F811
    _sign_in(page, live_server, "p_admin")
    page.goto(f"{live_server.url}/warnings/")
    assert page.locator(".sidebar").bounding_box()["x"] == 0
    assert not page.locator("label.menu-btn").is_visible()
    assert _page_width(page) <= 1366
    _shot(page, "1366-warnings")
