"""Field work in a real browser (Debian chromium driven by Playwright), issue 13: the 新浦镇 town officer, on a
phone (390×844), goes from the home page to a task near its deadline and reports progress with a photo from the
camera input, asking for close-out; the supervisor, at 1366×768, finds the close-out request on the home page,
checks the evidence and closes the task. Screenshots in test-artifacts/screenshots/ (field-*.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

from conftest import XINPU  # noqa: E402
from landcycle.rectification.models import Task
from landcycle.web import home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2026, 12, 7)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c0f01f0005000201a5f3c6f60000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(home, "today", lambda: DAY)  # the live server runs in this process


def _sign_in(tab, live_server, username: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def _shot(tab, name: str) -> None:
    tab.evaluate("window.scrollTo(0, 0)")  # a full-page shot taken from the top (the top bar sticks)
    tab.screenshot(path=str(SHOTS / f"field-{name}.png"), full_page=True)


def _fits(tab) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], f"the page is {width} px wide"


def test_a_town_officer_reports_from_the_site_and_the_supervisor_closes(
    page, live_server, rectification_data, tmp_path
):
    task = rectification_data[XINPU]["task"]
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, "p_xinpu")
    _fits(page)
    page.locator("section.todo", has=page.locator("h2", has_text="临近时限或逾期的整改任务")).locator(
        "li a"
    ).first.click()
    page.wait_for_url(f"{live_server.url}/rectification/tasks/{task.pk}/")
    _fits(page)
    _shot(page, "01-task-phone")
    button = page.locator("#report-progress")
    assert button.bounding_box()["height"] >= 40  # a button a thumb can hit
    button.click()
    page.wait_for_selector("#id_files_camera")
    _fits(page)
    camera = page.locator("#id_files_camera")
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("multiple") is not None
    assert camera.get_attribute("accept") == "image/*,application/pdf"
    take = page.locator("label[for=id_files_camera]")
    assert take.bounding_box()["height"] >= 40 and take.bounding_box()["width"] >= 300  # full width on a phone
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    page.fill("#id_percent_done", "100")
    page.fill("#id_reported_on", DAY.isoformat())
    page.fill("#id_text", "遗留物已全部清运，场地已平整，附现场照片")
    camera.set_input_files(str(photo))
    assert "现场照片.png" in page.locator("#evidence-chosen").inner_text()  # what will be sent, listed
    page.check("#id_request_close")
    _shot(page, "02-report-phone")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    _fits(page)
    assert "现场照片.png" in page.locator("main").inner_text()
    _shot(page, "03-reported-phone")

    page.set_viewport_size({"width": 1366, "height": 768})
    _sign_in(page, live_server, "p_supervisor")
    waiting = page.locator("section.todo", has=page.locator("h2", has_text="待销号的整改任务"))
    assert task.number in waiting.inner_text() and "新浦镇" in waiting.inner_text()
    _shot(page, "04-supervisor-home")
    waiting.locator("li a").first.click()
    page.wait_for_url(f"{live_server.url}/rectification/tasks/{task.pk}/")
    assert "申请销号" in page.locator("#reports").inner_text()
    page.click("text=审核销号")
    page.wait_for_selector("#id_closed_on")
    assert "现场照片.png" in page.locator("main").inner_text()  # the evidence to check, checksums folded away
    photo_shown = page.locator(".evidence-photos img")
    assert photo_shown.count() == 1
    # the thumbnail loads lazily: bring it into view and wait for the picture itself (a broken download never loads)
    photo_shown.scroll_into_view_if_needed()
    page.wait_for_function("() => { const i = document.querySelector('.evidence-photos img'); return i.complete; }")
    assert page.evaluate("document.querySelector('.evidence-photos img').naturalWidth") == 1
    assert not page.locator("details.tech-info").get_attribute("open")
    page.fill("#id_closed_on", DAY.isoformat())
    page.fill("#id_note", "现场照片与验收材料核实无误，同意销号")
    _shot(page, "05-close-desktop")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    task.refresh_from_db()
    assert task.status == Task.Status.CLOSED and task.closed_on == DAY
    _shot(page, "06-closed-desktop")
