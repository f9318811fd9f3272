"""回头看 in a real browser: a task closed out in November is listed for re-checking when the supervisor opens the
December round; the supervisor records its relapse, and the task is reopened with the reason. Screenshots at
1366×768 and at a phone's 390 px in test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import QIAOTOU, RECTIFICATION_PDF, XINPU  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(tab, live_server, username: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def closed_out(rectification_data, personas):
    """A 新浦镇 task closed out on 2026-11-20, and the round of 2026-11-16–30 reviewed and closed."""
    from landcycle.rectification.services.ledger import task_create
    from landcycle.rectification.services.progress import progress_submit, task_close
    from landcycle.rectification.services.rounds import round_close, round_item_review

    sup, d = personas["supervisor"], rectification_data[XINPU]
    task = task_create(
        actor=sup,
        finding=d["finding"],
        town=d["town"],
        title="敦和园区违建拆除",
        measures="拆除违章搭建",
        deadline=dt.date(2026, 11, 30),
        assigned_on=dt.date(2026, 9, 15),
    )
    report = progress_submit(
        actor=personas["xinpu"],
        task=task,
        version=task.version,
        percent_done=100,
        text="违建已全部拆除",
        reported_on=dt.date(2026, 11, 18),
        request_close=True,
        files=[SimpleUploadedFile("拆除照片.pdf", RECTIFICATION_PDF)],
    )
    task = report.task
    task.refresh_from_db()
    task_close(actor=sup, task=task, version=task.version, closed_on=dt.date(2026, 11, 20))
    for code in (XINPU, QIAOTOU):
        round_item_review(actor=sup, item=rectification_data[code]["round_item"], decision="confirmed")
    round_close(actor=sup, round=d["round"], on=dt.date(2026, 11, 30))
    return task


def test_a_relapse_found_by_a_re_check_reopens_the_task(page, live_server, closed_out):
    _sign_in(page, live_server, "p_supervisor")
    page.goto(f"{live_server.url}/rectification/rounds/new/")
    page.fill("#id_on", "2026-12-01")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    row = page.locator("#recheck-items tbody tr")
    assert row.count() == 1 and "敦和园区违建拆除" in row.inner_text() and "2027-05-20" in row.inner_text()
    page.locator("#rechecks").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "rect-recheck-01-round.png"))
    row.locator("a.btn", has_text="复核").click()
    page.check("input[value=relapsed]")
    page.fill("#id_on", "2026-12-03")
    page.fill("#id_note", "复查发现原址又搭建了违章棚屋")
    page.fill("#id_deadline", "2027-01-31")
    page.screenshot(path=str(SHOTS / "rect-recheck-02-form.png"))
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    assert "反弹" in page.locator("#recheck-items tbody tr").inner_text()
    page.click("#recheck-items tbody tr a.mono")
    page.wait_for_url("**/rectification/tasks/**")
    body = page.locator("main").inner_text()
    assert "反弹重启" in body and "复查发现原址又搭建了违章棚屋" in body and "2027-01-31" in body
    page.screenshot(path=str(SHOTS / "rect-recheck-03-task.png"))
    # the same round on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.go_back()
    page.locator("#rechecks").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "rect-recheck-04-round-phone.png"))
