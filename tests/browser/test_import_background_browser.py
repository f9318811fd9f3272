"""A large import in a real browser (Debian chromium through Playwright): the confirm goes to the background,
the batch page refreshes itself with "正在导入 N / M 行" until it is done; a write that finds the database
busy gets the plain 503 page in the layout. Screenshots at 1366 and 390 px wide go to
test-artifacts/screenshots/import-bg-*.png."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: F401  (the chromium fixture)
from test_browser import _sign_in
from test_ledger_browser import _upload, firms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tab, name: str) -> None:
    tab.set_viewport_size({"width": 1366, "height": 768})
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.wait_for_timeout(400)  # the menu slides away (.18 s) when the window narrows: shoot the page, not the slide
    tab.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=False)
    tab.set_viewport_size({"width": 1366, "height": 768})


def test_a_large_confirm_runs_in_the_background_with_progress(
    page,
    live_server,
    personas,
    registry_data,  # noqa: F811
    settings,
    tmp_path,
    monkeypatch,
    run_tasks,
):
    from landcycle.ledgers import import_jobs
    from landcycle.ledgers.models import ImportBatch
    from landcycle.registry.models import Enterprise

    settings.UPLOADS_DIR, settings.IMPORT_PROGRESS_DIR = tmp_path / "uploads", tmp_path / "progress"
    settings.IMPORT_BACKGROUND_ROWS = 3
    _sign_in(page, live_server, "p_xinpu")
    _upload(page, live_server, firms(registry_data, broken=False), "2025年新浦镇企业名录.xlsx")
    before = Enterprise.objects.count()
    page.click("form.verdict button[type=submit]")
    page.wait_for_selector("meta[http-equiv=refresh]", state="attached")
    assert "排队等待后台导入" in page.locator(".verdict").inner_text()
    batch = ImportBatch.objects.latest("id")
    assert batch.status == "queued" and Enterprise.objects.count() == before

    ImportBatch.objects.filter(pk=batch.pk).update(status="running", worker="demo")
    import_jobs.progress_write(batch.pk, "write", 12_000, 31_250)  # as a 31,250-row import reports it
    page.reload()
    assert "正在导入 12,000 / 31,250 行" in page.locator(".verdict").inner_text()
    _shots(page, "import-bg-01-progress")

    ImportBatch.objects.filter(pk=batch.pk).update(status="queued")
    assert run_tasks() == 1  # the database queue's worker, run by hand
    page.wait_for_selector(".verdict-ok", timeout=20_000)  # the page refreshes itself until done
    assert Enterprise.objects.count() == before + 4
    assert page.locator("meta[http-equiv=refresh]").count() == 0


def test_a_busy_database_answers_with_the_503_page(
    page,
    live_server,
    personas,
    registry_data,  # noqa: F811
    monkeypatch,
):
    from django.db import OperationalError

    from conftest import XINPU
    from landcycle.registry.views import edit as views_edit

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views_edit.services, "enterprise_update", locked)
    _sign_in(page, live_server, "p_xinpu")
    owner = registry_data[XINPU]["owner"]
    page.goto(f"{live_server.url}/enterprises/{owner.pk}/edit/")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("form button[type=submit].btn-primary")
    assert answer.value.status == 503
    assert "系统正在写入其他数据（如大批量导入），请稍后再试" in page.content()
    _shots(page, "import-bg-02-busy")
