"""数据看板 in a real browser (Debian chromium driven by Playwright): the leader signs in and lands on the dashboard,
at 1366 px and at 390 px (a phone: nothing wider than the screen, every chart scaled to it), in print (no chart cut
off), then clicks a bar and lands on the rows behind it. Screenshots in test-artifacts/screenshots/ (dashboard-*.png)."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

from conftest import QIAOTOU, XINPU  # noqa: E402
from landcycle.supervision.models import Warning

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}
CHARTS = 8


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def _fits(tab, width: int) -> None:
    """No horizontal scrolling, and every chart inside its card and the screen."""
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    boxes = tab.evaluate(
        "[...document.querySelectorAll('.dash-chart svg')].map(s => {"
        "const r = s.getBoundingClientRect(), c = s.closest('.dash-card').getBoundingClientRect();"
        "return [r.left, r.right, c.left, c.right, r.width / s.width.baseVal.value]; })"
    )
    assert len(boxes) == CHARTS
    for left, right, card_left, card_right, scale in boxes:
        assert card_left - 0.5 <= left and right <= card_right + 0.5 and right <= width
        assert scale >= 0.75  # scaled down at most to 3/4: 12 px labels stay at 9 px or more


def test_leader_lands_on_the_dashboard_and_follows_a_bar(
    page, live_server, supervision_data, rectification_data, evaluation_data
):
    _sign_in(page, live_server, "p_leader")
    assert page.locator("h1").inner_text() == "数据看板"
    assert page.locator(".dash-card").count() == CHARTS
    text = page.locator("main").inner_text()
    for title in ("各镇街亩均税收", "各镇街评价类别", "各镇街红、黄预警", "各镇街闲置土地面积", "各镇街整改进度"):
        assert title in text
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(400)  # the menu folds away (a .18 s transition)
        _fits(page, width)
        page.screenshot(path=str(SHOTS / f"dashboard-leader-{label}.png"), full_page=True)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    _fits(page, 794)
    page.screenshot(path=str(SHOTS / "dashboard-leader-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 768})

    # subjects (a contract, a firm) whose worst open warning is red: the board lists one row per subject
    red = len(
        {
            (w.subject_type, w.subject_id)
            for w in Warning.objects.filter(town__code=XINPU, colour="red").exclude(status="closed")
        }
    )
    bar = page.locator(f'#chart-warnings_by_town path[aria-label="新浦镇 · 红色预警 · {red}"]')
    assert bar.count() == 1
    bar.click()
    page.wait_for_url(f"{live_server.url}/warnings/?*")
    assert f"town={XINPU}" in page.url and "colour=red" in page.url and "status=active" in page.url
    rows = page.locator("table.data tbody tr")
    assert rows.count() == red
    table = page.locator("table.data tbody").inner_text()
    assert "新浦镇" in table and "桥头镇" not in table
    page.screenshot(path=str(SHOTS / "dashboard-leader-followed.png"), full_page=True)


def test_a_town_officer_dashboard_on_a_phone(page, live_server, supervision_data, rectification_data):
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/dashboard/?town={QIAOTOU}")  # a forged town changes nothing
    assert "桥头镇" not in page.locator("main").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / "dashboard-town-phone.png"), full_page=True)
    page.locator("#chart-idle_area svg a").first.click()
    page.wait_for_url(f"{live_server.url}/contracts/?*")
    assert "idle=yes" in page.url
    assert supervision_data[XINPU]["contract"].number in page.locator("main").inner_text()
