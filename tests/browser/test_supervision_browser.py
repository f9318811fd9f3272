"""The supervision pages in a real browser (Debian chromium driven by Playwright): the warnings board with
its KPIs and an action, a contract page with its timeline, the parcel map coloured by warnings, and a
town officer's board; screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

from conftest import QIAOTOU, SUPERVISION_DAY, XINPU  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(tab, name: str, full_page: bool = False) -> None:
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def test_board_contract_and_map_coloured_by_warnings(page, live_server, supervision_data, run_tasks):
    _sign_in(page, live_server, "p_admin")
    page.click("nav.nav >> text=监管/预警")
    page.wait_for_url(f"{live_server.url}/warnings/")
    red = page.locator(".kpi.tone-red .kpi-value").inner_text()
    assert int(re.match(r"\d+", red)[0]) == 4  # subjects: each town's contract and its owner
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 4  # one row per subject, not one per rule that fired
    assert rows.first.locator(".tag-warn-red").count() == 1
    assert "闲置满两年" in rows.first.inner_text()  # take-back comes first among the contract's reasons
    assert rows.first.locator(".reason-list li").count() == 3
    _shot(page, "21-warnings-board")

    page.fill("form.refresh-form input[name=as_of]", SUPERVISION_DAY.isoformat())  # the same day: nothing changes
    page.click("form.refresh-form button[type=submit]")  # 重新计算预警: a task of the queue
    page.wait_for_selector(".refresh-state[data-run=queued]")
    assert page.locator("meta[http-equiv=refresh]").count() == 1  # the board refreshes itself meanwhile
    assert run_tasks() == 1  # the database queue's worker, run by hand
    page.wait_for_selector(".refresh-state[data-run=done]", timeout=20_000)
    assert "重新计算：新增" in page.locator(".refresh-state").inner_text()
    assert page.locator("meta[http-equiv=refresh]").count() == 0

    contract = supervision_data[XINPU]["contract"]
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    agreed = page.locator(".timeline svg path[aria-label^='约定']")  # kit.charts: a hover title per point
    assert agreed.count() == 4  # delivery, start, completion, production
    assert page.locator(".timeline svg path[aria-label^='实际']").count() == 1  # delivered; nothing else happened
    assert "原约定 2026-06-30" in page.locator(".timeline svg").inner_html()
    page.wait_for_selector("#contract-map[data-drawn='1']")
    _shot(page, "23-contract-page", full_page=True)

    page.goto(f"{live_server.url}/map/")  # county zoom: outlines, the legend counts every parcel (issue 13)
    page.wait_for_selector("#map[data-towns='2'][data-drawn='0']", state="attached")
    page.click("[data-colour-by=warning]")
    page.wait_for_selector("#map[data-colour-by=warning]", state="attached")
    legend = page.locator("#legend-items .legend-item")
    assert legend.count() == 4
    counts = {legend.nth(i).get_attribute("data-key"): legend.nth(i).locator("em").inner_text() for i in range(4)}
    assert counts == {"red": "4", "yellow": "0", "green": "0", "none": "0"}
    page.goto(f"{live_server.url}/map/?town={XINPU}&colour=warning")  # one town: its parcels are drawn
    page.wait_for_selector("#map[data-drawn='2']", state="attached")
    fills = page.eval_on_selector_all(
        "#map .leaflet-overlay-pane path.leaflet-interactive", "ps => ps.map(p => p.getAttribute('fill'))"
    )
    assert len(fills) == 2 and set(fills) == {"#d93b3b"}  # every parcel's worst warning is red here
    _shot(page, "24-map-by-warning")


def test_town_officer_sees_only_their_town(page, live_server, supervision_data):
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/warnings/")
    body = page.locator("main").inner_text()
    assert supervision_data[XINPU]["contract"].number in body
    assert supervision_data[QIAOTOU]["contract"].number not in body and "重新计算预警" not in body
    _shot(page, "25-warnings-board-town-officer")
    page.goto(f"{live_server.url}/map/?colour=warning")
    page.wait_for_selector("#map[data-drawn='2']", state="attached")
    _shot(page, "26-map-by-warning-town-officer")
    response = page.goto(f"{live_server.url}/contracts/{supervision_data[QIAOTOU]['contract'].pk}/")
    assert response.status == 404


def test_moved_dates_not_judged_reminders_and_ended_leases(page, live_server, supervision_data, personas):
    """Issue 11's states on the board and on a contract page, at 1366 px and at 390 px."""
    import datetime as dt

    from landcycle.registry import services as registry_services
    from landcycle.supervision.refresh import warnings_refresh
    from landcycle.supervision.services.commitments import government_delay_add
    from landcycle.supervision.services.contracts import contract_create

    admin, d = personas["admin"], supervision_data[XINPU]
    contract = d["contract"]
    government_delay_add(actor=admin, contract=contract, cause="plan_change", evidence="慈规〔2024〕8号", days=90)
    contract_create(
        actor=admin,
        number="HT-NOSTART",
        parcels=[d["parcels"][0]],
        holder=d["owner"],
        kind="grant",
        price_wan="100",
        signed_on=dt.date(2024, 3, 1),
    )
    registry_services.occupancy_end(actor=admin, occupancy=d["occupancies"][1], end=dt.date(2026, 6, 30))
    warnings_refresh(actor=admin, as_of=SUPERVISION_DAY)
    _sign_in(page, live_server, "p_admin")
    page.goto(f"{live_server.url}/warnings/")
    assert page.locator(".kpi.tone-grey").count() == 1 and page.locator(".kpi.tone-blue").count() == 1
    assert page.locator("table.data .tag-warn-grey").count() >= 1
    assert "租约到期未腾退" in page.locator("table.data").inner_text()
    _shot(page, "24-warnings-board-grey-reminder-lease", full_page=True)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    assert "顺延90天" in page.locator(".date-notes").inner_text()
    assert "原约定 2024-06-30" in page.locator(".timeline svg").inner_html()
    _shot(page, "25-contract-moved-dates", full_page=True)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/edit/")
    assert "打入所有基础桩" in page.locator("form.form-card").inner_text()  # what "started" means, beside the date
    _shot(page, "25b-contract-edit-start-criterion", full_page=True)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "26-contract-moved-dates-390", full_page=True)
    page.goto(f"{live_server.url}/warnings/")
    _shot(page, "27-warnings-board-390", full_page=True)
