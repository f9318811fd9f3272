"""Printing in a real browser: the 新浦镇 officer opens the round, clicks 对账单 打印 / PDF, types the document
number, previews it, downloads the PDF (a Chinese file name, %PDF) and prints the page with chromium's own print
(A4, one page, the form above the sheet left out); the same print page at phone width. Screenshots in
test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: F401  (the chromium fixture)

from conftest import XINPU
from print_support import needs_pdf, pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(tab, live_server, username: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


@needs_pdf
def test_a_town_officer_prints_the_reconciliation_sheet(page, live_server, rectification_data, tmp_path):  # noqa: F811
    rnd = rectification_data[XINPU]["round"]
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/rectification/rounds/{rnd.pk}/")
    page.click("#print-round")
    page.wait_for_selector("#document")
    page.fill("#id_number", "新浦〔2026〕7号")
    page.click("text=更新预览")
    page.wait_for_url("**number=*")
    assert page.locator("#doc-number").inner_text() == "新浦〔2026〕7号"
    assert page.input_value("#id_date")  # the date the sheet carries, not a blank field
    assert "新浦镇人民政府（盖章）" in page.locator("#signatures").inner_text()
    assert page.locator("#round-items tbody tr").count() == 1
    page.screenshot(path=str(SHOTS / "print-round-sheet.png"), full_page=False)

    with page.expect_download() as info:
        page.click("text=下载 PDF")
    download = info.value
    assert download.suggested_filename == f"对账单_{rnd.label_zh}_新浦镇.pdf"
    download.save_as(tmp_path / "sheet.pdf")
    data = (tmp_path / "sheet.pdf").read_bytes()
    assert data.startswith(b"%PDF") and pdf_pages(data) == 1

    # chromium's own print of the page: A4, one page, without the form above the sheet
    page.emulate_media(media="print")
    assert not page.locator("#print-form").is_visible()
    printed = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf_pages(printed) == 1

    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "print-round-sheet-phone.png"), full_page=False)
