"""Admission in a real browser (Debian chromium driven by Playwright): the 新浦镇 officer submits a registered
application, the county administrator records the three departments' opinions and admits it, the officer signs
the contract; the application page at 1366 px and at 390 px (a phone). Screenshots in
test-artifacts/screenshots/ (admission-*.png)."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = {  # passes the shipped default rules in 新浦镇's industrial park (as tests/admission/admission_data.py)
    "project": "年产50万台智能家电项目",
    "applicant_name": "慈溪市新浦智能家电有限公司",
    "industry_code": "3851",
    "land_mu": "20",
    "total_investment": "5000",
    "fixed_investment": "4000",
    "revenue": "6000",
    "tax": "200",
    "value_added": "3000",
    "energy_tce": "1000",
    "rd_expense": "180",
    "plot_ratio": "1.5",
    "building_density": "40",
    "green_share": "15",
    "office_share": "5",
    "planned_delivery": "2026-05-01",
    "planned_start": "2026-08-01",
    "planned_completion": "2027-12-31",
    "planned_production": "2028-12-31",
}
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def _shots(tab, name: str) -> None:
    for label, (width, height) in WIDTHS.items():
        tab.set_viewport_size({"width": width, "height": height})
        tab.reload()  # laid out at this width from the start (the phone menu slides in on a resize)
        tab.screenshot(path=str(SHOTS / f"admission-{name}-{label}.png"), full_page=True)
        if label == "phone":  # nothing wider than the phone's screen but the tables, which scroll in their card
            wide = tab.evaluate("document.documentElement.scrollWidth")
            assert wide <= width + 1, f"{name}: the page is {wide} px wide at {width} px"
    tab.set_viewport_size({"width": 1366, "height": 768})


def test_submit_review_admit_sign(page, live_server, registry_data, personas):
    from landcycle.admission.models import Application
    from landcycle.admission.services.applications import application_register

    xinpu = registry_data["330282112"]
    a = application_register(actor=personas["xinpu"], number="ZR-B-001", park=xinpu["park"], **GOOD)
    url = f"{live_server.url}/admission/{a.pk}/"

    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/admission/")
    assert "年产50万台智能家电项目" in page.locator("main").inner_text()
    page.click("text=ZR-B-001")
    page.click("button[data-action=submit]")
    page.wait_for_url(url)
    text = page.locator("main").inner_text()
    assert "符合本园区全部准入规则" in text and "亩均税收" in text and "隆府办发" in text
    assert page.locator("form[data-form=decide]").count() == 0  # the town does not decide
    _shots(page, "submitted-officer")

    page.click("button:has-text('退出登录')")
    _sign_in(page, live_server, "p_admin")
    page.goto(url)
    for dep in ("land", "economy", "environment"):
        form = page.locator("form[data-form=opinion]")
        form.locator("select[name=department]").select_option(dep)
        form.locator("input[name=opinion][value=agree]").check()
        form.locator("button").click()
        page.wait_for_url(url)
    form = page.locator("form[data-form=decide]")
    form.locator("input[name=outcome][value=admitted]").check()
    form.locator("textarea[name=reason]").fill("符合园区准入规则，联审各部门同意")
    form.locator("button").click()
    page.wait_for_url(url)
    assert "准予入园" in page.locator("h1").inner_text()
    _shots(page, "admitted-admin")

    form = page.locator("form[data-form=sign]")
    form.locator("input[name=signed_on]").fill("2026-04-01")
    form.locator("button").click()
    page.wait_for_url(f"{live_server.url}/contracts/**")
    assert "ZR-B-001" in page.locator("main").inner_text()  # the contract page links back
    _shots(page, "contract")
    assert Application.objects.get(pk=a.pk).contract is not None
