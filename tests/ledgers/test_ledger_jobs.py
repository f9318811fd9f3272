"""Export jobs: a big export is recorded and queued as a task of the database queue (django-tasks-db, the default
backend, also in tests: its own worker runs the tasks here — ``run_tasks`` — so the queue's claim, the job's
compare-and-set and the retries are the production ones); a job runs once even if queued twice, a failed attempt
is retried up to the limit, and only the owner downloads the file."""

from __future__ import annotations

import datetime as dt
import io
import signal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from import_books import QIAOTOU, XINPU, read_book

from landcycle.kit.exports import LIST_EXPORTS, list_rows
from landcycle.ledgers import jobs
from landcycle.ledgers.export import ledger_export
from landcycle.ledgers.kinds import KINDS
from landcycle.ledgers.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports")},
        },
    }
    settings.TASK_MAX_ATTEMPTS = 3
    monkeypatch.setattr(jobs, "JOB_THRESHOLD", 1)


def queue(client, name: str, params: dict) -> ExportJob:
    response = client.get(reverse(name), params)
    assert response.status_code == 302 and response["Location"] == reverse("export_job_list")
    return ExportJob.objects.latest("id")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_big_export_is_queued_with_its_filters_and_the_worker_runs_it(client, registry_data, personas, run_tasks):
    admin = personas["admin"]
    client.force_login(admin)
    job = queue(client, "parcel_list", {"export": "xlsx", "town": XINPU, "sort": "-area", "page": "2"})
    assert (job.source, job.kind, job.fmt, job.status, job.user) == ("parcels", "parcels", "xlsx", "queued", admin)
    assert job.filters == {"sort": ["-area"], "town": [XINPU]} and job.rows_total == 2
    page = client.get(reverse("export_job_list"))
    html = page.content.decode()
    assert '<meta http-equiv="refresh"' in html and "排队中" in html and "地块台账" in html
    task = DBTaskResult.objects.get()
    assert job.task_id == str(task.id) and task.status == "READY" and task.args_kwargs["args"] == [job.pk]
    assert run_tasks() == 1
    job.refresh_from_db()
    assert job.status == "done" and (job.rows_done, job.rows_total) == (2, 2) and job.finished_at and job.size > 0
    assert job.worker.endswith(":test-worker") and job.started_at and not job.error and job.attempts == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == "done"
    html = client.get(reverse("export_job_list")).content.decode()
    assert '<meta http-equiv="refresh"' not in html and reverse("export_job_file", args=[job.pk]) in html
    download = client.get(reverse("export_job_file", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    rows = read_book(body(download))[KINDS["parcels"].schema.title_zh]
    direct = read_book(
        ledger_export(
            user=admin,
            kind="parcels",
            fmt="xlsx",
            queryset=list_rows(LIST_EXPORTS["parcels"], admin, {"town": [XINPU], "sort": ["-area"]}),
        )
    )[KINDS["parcels"].schema.title_zh]
    assert rows == direct and len(rows) == 3
    assert [r[0] for r in rows[1:]] == [p.number for p in reversed(registry_data[XINPU]["parcels"])]  # -area


def test_a_csv_job_equals_the_direct_csv_export_byte_for_byte(client, registry_data, personas, monkeypatch, run_tasks):
    admin = personas["admin"]
    client.force_login(admin)
    monkeypatch.setattr(jobs, "JOB_THRESHOLD", 100)
    direct = body(client.get(reverse("enterprise_list"), {"export": "csv", "scale": "above"}))
    monkeypatch.setattr(jobs, "JOB_THRESHOLD", 1)
    job = queue(client, "enterprise_list", {"export": "csv", "scale": "above"})
    run_tasks()
    assert body(client.get(reverse("export_job_file", args=[job.pk]))) == direct
    assert direct.startswith("\ufeff".encode()) and direct.count(b"\n") == 3  # header + one firm per town


def test_two_claimers_one_wins(registry_data, personas):
    job = jobs.job_queue(user=personas["admin"], source="parks", fmt="xlsx", filters={})
    assert jobs.job_claim(job.pk, "worker-a") is True
    assert jobs.job_claim(job.pk, "worker-b") is False
    job.refresh_from_db()
    assert (job.status, job.worker, job.attempts) == ("running", "worker-a", 1)
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and jobs.job_claim(job.pk, "worker-b") is False


def test_a_job_queued_twice_runs_once(registry_data, personas, run_tasks, monkeypatch):
    runs = []
    original = jobs.job_run
    monkeypatch.setattr(jobs, "job_run", lambda pk: runs.append(pk) or original(pk))
    job = jobs.job_queue(user=personas["admin"], source="parks", fmt="xlsx", filters={})
    jobs.job_enqueue(job.pk)  # a second task for the same job (a second server, a retry crossing a late worker)
    assert DBTaskResult.objects.count() == 2
    assert run_tasks() == 2
    assert runs == [job.pk]
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1
    assert sorted(DBTaskResult.objects.values_list("status", "return_value")) == [
        ("SUCCESSFUL", "done"),
        ("SUCCESSFUL", "skipped"),
    ]


def test_a_job_and_its_task_are_committed_together(registry_data, personas):
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.job_queue(user=personas["admin"], source="parks", fmt="xlsx", filters={})
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("the request failed after queueing")
    assert not ExportJob.objects.exists() and not DBTaskResult.objects.exists()


def test_only_the_owner_downloads_the_file(client, registry_data, personas, run_tasks):
    job = jobs.job_queue(user=personas["xinpu"], source="parks", fmt="xlsx", filters={})
    run_tasks()
    for who in ("admin", "qiaotou", "leader"):
        other = Client()
        other.force_login(personas[who])
        assert other.get(reverse("export_job_file", args=[job.pk])).status_code == 404
        assert reverse("export_job_file", args=[job.pk]) not in other.get(reverse("export_job_list")).content.decode()
    client.force_login(personas["xinpu"])
    assert client.get(reverse("export_job_file", args=[job.pk])).status_code == 200
    queued = jobs.job_queue(user=personas["xinpu"], source="parks", fmt="xlsx", filters={})
    assert client.get(reverse("export_job_file", args=[queued.pk])).status_code == 404  # not done yet


def test_a_town_officers_job_keeps_their_scope(client, registry_data, personas, run_tasks):
    officer = personas["xinpu"]
    client.force_login(officer)
    mine = queue(client, "enterprise_list", {"export": "xlsx"})
    asked = queue(client, "enterprise_list", {"export": "xlsx", "town": QIAOTOU})
    assert run_tasks() == 2
    title = KINDS["enterprises"].schema.title_zh
    rows = read_book(body(client.get(reverse("export_job_file", args=[mine.pk]))))[title]
    assert {r[0] for r in rows[1:]} == {registry_data[XINPU]["owner"].uscc, registry_data[XINPU]["tenant"].uscc}
    again = read_book(body(client.get(reverse("export_job_file", args=[asked.pk]))))[title]
    assert again == rows  # another town is not among the officer's filters: the filter is ignored, not widened


def test_a_failing_export_is_retried_up_to_the_limit_then_shows_why(
    client, registry_data, personas, run_tasks, monkeypatch, settings
):
    settings.TASK_RETRY_SECONDS = 0  # each retry is queued ready at once
    calls = []

    def broken(**kwargs):
        calls.append(kwargs["fmt"])
        raise OSError("磁盘已满 / disk full")

    monkeypatch.setattr(jobs, "ledger_export", broken)
    job = jobs.job_queue(user=personas["admin"], source="parks", fmt="xlsx", filters={})
    assert run_tasks() == 3
    assert calls == ["xlsx"] * 3
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 3) and not job.file
    assert "共尝试3次" in job.error and "磁盘已满" in job.error and "after 3 attempt(s)" in job.error
    tasks = DBTaskResult.objects.all()
    assert [t.status for t in tasks] == ["FAILED"] * 3
    assert {t.exception_class_path for t in tasks} == {"landcycle.ledgers.jobs.ExportFailed"}
    assert job.task_id == str(tasks.order_by("-enqueued_at").first().id)  # the record follows its last task
    client.force_login(personas["admin"])
    html = client.get(reverse("export_job_list")).content.decode()
    assert "失败" in html and "磁盘已满" in html and '<meta http-equiv="refresh"' not in html


def test_a_retry_waits_then_succeeds(client, registry_data, personas, run_tasks, monkeypatch, settings):
    settings.TASK_RETRY_SECONDS = 30
    original, calls = jobs.ledger_export, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("网络存储暂不可用 / network storage unavailable")
        return original(**kwargs)

    monkeypatch.setattr(jobs, "ledger_export", flaky)
    job = jobs.job_queue(user=personas["admin"], source="parks", fmt="csv", filters={})
    assert run_tasks() == 1  # the retry is deferred: not ready yet
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("queued", 1) and "第1次导出失败" in job.error
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now() + dt.timedelta(seconds=20)
    client.force_login(personas["admin"])
    html = client.get(reverse("export_job_list")).content.decode()
    assert "第1次尝试失败，等待重试" in html and '<meta http-equiv="refresh"' in html
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    assert run_tasks() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("done", 2, "") and len(calls) == 2


def test_an_export_that_can_never_work_is_not_retried(registry_data, personas, run_tasks):
    job = jobs.job_queue(user=personas["admin"], source="parks", fmt="pdf", filters={})
    assert run_tasks() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 1) and "pdf" in job.error


def test_a_stale_job_is_queued_again_then_failed(registry_data, personas, settings):
    settings.TASK_RETRY_SECONDS = 0
    stale = jobs.job_queue(user=personas["admin"], source="parks", fmt="xlsx", filters={})
    for attempt in (1, 2, 3):
        assert jobs.job_claim(stale.pk, "gone")
        ExportJob.objects.filter(pk=stale.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
        assert jobs.fail_stale() == 1 and jobs.fail_stale() == 0
        stale.refresh_from_db()
        assert stale.attempts == attempt and "中断" in stale.error
        assert stale.status == ("failed" if attempt == 3 else "queued")
    assert DBTaskResult.objects.count() == 3  # the first task and two retries


@pytest.fixture
def signals_kept():
    """``db_worker`` installs its own SIGINT/SIGTERM handlers: give pytest its own back."""
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in kept.items():
        signal.signal(s, handler)


def test_landcycle_jobs_run_once_is_the_queues_worker(registry_data, personas, monkeypatch, signals_kept):
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)  # see the run_tasks fixture
    jobs.job_queue(user=personas["admin"], source="parks", fmt="csv", filters={})
    call_command("jobs", "run", "--once", stdout=io.StringIO())
    assert ExportJob.objects.get().status == "done" and DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_the_downloads_page_is_empty_at_first(client, personas, regions):
    client.force_login(personas["leader"])
    html = client.get(reverse("export_job_list")).content.decode()
    assert "还没有后台导出任务" in html and reverse("park_list") in html
