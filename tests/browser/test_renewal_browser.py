"""Renewal in a real browser (Debian chromium driven by Playwright), issue 16: the county reads a project's page at
1366×768 (outline, milestones chart, firms, payoff); the 桥头镇 officer, on a phone (390×844), opens the project and
reports a month's progress with a site photo and a milestone reached. Screenshots in test-artifacts/screenshots/
(renewal-*.png)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "renewal"))
from renewal_data import START, TODAY, make_project  # noqa: E402

from conftest import QIAOTOU  # noqa: E402
from landcycle.renewal.models import ProgressReport  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c0f01f0005000201a5f3c6f60000000049454e44ae426082"
)


def _sign_in(tab, live_server, username: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def _shot(tab, name: str) -> None:
    tab.evaluate("window.scrollTo(0, 0)")
    tab.screenshot(path=str(SHOTS / f"renewal-{name}.png"), full_page=True)


def _fits(tab) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], f"the page is {width} px wide"


@pytest.fixture
def project(registry_data, personas, settings, tmp_path):
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.renewal.services.firms import fate_record
    from landcycle.renewal.services.progress import report_progress
    from landcycle.renewal.services.projects import project_approve, project_start

    settings.UPLOADS_DIR = tmp_path / "uploads"
    d = registry_data[QIAOTOU]
    p = make_project(personas["admin"], d)
    p = project_approve(
        actor=personas["admin"], project=p, approved_on=dt.date(2025, 2, 1), document="慈政发〔2025〕8号"
    )
    p = project_start(actor=personas["qiaotou"], project=p, started_on=START)
    YearlyFigure.objects.create(enterprise=d["owner"], year=2024, tax=150, revenue=6000)
    report_progress(
        actor=personas["qiaotou"],
        project=p,
        period=dt.date(2025, 6, 1),
        percent_done=25,
        demolished_mu="12",
        removed_m2="8000",
        investment_made="1800",
        text="东区企业搬迁完成，开始拆除",
        milestones_done={"relocation": dt.date(2025, 6, 10)},
        today=TODAY,
    )
    fate_record(actor=personas["qiaotou"], project=p, enterprise=d["owner"], fate="stays", decided_on=START)
    return p


def test_project_page_and_a_report_from_the_site(page, live_server, project, tmp_path):
    _sign_in(page, live_server, "p_admin")
    page.goto(f"{live_server.url}/renewal/")
    assert project.number in page.locator("#renewal-projects").inner_text()
    _shot(page, "01-list")
    page.click(f"text={project.number}")
    page.wait_for_url(f"{live_server.url}/renewal/{project.pk}/")
    _fits(page)
    for section in ("#progress", "#outline", "#plan", "#milestones", "#firms", "#reports", "#payoff", "#links"):
        assert page.locator(section).is_visible(), section
    assert page.locator("#milestones svg").count() == 1 and page.locator("#payoff svg").count() == 1
    assert page.locator("#outline svg polygon").count() == 2
    assert "留存提升" in page.locator("#firms").inner_text()
    _shot(page, "02-project-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, "p_qiaotou")
    page.goto(f"{live_server.url}/renewal/{project.pk}/")
    _fits(page)
    _shot(page, "03-project-phone")
    button = page.locator("#report-progress")
    assert button.bounding_box()["height"] >= 30
    button.click()
    page.wait_for_selector("#report-form")
    _fits(page)
    page.fill("#id_period", "2025-08")
    page.fill("#id_percent_done", "40")
    page.fill("#id_demolished_mu", "70")  # more than the 60 mu covered: refused, nothing written
    page.fill("#id_text", "西区厂房拆除，附现场照片")
    photo = tmp_path / "拆除现场.png"
    photo.write_bytes(PNG)
    camera = page.locator("#id_files_camera")
    assert camera.get_attribute("capture") == "environment"
    assert page.locator("label[for=id_files_camera]").bounding_box()["width"] >= 300  # full width on a phone
    camera.set_input_files(str(photo))
    assert "拆除现场.png" in page.locator("#evidence-chosen").inner_text()
    _shot(page, "04-report-phone")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector(".form-problems")
    assert "大于项目改造面积" in page.inner_text("body")
    assert not ProgressReport.objects.filter(period=dt.date(2025, 8, 1)).exists()
    _shot(page, "05-report-refused-phone")
    page.fill("#id_demolished_mu", "30")
    page.fill("#id_m_demolition", "2025-08-20")
    page.set_input_files("#id_files", str(photo))
    page.click("#report-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/renewal/{project.pk}/")
    report = ProgressReport.objects.get(project=project, period=dt.date(2025, 8, 1))
    assert report.percent_done == 40 and report.evidence.count() == 1
    assert "拆除现场.png" in page.locator("#reports").inner_text()
    _shot(page, "06-after-report-phone")
