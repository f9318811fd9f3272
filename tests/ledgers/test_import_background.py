"""A large import never locks out everyone else (issue 10, item 5): on SQLite reads go on while a write
transaction is open (WAL), a write that finds the database locked gets a plain 503 in the product's layout
instead of a 500, and a confirm over ``IMPORT_BACKGROUND_ROWS`` rows is queued, run by the job runner with
its progress on the batch page, and stays all-or-nothing."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from import_books import QIAOTOU, XINPU, uscc, write_xlsx

from landcycle.audit.models import AuditEntry
from landcycle.ledgers import import_jobs
from landcycle.ledgers.importers import base as importer_base
from landcycle.ledgers.models import ImportBatch
from landcycle.ledgers.services import import_preview
from landcycle.registry import services as registry_services
from landcycle.registry.models import Enterprise

HEADER = ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "所属镇街"]
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking (PostgreSQL has MVCC)")


# ---------------------------------------------------------------------------------------------- WAL
def _file_connection(path, alias: str, timeout: float):
    """A connection configured exactly like the product's (settings' OPTIONS), on a file database."""
    settings_dict = {**connection.settings_dict, "NAME": str(path), "TEST": {}}
    settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "timeout": timeout}
    conn = connections["default"].__class__(settings_dict, alias=alias)
    conn.ensure_connection()
    return conn


@sqlite_only
def test_reads_go_on_while_another_connection_writes_a_large_transaction(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        _read_during_write(tmp_path / "wal.sqlite3")


def _read_during_write(path):
    writer = _file_connection(path, "wal_writer", timeout=5)
    reader = _file_connection(path, "wal_reader", timeout=1)  # a reader that would have to wait fails fast
    try:
        with writer.cursor() as c:
            c.execute("CREATE TABLE firm (id INTEGER PRIMARY KEY, name TEXT)")
            c.execute("INSERT INTO firm (name) VALUES ('慈溪市新浦镇电器有限公司')")
        with writer.cursor() as c:
            assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert c.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        # a large import: the write transaction outgrows the page cache, as 200,000 rows do
        raw = writer.connection
        raw.execute("PRAGMA cache_size=10")
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany("INSERT INTO firm (name) VALUES (?)", [("x" * 500,) for _ in range(3000)])
        try:
            with reader.cursor() as c:  # the home page's read, during the import
                assert c.execute("SELECT count(*) FROM firm").fetchone()[0] == 1  # what was committed
        finally:
            raw.execute("ROLLBACK")
    finally:
        writer.close()
        reader.close()


# ---------------------------------------------------------------------------------------------- 503
@pytest.mark.django_db
@pytest.mark.parametrize(
    "language,text",
    [
        ("zh-hans", "系统正在写入其他数据（如大批量导入），请稍后再试"),
        ("en", "Another write (such as a large import) is in progress"),
    ],
)
def test_a_write_that_finds_the_database_locked_gets_a_plain_503(
    client, registry_data, personas, monkeypatch, settings, language, text
):
    from landcycle.registry.forms import enterprise_initial
    from landcycle.registry.views import edit as views_edit

    owner = registry_data[XINPU]["owner"]
    client.force_login(personas["xinpu"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("enterprise_edit", args=[owner.pk])
    assert client.get(url).status_code == 200
    calls = []

    def locked(**kwargs):  # what sqlite3 raises once the busy timeout has passed with another writer in
        calls.append(kwargs)
        raise OperationalError("database is locked")

    monkeypatch.setattr(views_edit.services, "enterprise_update", locked)
    data = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in enterprise_initial(owner).items()
        if v not in (None, False)
    }
    response = client.post(url, {**data, "name": "改名", "version": owner.version})
    assert calls and response.status_code == 503 and response["Retry-After"] == str(settings.BUSY_RETRY_AFTER)
    html = response.content.decode()
    assert text in html and 'class="sidebar"' in html  # in the product's layout
    assert Enterprise.objects.get(pk=owner.pk).name == owner.name
    assert client.get(reverse("overview")).status_code == 200


def test_other_database_errors_are_not_disguised():
    from landcycle.web import middleware

    assert not middleware.is_busy(OperationalError("no such table: registry_enterprise"))
    assert middleware.is_busy(OperationalError("database is locked"))
    assert middleware.is_busy(OperationalError("database table is locked"))


# ---------------------------------------------------------------------------------------------- background
@pytest.fixture
def background(settings, tmp_path, monkeypatch):
    settings.UPLOADS_DIR = tmp_path / "uploads"
    settings.IMPORT_PROGRESS_DIR = tmp_path / "progress"
    settings.IMPORT_BACKGROUND_ROWS = 3
    settings.TASK_MAX_ATTEMPTS = 3
    settings.TASK_RETRY_SECONDS = 0  # a retry is ready at once


def _big_file(registry_data) -> bytes:
    """Four new firms of 新浦镇, then (late in the file) a change to an existing one."""
    owner = registry_data[XINPU]["owner"]
    rows = [[uscc(100 + i), f"慈溪市新浦镇第{i}号公司", "3311", "规下", "2019-11-13", "新浦镇"] for i in range(4)]
    rows.append([owner.uscc, "改名后的公司", owner.industry_code, "规上", owner.registered_on, "新浦镇"])
    return write_xlsx({"企业": [HEADER, *rows]})


def _preview(client, registry_data, officer) -> ImportBatch:
    batch = import_preview(
        actor=officer, kind="enterprises", uploaded_file_bytes=_big_file(registry_data), filename="企业名录.xlsx"
    )
    assert batch.status == "previewed" and batch.rows == 5, batch.problems
    return batch


@pytest.mark.django_db
def test_a_large_confirm_is_queued_run_by_the_job_runner_and_shows_progress(
    client, registry_data, personas, background, monkeypatch, run_tasks
):
    officer = personas["xinpu"]
    client.force_login(officer)
    batch = _preview(client, registry_data, officer)
    firms, audit = Enterprise.objects.count(), AuditEntry.objects.count()
    response = client.post(reverse("import_batch_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "queued" and (Enterprise.objects.count(), AuditEntry.objects.count()) == (firms, audit)
    page = client.get(reverse("import_batch_detail", args=[batch.pk])).content.decode()
    assert '<meta http-equiv="refresh"' in page and "排队等待后台导入（共 5 行）" in page and "已转入后台导入" in page
    assert client.post(reverse("import_batch_confirm", args=[batch.pk])).status_code == 302  # a double click
    assert ImportBatch.objects.get(pk=batch.pk).status == "queued"
    task = DBTaskResult.objects.get()  # the double click queued nothing more
    assert ImportBatch.objects.get(pk=batch.pk).task_id == str(task.id) and task.args_kwargs["args"] == [batch.pk]

    seen = []
    original = import_jobs.progress_write
    monkeypatch.setattr(importer_base, "CHUNK", 2)

    def watch(batch_id, stage, done, total):  # the batch page as the user sees it while the rows are written
        original(batch_id, stage, done, total)
        if stage == "write":
            seen.append(client.get(reverse("import_batch_detail", args=[batch_id])).content.decode())

    monkeypatch.setattr(import_jobs, "progress_write", watch)
    assert run_tasks() == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == "imported"
    assert any("正在导入 2 / 5 行" in html for html in seen) and any("正在导入 4 / 5 行" in html for html in seen)
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.worker and batch.started_at and batch.finished_at
    assert batch.attempts == 1
    assert Enterprise.objects.count() == firms + 4 and AuditEntry.objects.count() == audit + 5
    assert not import_jobs.progress_path(batch.pk).exists()
    page = client.get(reverse("import_batch_detail", args=[batch.pk])).content.decode()
    assert '<meta http-equiv="refresh"' not in page and "已导入" in page


def _fail_on_call(monkeypatch, *failing: int) -> dict:
    """The database refuses the audit rows of the given calls (with CHUNK 1, call 5 is the file's last row)."""
    monkeypatch.setattr(importer_base, "CHUNK", 1)
    calls = {"n": 0}
    original = importer_base.audit_record_many

    def refuse(**kwargs):
        calls["n"] += 1
        if calls["n"] in failing:
            raise OperationalError("disk I/O error")
        return original(**kwargs)

    monkeypatch.setattr(importer_base, "audit_record_many", refuse)
    return calls


@pytest.mark.django_db
def test_a_failure_late_in_a_background_import_leaves_nothing_written(
    client, registry_data, personas, background, monkeypatch, run_tasks, settings
):
    settings.TASK_MAX_ATTEMPTS = 1  # no retry: the batch fails at once
    officer = personas["xinpu"]
    client.force_login(officer)
    batch = _preview(client, registry_data, officer)
    firms, audit = Enterprise.objects.count(), AuditEntry.objects.count()
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    original = importer_base.audit_record_many
    calls = _fail_on_call(monkeypatch, 5)  # after four rows were written
    assert run_tasks() == 1
    batch.refresh_from_db()
    assert calls["n"] == 5 and batch.status == "failed" and "disk I/O error" in batch.error
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == (firms, audit)
    assert Enterprise.objects.get(pk=registry_data[XINPU]["owner"].pk).name != "改名后的公司"
    assert DBTaskResult.objects.get().exception_class_path == "landcycle.ledgers.import_jobs.ImportFailed"
    page = client.get(reverse("import_batch_detail", args=[batch.pk])).content.decode()
    assert "后台导入未完成，未写入任何数据" in page and "确认导入" in page  # it may be confirmed again
    monkeypatch.setattr(importer_base, "audit_record_many", original)
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    assert run_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "imported" and Enterprise.objects.count() == firms + 4 and batch.attempts == 1


@pytest.mark.django_db
def test_a_failed_background_import_is_retried_up_to_the_limit(
    client, registry_data, personas, background, monkeypatch, run_tasks, settings
):
    officer = personas["xinpu"]
    client.force_login(officer)
    batch = _preview(client, registry_data, officer)
    firms = Enterprise.objects.count()
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    calls = _fail_on_call(monkeypatch, 5)  # the first attempt fails on its last row; the second goes through
    settings.TASK_RETRY_SECONDS = 30
    assert run_tasks() == 1  # the retry waits
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("queued", 1) and Enterprise.objects.count() == firms
    page = client.get(reverse("import_batch_detail", args=[batch.pk])).content.decode()
    assert "第1次尝试失败，等待重试" in page and "disk I/O error" in page and '<meta http-equiv="refresh"' in page
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    assert run_tasks() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, calls["n"]) == ("imported", 2, 10) and Enterprise.objects.count() == firms + 4
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED", "SUCCESSFUL"]


@pytest.mark.django_db
def test_a_background_import_failing_every_time_ends_failed_after_the_limit(
    client, registry_data, personas, background, monkeypatch, run_tasks
):
    officer = personas["xinpu"]
    client.force_login(officer)
    batch = _preview(client, registry_data, officer)
    firms = Enterprise.objects.count()
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    calls = _fail_on_call(monkeypatch, *range(1, 100))  # every attempt fails on its first row
    assert run_tasks() == 3
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, calls["n"]) == ("failed", 3, 3) and Enterprise.objects.count() == firms
    assert "共尝试3次" in batch.error and "disk I/O error" in batch.error
    page = client.get(reverse("import_batch_detail", args=[batch.pk])).content.decode()
    assert "后台导入未完成，未写入任何数据" in page and "disk I/O error" in page


@pytest.mark.django_db
def test_a_batch_queued_twice_is_imported_once(client, registry_data, personas, background, run_tasks, monkeypatch):
    officer = personas["xinpu"]
    client.force_login(officer)
    batch = _preview(client, registry_data, officer)
    firms = Enterprise.objects.count()
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    import_jobs.import_enqueue(batch.pk)  # a second task for the same batch
    runs = []
    original = import_jobs.import_run
    monkeypatch.setattr(import_jobs, "import_run", lambda pk: runs.append(pk) or original(pk))
    assert run_tasks() == 2 and runs == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.attempts == 1 and Enterprise.objects.count() == firms + 4
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == ["imported", "skipped"]


@pytest.mark.django_db
def test_a_row_that_went_bad_since_the_preview_refuses_the_whole_background_import(
    client, registry_data, personas, background, run_tasks
):
    officer = personas["xinpu"]
    client.force_login(officer)
    batch = _preview(client, registry_data, officer)
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    # before the worker runs, the county moves the firm of the file's last row to another town
    owner = registry_data[XINPU]["owner"]
    registry_services.enterprise_update(actor=personas["admin"], enterprise=owner, town=registry_data[QIAOTOU]["town"])
    firms, audit = Enterprise.objects.count(), AuditEntry.objects.count()
    assert run_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "refused" and batch.problem_count >= 1
    assert {p["row"] for p in batch.problems} == {6}  # the last row, as Excel numbers it
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == (firms, audit)


@pytest.mark.django_db
def test_a_small_confirm_still_runs_at_once(client, registry_data, personas, background, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5
    officer = personas["xinpu"]
    client.force_login(officer)
    batch = _preview(client, registry_data, officer)
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "imported"


@pytest.mark.django_db
def test_a_running_import_whose_process_died_ends_failed(registry_data, personas, background):
    import datetime as dt

    officer = personas["xinpu"]
    batch = _preview(None, registry_data, officer)
    ImportBatch.objects.filter(pk=batch.pk).update(status="running", started_at=timezone.now())
    import_jobs.progress_write(batch.pk, "write", 2, 5)
    assert import_jobs.fail_stale() == 0
    assert import_jobs.fail_stale(timezone.now() + import_jobs.STALE_AFTER + dt.timedelta(seconds=1)) == 1
    batch.refresh_from_db()
    assert batch.status == "failed" and "未写入任何数据" in batch.error


def test_claiming_is_exact(db, registry_data, personas, background):
    batch = _preview(None, registry_data, personas["xinpu"])
    ImportBatch.objects.filter(pk=batch.pk).update(status="queued")
    results = [import_jobs.import_claim(batch.pk, "a"), import_jobs.import_claim(batch.pk, "b")]
    assert results == [True, False]
