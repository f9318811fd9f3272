"""Export jobs: a big export is queued, claimed by compare-and-set (one claimer wins), run by
``landcycle jobs run`` or a thread of the web process, and downloaded by its owner only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from import_books import QIAOTOU, XINPU, read_book

from landcycle.kit.exports import LIST_EXPORTS, list_rows
from landcycle.ledgers import jobs
from landcycle.ledgers.export import ledger_export
from landcycle.ledgers.kinds import KINDS
from landcycle.ledgers.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch, settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path / "exports"
    monkeypatch.setattr(jobs, "JOB_THRESHOLD", 1)
    monkeypatch.setattr(jobs, "START_THREAD", False)


def queue(client, name: str, params: dict) -> ExportJob:
    response = client.get(reverse(name), params)
    assert response.status_code == 302 and response["Location"] == reverse("export_job_list")
    return ExportJob.objects.latest("id")


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_big_export_is_queued_with_its_filters_and_the_worker_runs_it(client, registry_data, personas):
    admin = personas["admin"]
    client.force_login(admin)
    job = queue(client, "parcel_list", {"export": "xlsx", "town": XINPU, "sort": "-area", "page": "2"})
    assert (job.source, job.kind, job.fmt, job.status, job.user) == ("parcels", "parcels", "xlsx", "queued", admin)
    assert job.filters == {"sort": ["-area"], "town": [XINPU]} and job.rows_total == 2
    page = client.get(reverse("export_job_list"))
    html = page.content.decode()
    assert '<meta http-equiv="refresh"' in html and "排队中" in html and "地块台账" in html
    call_command("jobs", "run", "--once", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == "done" and (job.rows_done, job.rows_total) == (2, 2) and job.finished_at and job.size > 0
    assert job.worker and job.started_at and not job.error
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


def test_a_csv_job_equals_the_direct_csv_export_byte_for_byte(client, registry_data, personas, monkeypatch):
    admin = personas["admin"]
    client.force_login(admin)
    monkeypatch.setattr(jobs, "JOB_THRESHOLD", 100)
    direct = body(client.get(reverse("enterprise_list"), {"export": "csv", "scale": "above"}))
    monkeypatch.setattr(jobs, "JOB_THRESHOLD", 1)
    job = queue(client, "enterprise_list", {"export": "csv", "scale": "above"})
    jobs.run_next("test-worker")
    assert body(client.get(reverse("export_job_file", args=[job.pk]))) == direct
    assert direct.startswith("\ufeff".encode()) and direct.count(b"\n") == 3  # header + one firm per town


def test_two_claimers_one_wins(registry_data, personas):
    job = jobs.job_queue(user=personas["admin"], source="parks", fmt="xlsx", filters={})
    assert jobs.job_claim(job.pk, "worker-a") is True
    assert jobs.job_claim(job.pk, "worker-b") is False
    job.refresh_from_db()
    assert (job.status, job.worker) == ("running", "worker-a")
    assert jobs.run_next("worker-c") is None  # nothing left to claim
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and jobs.job_claim(job.pk, "worker-b") is False


def test_only_the_owner_downloads_the_file(client, registry_data, personas):
    job = jobs.job_queue(user=personas["xinpu"], source="parks", fmt="xlsx", filters={})
    jobs.run_next()
    for who in ("admin", "qiaotou", "leader"):
        other = Client()
        other.force_login(personas[who])
        assert other.get(reverse("export_job_file", args=[job.pk])).status_code == 404
        assert reverse("export_job_file", args=[job.pk]) not in other.get(reverse("export_job_list")).content.decode()
    client.force_login(personas["xinpu"])
    assert client.get(reverse("export_job_file", args=[job.pk])).status_code == 200
    queued = jobs.job_queue(user=personas["xinpu"], source="parks", fmt="xlsx", filters={})
    assert client.get(reverse("export_job_file", args=[queued.pk])).status_code == 404  # not done yet


def test_a_town_officers_job_keeps_their_scope(client, registry_data, personas):
    officer = personas["xinpu"]
    client.force_login(officer)
    mine = queue(client, "enterprise_list", {"export": "xlsx"})
    asked = queue(client, "enterprise_list", {"export": "xlsx", "town": QIAOTOU})
    call_command("jobs", "run", "--once", stdout=io.StringIO())
    title = KINDS["enterprises"].schema.title_zh
    rows = read_book(body(client.get(reverse("export_job_file", args=[mine.pk]))))[title]
    assert {r[0] for r in rows[1:]} == {registry_data[XINPU]["owner"].uscc, registry_data[XINPU]["tenant"].uscc}
    again = read_book(body(client.get(reverse("export_job_file", args=[asked.pk]))))[title]
    assert again == rows  # another town is not among the officer's filters: the filter is ignored, not widened


def test_a_failed_job_says_why_and_a_stale_one_is_failed(registry_data, personas):
    job = jobs.job_queue(user=personas["admin"], source="parks", fmt="pdf", filters={})
    done = jobs.run_next()
    assert done.pk == job.pk and done.status == "failed" and "pdf" in done.error
    stale = jobs.job_queue(user=personas["admin"], source="parks", fmt="xlsx", filters={})
    assert jobs.job_claim(stale.pk, "gone")
    ExportJob.objects.filter(pk=stale.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert jobs.fail_stale() == 1
    stale.refresh_from_db()
    assert stale.status == "failed" and "中断" in stale.error


def test_the_worker_loop_is_bounded(registry_data, personas):
    assert jobs.run_worker(once=False, interval=0.1, max_seconds=0.2) == 0
    jobs.job_queue(user=personas["admin"], source="parks", fmt="csv", filters={})
    out = io.StringIO()
    call_command("jobs", "run", "--once", stdout=out)
    assert "1" in out.getvalue() and ExportJob.objects.get().status == "done"


def test_the_downloads_page_is_empty_at_first(client, personas, regions):
    client.force_login(personas["leader"])
    html = client.get(reverse("export_job_list")).content.decode()
    assert "还没有后台导出任务" in html and reverse("park_list") in html


@pytest.mark.django_db(transaction=True)
def test_the_web_process_runs_a_queued_job_in_a_thread(registry_data, personas, monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(jobs, "START_THREAD", True)
    started = []
    monkeypatch.setattr(jobs, "start_thread", lambda pk: started.append(jobs.__dict__["_thread_main"](pk)))
    with transaction.atomic():
        job = jobs.job_queue(user=personas["admin"], source="parks", fmt="xlsx", filters={})
        assert started == []  # only once the job is committed
    assert len(started) == 1
    job.refresh_from_db()
    assert job.status == "done" and job.worker.endswith("MainThread")


@pytest.mark.django_db(transaction=True)
def test_a_real_thread_claims_and_runs_the_job(registry_data, personas):
    job = jobs.job_queue(user=personas["admin"], source="enterprises", fmt="csv", filters={})
    thread = jobs.start_thread(job.pk)
    thread.join(timeout=30)
    job.refresh_from_db()
    assert job.status == "done" and job.worker.endswith(f"export-job-{job.pk}") and job.rows_done == 4
    assert jobs.job_claim(job.pk, "late-worker") is False
