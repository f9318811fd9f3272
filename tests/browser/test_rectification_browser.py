"""A reconciliation round in a real browser (Debian chromium driven by Playwright): the supervisor opens the
round, the 新浦镇 officer submits the update with evidence (a wrong file type is refused first, in the reader's
language), the supervisor confirms it, challenges the item 桥头镇 did not report and closes the round; then the
ledger, a task page and the county summary. Screenshots (1366×768) in test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)
from playwright.sync_api import expect

from conftest import QIAOTOU, RECTIFICATION_PDF, XINPU  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(tab, name: str) -> None:
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _sign_in(tab, live_server, username: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def closed_round(rectification_data, personas):
    """rectification_data with its round of 2026-11-16–30 reviewed and closed."""
    from landcycle.rectification.services.rounds import round_close, round_item_review

    for code in (XINPU, QIAOTOU):
        round_item_review(
            actor=personas["supervisor"], item=rectification_data[code]["round_item"], decision="confirmed"
        )
    round_close(actor=personas["supervisor"], round=rectification_data[XINPU]["round"], on=dt.date(2026, 11, 29))
    return rectification_data


def test_a_round_from_submission_to_confirmation(page, live_server, closed_round, tmp_path):
    # the supervisor opens the round of 2026-12-01–15: every open task is snapshotted
    _sign_in(page, live_server, "p_supervisor")
    page.click("nav.nav >> text=整改")
    page.wait_for_url(f"{live_server.url}/rectification/")
    page.click(".tabs >> text=对账销号")
    page.click("text=开启对账")
    page.fill("#id_on", "2026-12-01")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    assert "2026年12月上半月" in page.locator("h1").inner_text()
    assert page.locator("#round-items tbody tr").count() == 2
    assert page.locator("#units .unit-chip").count() == 2

    # the 新浦镇 officer reports: a wrong file type first, then the PDF
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/rectification/rounds/")
    page.click("text=进入本轮对账")
    expect(page.locator("#round-items tbody tr")).to_have_count(1)  # their own town's item only
    page.click("#round-items .row-actions a")
    bad, good = tmp_path / "清运记录.exe", tmp_path / "清运记录.pdf"
    bad.write_bytes(b"MZ\x90\x00")
    good.write_bytes(RECTIFICATION_PDF)
    page.fill("#id_percent_done", "80")
    page.fill("#id_text", "遗留物已清运完毕，正在办理土地移交")
    page.set_input_files("#id_files", str(bad))
    page.click("button[type=submit]")
    problem = page.locator('.field[data-field="files"] .problem')
    assert "不在允许范围内" in problem.inner_text() and "does not allow" not in problem.inner_text()  # one language
    _shot(page, "rect-01-bad-evidence")
    page.set_input_files("#id_files", str(good))
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    row = page.locator("#round-items tbody tr").first
    assert "80%" in row.inner_text() and "清运记录.pdf" in row.inner_text()
    _shot(page, "rect-02-round-submitted")

    # the supervisor confirms 新浦镇's update, challenges 桥头镇's silence and closes the round
    _sign_in(page, live_server, "p_supervisor")
    page.goto(f"{live_server.url}/rectification/rounds/")
    page.click("text=进入本轮对账")
    assert "新浦镇 1/1" in " ".join(page.locator("#units").inner_text().split())
    xinpu_item = closed_round[XINPU]["task"].title
    page.locator("#round-items tbody tr", has_text=xinpu_item).locator(".row-actions a", has_text="审核").click()
    page.check("input[name=decision][value=confirmed]")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    page.locator("#round-items tbody tr", has_text=closed_round[QIAOTOU]["task"].title).locator(
        ".row-actions a", has_text="审核"
    ).click()
    page.check("input[name=decision][value=challenged]")
    page.fill("#id_note", "本轮未报送进展，请说明原因")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    assert page.locator('#round-items tr[data-state="confirmed"]').count() == 1
    assert page.locator('#round-items tr[data-state="challenged"]').count() == 1
    _shot(page, "rect-03-round-reviewed")
    page.click("text=结束本轮对账")
    page.fill("#id_on", "2026-12-15")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    assert "已结束" in page.locator("h1").inner_text()
    _shot(page, "rect-04-round-closed")

    page.goto(f"{live_server.url}/rectification/")
    assert page.locator("table.data tbody tr.group").count() == 2
    _shot(page, "rect-05-ledger")
    page.goto(f"{live_server.url}/rectification/tasks/{closed_round[QIAOTOU]['task'].pk}/")
    assert page.locator("h1 .tag-warn-yellow").count() == 1  # challenged in the last round
    _shot(page, "rect-06-task")
    page.goto(f"{live_server.url}/rectification/summary/")
    assert "累计开展监督检查2次，监督发现问题2个，提出意见建议2条" in page.locator("#summary-sentence").inner_text()
    _shot(page, "rect-07-summary")
