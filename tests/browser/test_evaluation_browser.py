"""The evaluation in a real browser (Debian chromium through Playwright): the analyst opens the runs, a
run, the what-if page, changes the class shares, sees how many firms change class and which ones before
anything is saved, then saves the policy as a new version with a draft run. Screenshots (1366×768) go
to test-artifacts/screenshots/ev-*.png."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: E402,F401  (the chromium fixture)
from playwright.sync_api import expect

from conftest import QIAOTOU, XINPU  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(tab, name: str) -> None:
    tab.screenshot(path=str(SHOTS / f"ev-{name}.png"), full_page=False)


def _sign_in(tab, live_server, username: str) -> None:
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def test_whatif_shows_the_changes_before_saving_then_saves_a_version(
    page, live_server, personas, evaluation_data, run_tasks
):
    from landcycle.evaluation.models import EvaluationRun, PolicyVersion

    run = evaluation_data[XINPU]["run"]
    _sign_in(page, live_server, "p_analyst")
    page.click("nav.nav >> text=亩均评价")
    expect(page.locator("h1")).to_have_text("亩均效益综合评价")
    assert "已发布" in page.locator("table.data").first.inner_text()
    _shot(page, "01-runs")

    page.click(f"a[href='/evaluation/runs/{run.pk}/']")
    page.wait_for_selector(".ev-hist svg path[aria-label]", state="attached")
    assert page.locator(".ev-hist svg path[aria-label]").count() >= 2  # the histogram is drawn on the server
    _shot(page, "02-run-detail")

    page.click(".page-actions >> text=测算")
    assert page.locator("#changed-count").inner_text().startswith("0")  # the shipped policy changes nothing
    page.fill("input[name='share.B']", "55")  # A + B 75 %: the second of two firms is B (no A below 3 firms)
    page.fill("input[name='share.C']", "20")
    page.click("#whatif-form button[type=submit]")
    page.wait_for_selector("#changed-count")
    assert page.locator("#changed-count").inner_text().startswith("2")
    matrix = page.locator("#transition-matrix")
    assert "B 鼓励提升类" in matrix.inner_text() and matrix.locator("td.moved").first.inner_text() == "2"
    changed = page.locator("#changed-firms tbody tr")
    assert changed.count() == 2
    seconds = {r.enterprise.name for r in run.results.filter(rank=2).select_related("enterprise")}
    assert {changed.nth(i).locator("a").inner_text() for i in range(2)} == seconds
    assert page.locator("input.changed").count() == 2  # the edited fields stand out
    assert not PolicyVersion.objects.filter(version="2026.2").exists()  # nothing saved by looking
    _shot(page, "03-whatif")

    page.fill("#id_version", "2026.2")
    page.fill("#id_name", "A类占比40%测算")
    page.click("#save-version button[type=submit]")
    page.wait_for_url("**/evaluation/jobs/*/")  # the run is computed in the background; its page follows it
    assert run_tasks() == 1  # the database queue's worker, run by hand
    page.click("text=查看评价批次", timeout=20_000)  # the page refreshes itself until the run is there
    page.wait_for_url("**/evaluation/runs/*/")
    draft = EvaluationRun.objects.get(status="draft")
    assert draft.policy.version == "2026.2" and "草稿" in page.locator("h1").inner_text()
    assert "A 优先发展类" in page.locator(".kpis").inner_text()
    _shot(page, "04-draft-run")

    page.goto(f"{live_server.url}/evaluation/runs/{run.pk}/results/")
    assert page.locator("table.data tbody tr").count() == 4
    _shot(page, "05-results")
    owner = evaluation_data[XINPU]["owner"]
    page.click(f"text={owner.name}")
    page.wait_for_url(f"**/evaluation/enterprises/{owner.pk}/**")
    expect(page.locator("#indicators tbody tr")).to_have_count(6)
    _shot(page, "06-breakdown")


def test_a_town_officer_reads_only_their_town(page, live_server, personas, evaluation_data):
    run = evaluation_data[XINPU]["run"]
    _sign_in(page, live_server, "p_xinpu")
    page.goto(f"{live_server.url}/evaluation/runs/{run.pk}/results/")
    body = page.locator("table.data").inner_text()
    assert evaluation_data[XINPU]["owner"].name in body and evaluation_data[QIAOTOU]["owner"].name not in body
    _shot(page, "07-results-town-officer")
    resp = page.goto(f"{live_server.url}/evaluation/enterprises/{evaluation_data[QIAOTOU]['owner'].pk}/")
    assert resp.status == 404
    page.goto(f"{live_server.url}/evaluation/runs/{run.pk}/")
    assert page.locator("a[href^='/evaluation/whatif/']").count() == 0  # reads, does not act
    assert page.locator("button[name=action]").count() == 0
