"""The ranking in a real browser (Debian chromium through Playwright), at 1366×768 and at a phone's 390×844: a town
officer opens 赛马 from the navigation, reads the table (interval bars, change, dimension mini bars, the note that
overlapping intervals are not really different), opens a town's breakdown and follows the link to the rows behind an
indicator. Screenshots go to test-artifacts/screenshots/rk-*.png."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))  # the shared chromium fixture

from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)
from ranking_data import source_rows  # noqa: E402,F401 -- fixture

from conftest import QIAOTOU, XINPU  # noqa: E402
from landcycle.kit.indicators import Quarter  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(source_rows, personas):
    from landcycle.ranking.models import IndicatorInput
    from landcycle.ranking.services import run_compute, run_publish

    admin = personas["admin"]
    for q, xp, qt in ((1, 60, 80), (2, 90, 70)):
        for code, v in ((XINPU, xp), (QIAOTOU, qt)):
            IndicatorInput.objects.create(
                town=source_rows[code]["town"], year=2025, quarter=q, indicator="policy_score", value=v
            )
    run_publish(actor=admin, run=run_compute(actor=admin, quarter=Quarter(2025, 1), runs=200))
    return run_publish(actor=admin, run=run_compute(actor=admin, quarter=Quarter(2025, 2), runs=200))


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_the_table_and_a_towns_breakdown(page, live_server, personas, published, width, height):
    page.set_viewport_size({"width": width, "height": height})
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/ranking/")
    assert page.locator("#bump-chart svg").count() == 1  # drawn on the server
    page.click("text=2025Q2 排名表")
    page.wait_for_url(f"**/ranking/runs/{published.pk}/")
    rows = page.locator("#ranking-table tbody tr")
    assert rows.count() == 2
    assert page.locator(".rk-interval").count() == 2
    assert "区间重叠的镇街之间差异并不显著" in page.locator("#overlap-note").inner_text()
    first = published.results.get(rank=1).town.name
    assert first in rows.nth(0).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # nothing wider than the screen
    page.screenshot(path=str(SHOTS / f"rk-table-{width}.png"), full_page=True)

    page.click(f"#ranking-table >> text={source_rows_name(XINPU)}")
    page.wait_for_url(f"**/ranking/results/{published.results.get(town__code=XINPU).pk}/")
    table = page.locator("#indicators tbody tr")
    assert table.count() == 14
    assert "未计算：无数据来源" in page.locator("#indicators").inner_text()
    page.screenshot(path=str(SHOTS / f"rk-town-{width}.png"), full_page=True)
    page.click("#indicators >> text=2条记录")  # the two projects admitted in the quarter
    page.wait_for_url("**/admission/?*")
    assert page.locator("table.data tbody tr").count() >= 2


def source_rows_name(code: str) -> str:
    from landcycle.registry.models import Region

    return Region.objects.get(code=code).name
