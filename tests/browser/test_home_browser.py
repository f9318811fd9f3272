"""The home page in a real browser (Debian chromium driven by Playwright): the town officer of 新浦镇 and the
supervisor sign in, land on their to-do list and follow an item to the page where it is done; at 1366 px and
at 390 px (a phone). Screenshots in test-artifacts/screenshots/ (home-*.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

from conftest import QIAOTOU, XINPU  # noqa: E402
from landcycle.web import home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2026, 12, 7)
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(home, "today", lambda: DAY)  # the live server runs in this process


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def _shots(tab, name: str) -> None:
    for label, (width, height) in WIDTHS.items():
        tab.set_viewport_size({"width": width, "height": height})
        tab.screenshot(path=str(SHOTS / f"home-{name}-{label}.png"), full_page=True)
    tab.set_viewport_size({"width": 1366, "height": 768})


def _section(tab, title: str):
    return tab.locator("section.todo", has=tab.locator("h2", has_text=title))


def test_town_officer_home_and_a_task(page, live_server, supervision_data, rectification_data):
    _sign_in(page, live_server, "p_xinpu")
    assert page.locator("h1").inner_text() == "今日待办"
    text = page.locator("main").inner_text()
    assert "桥头镇" not in text and supervision_data[QIAOTOU]["contract"].number not in text
    assert "已全部报送，等待审核" in _section(page, "对账报送").inner_text()
    contracts = _section(page, "合同约定日期临近或已过")
    assert contracts.locator("li.tone-red").count() == 1 and "已逾期 890 天" in contracts.inner_text()
    assert _section(page, "待核实、待处置的预警").locator("li").count() >= 1
    _shots(page, "town-officer")

    _section(page, "临近时限或逾期的整改任务").locator("li a").first.click()
    page.wait_for_url(f"{live_server.url}/rectification/tasks/{rectification_data[XINPU]['task'].pk}/")
    assert "新浦镇低效企业腾退" in page.locator("main").inner_text()


def test_supervisor_home_and_a_review(page, live_server, rectification_data):
    _sign_in(page, live_server, "p_supervisor")
    review = _section(page, "待审核的对账事项")
    assert review.locator("li").count() == 2
    assert "待审核" in review.inner_text() and "新浦镇" in review.inner_text() and "桥头镇" in review.inner_text()
    _shots(page, "supervisor")

    review.locator("li a").first.click()
    page.wait_for_url(f"{live_server.url}/rectification/rounds/{rectification_data[XINPU]['round'].pk}/*")
    assert page.locator("tr[data-state=pending]").count() == 2


def test_county_admin_table_by_town_and_the_leader_dashboard(page, live_server, supervision_data, rectification_data):
    _sign_in(page, live_server, "p_admin")
    table = page.locator("table.town-work")
    first = table.locator("tbody tr").first
    assert first.locator("a.count").count() >= 2  # a town with work comes first, its counts are links
    first.locator("a.count.tone-red").first.click()
    page.wait_for_url(f"{live_server.url}/warnings/?*")
    assert "colour=red" in page.url
    page.goto(f"{live_server.url}/")
    _shots(page, "county-admin")
    page.click("form[action$='logout/'] button")
    _sign_in(page, live_server, "p_leader")
    assert page.locator("h1").inner_text() == "数据看板"  # the leader's home is the dashboard
    assert page.locator(".dash-card svg").count() >= 4  # (tests/browser/test_dashboard_browser.py walks it)
    _shots(page, "leader")
