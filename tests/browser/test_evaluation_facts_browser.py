"""Evaluation facts in a real browser: the analyst records a veto on the enterprise's evaluation page, a
new run is published, and the result shows the veto with its date and source. Screenshots at 1366 and
390 px wide go to test-artifacts/screenshots/evf-*.png."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)

from conftest import XINPU  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tab, name: str) -> None:
    for width, height in ((1366, 768), (390, 844)):
        tab.set_viewport_size({"width": width, "height": height})
        tab.screenshot(path=str(SHOTS / f"evf-{name}-{width}.png"), full_page=True)
    tab.set_viewport_size({"width": 1366, "height": 768})


def test_a_veto_entered_on_the_enterprise_page_shows_on_its_result(page, live_server, personas, evaluation_data):
    from landcycle.evaluation import services
    from landcycle.evaluation.models import EvaluationFact, EvaluationResult

    run = evaluation_data[XINPU]["run"]
    best = EvaluationResult.objects.filter(run=run, group="above").order_by("rank").first().enterprise
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "p_analyst")
    page.fill("#id_password", "p_analyst-pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/evaluation/enterprises/{best.pk}/")
    assert page.locator("#fact-form").count() == 1
    _shots(page, "01-enterprise-form")
    page.fill("#id_year", "2025")
    page.select_option("#id_kind", "veto_illegal_land")
    page.fill("#id_occurred_on", "2025-08-15")
    page.fill("#id_source", "慈自然资罚〔2025〕37号")
    page.fill("#id_note", "未批先建厂房约1.2亩")
    page.click("#fact-form button[type=submit]")
    page.wait_for_selector("#facts table")
    assert EvaluationFact.objects.get().source == "慈自然资罚〔2025〕37号"
    analyst = personas["analyst"]
    services.run_publish(actor=analyst, run=services.run_create(actor=analyst, year=2025))
    page.goto(f"{live_server.url}/evaluation/enterprises/{best.pk}/")
    veto = page.locator("#veto-reason").inner_text()
    assert "违法用地" in veto and "2025-08-15" in veto and "慈自然资罚〔2025〕37号" in veto
    _shots(page, "02-result-vetoed")
