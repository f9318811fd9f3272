"""一企一档 and the global search in a real browser: the county administrator types a firm's name in the top bar's
search box and lands on its file; the files of the enterprise, its parcel and its park and the search results at
1366 px and at 390 px (a phone). Screenshots in shots/ and test-artifacts/screenshots/ (files-*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

from conftest import QIAOTOU, XINPU  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"1366": (1366, 768), "390": (390, 844)}
LOOK = Path(__file__).resolve().parents[2] / "shots"


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def _shots(tab, name: str) -> None:
    LOOK.mkdir(exist_ok=True)
    for label, (width, height) in WIDTHS.items():
        tab.set_viewport_size({"width": width, "height": height})
        tab.goto(tab.url.split("#")[0])  # laid out (and its map fitted) at this width, from the top
        tab.wait_for_load_state("networkidle")
        for folder in (SHOTS, LOOK):
            tab.screenshot(path=str(folder / f"files-{name}-{label}.png"), full_page=True)
        # nothing wider than the screen but the tables, which scroll in their card
        assert tab.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, label)
    tab.set_viewport_size({"width": 1366, "height": 768})


def test_admin_searches_a_firm_and_reads_its_file(
    page, live_server, supervision_data, rectification_data, evaluation_data
):
    d = supervision_data[XINPU]
    _sign_in(page, live_server, "p_admin")
    page.fill(".topsearch input[name=q]", d["owner"].name)
    page.press(".topsearch input[name=q]", "Enter")
    page.wait_for_url(f"{live_server.url}/search/?**")  # the firm and its contract (held in its name)
    assert page.locator("#found-contract").inner_text().count(d["contract"].number) == 1
    page.locator("#found-enterprise a", has_text=d["owner"].name).click()
    page.wait_for_url(f"{live_server.url}/enterprises/{d['owner'].pk}/")
    main = page.locator("main")
    for title in ("用地", "合同与承诺", "预警", "年度数据与亩均评价", "整改任务", "佐证材料", "企业信息"):
        assert page.locator(".file-nav a", has_text=title).count() == 1, title
    assert d["contract"].number in main.inner_text() and d["task"].title in main.inner_text()
    page.locator(".file-nav a", has_text="预警").click()
    page.wait_for_url(f"{live_server.url}/enterprises/{d['owner'].pk}/#warnings")
    assert page.locator("#warnings .tag-warn-red").count() >= 1
    _shots(page, "enterprise")

    page.locator("#contracts a.mono", has_text=d["parcels"][1].number).click()
    page.wait_for_url(f"{live_server.url}/parcels/{d['parcels'][1].pk}/")
    assert d["contract"].number in page.locator("#contracts").inner_text()
    _shots(page, "parcel")

    page.goto(f"{live_server.url}/parks/{d['park'].pk}/")
    assert d["owner"].name in page.locator("#enterprises").inner_text()
    _shots(page, "park")

    # several hits: the results page, grouped by kind, without the other town's rows for a town officer
    page.context.clear_cookies()
    _sign_in(page, live_server, "p_xinpu")
    page.fill(".topsearch input[name=q]", "慈溪市")
    page.press(".topsearch input[name=q]", "Enter")
    page.wait_for_url(f"{live_server.url}/search/?**")
    text = page.locator("main").inner_text()
    assert d["owner"].name in text and supervision_data[QIAOTOU]["owner"].name not in text
    _shots(page, "search")
