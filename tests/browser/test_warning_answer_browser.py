"""Answering a warning in a real browser (Debian chromium driven by Playwright): the town officer of 新浦镇 signs
in on a phone (390×844), goes from the home page to a warning, verifies it with a photo and records its handling
up to the request to close; the county administrator, at 1366 px, finds it on the home page and accepts it.
Screenshots of the board and the warning page at both widths in test-artifacts/screenshots/ (warn-*.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

from conftest import XINPU  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 768}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 256


def _sign_in(tab, live_server, username: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def _shot(tab, name: str) -> None:
    tab.screenshot(path=str(SHOTS / f"warn-{name}.png"), full_page=True)


def _fits(tab) -> None:
    """Nothing wider than the phone: every button reachable without scrolling sideways."""
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    for button in tab.locator(".action-card button").all():
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_town_verifies_and_handles_on_a_phone_and_the_county_accepts(
    page, live_server, supervision_data, settings, tmp_path
):
    settings.UPLOADS_DIR = tmp_path / "uploads"
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(JPEG)
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, "p_xinpu")
    section = page.locator("section.todo", has=page.locator("h2", has_text="待核实、待处置的预警"))
    section.locator("li a").first.click()
    page.wait_for_url(f"{live_server.url}/warnings/*/")
    warning_url = page.url
    assert page.locator(".state-banner").get_attribute("data-status") == "open"
    file_input = page.locator("#verify-files")
    assert file_input.get_attribute("capture") == "environment"
    assert file_input.get_attribute("accept") == "image/*,application/pdf"
    _fits(page)
    _shot(page, "detail-open-phone")

    page.fill("#reason", "现场查看，地块未动工")
    file_input.set_input_files(str(photo))
    page.click("button[name=answer][value=confirm]")
    page.wait_for_selector(".message-success")
    assert page.locator(".state-banner").get_attribute("data-status") == "confirmed"
    assert "现场.jpg" in page.locator(".history").inner_text()

    page.fill("#measures", "约谈企业负责人，责令三个月内开工")
    page.fill("#due", (dt.date.today() + dt.timedelta(days=90)).isoformat())
    page.click("form[data-form=handle] button")
    page.wait_for_selector(".message-success")
    assert page.locator(".state-banner").get_attribute("data-status") == "handling"
    _fits(page)
    _shot(page, "detail-handling-phone")

    page.fill("#note", "企业已进场打桩")
    page.click("button[name=submit][value='1']")
    page.wait_for_selector(".message-success")
    assert page.locator(".state-banner").get_attribute("data-status") == "submitted"
    assert "等待县级验收" in page.locator(".action-card").inner_text()
    page.goto(f"{live_server.url}/warnings/")
    _shot(page, "board-phone")

    page.set_viewport_size(DESKTOP)
    _sign_in(page, live_server, "p_admin")
    section = page.locator("section.todo", has=page.locator("h2", has_text="待验收、待裁定的预警"))
    assert "新浦镇申请办结" in section.inner_text()
    section.locator("li a").first.click()
    page.wait_for_url(warning_url)
    history = page.locator(".history").inner_text()
    assert "核实属实" in history and "处置措施" in history and "申请办结" in history
    _shot(page, "detail-submitted-desktop")
    page.fill("#accept-note", "现场复查，已开工")
    page.click("form[data-form=accept] button[value=accept]")
    page.wait_for_selector(".message-success")
    assert page.locator(".state-banner").get_attribute("data-status") == "closed"
    assert "验收办结" in page.locator(".history").inner_text()
    _shot(page, "detail-closed-desktop")

    page.goto(f"{live_server.url}/warnings/?status=all")
    row = page.locator(f"tr[data-subject='contract-{supervision_data[XINPU]['contract'].pk}']")
    assert "已办结" in row.inner_text()
    page.goto(f"{live_server.url}/warnings/")
    assert page.locator(".town-chart svg a").count() >= 2  # each segment a link
    _shot(page, "board-desktop")
    page.set_viewport_size(PHONE)
    page.goto(warning_url)
    _fits(page)
    _shot(page, "detail-closed-phone")
