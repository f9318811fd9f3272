"""Export jobs (导出任务): exports too big to build while the user waits.

A list's export of more than ``JOB_THRESHOLD`` rows is queued as an ``ExportJob`` holding the list, the
format and the filters. Whoever claims it first runs it: ``landcycle jobs run`` (a worker process) or a
thread the web process starts once the job is committed, so that a single-process installation needs no
worker. Claiming is a compare-and-set — ``UPDATE … SET status='running' WHERE id=… AND status='queued'``
changes one row for exactly one claimer — so a job never runs twice. The rows are chosen again when the job
runs, from the stored filters and within its owner's scope as it is then; the file lands under
``EXPORTS_DIR/jobs/`` and only its owner downloads it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.http import Http404
from django.utils import timezone

from landcycle.kit.exports import get_export, list_rows

from . import import_jobs
from .export import ledger_export
from .models import ExportJob
from .workers import claim_and_run, start_worker_thread, worker_name

log = logging.getLogger(__name__)

JOB_THRESHOLD = 20_000  # an export of more rows than this runs as a job (tests lower it)
START_THREAD = True  # start a thread of the web process for each job queued (once committed)
STALE_AFTER = dt.timedelta(minutes=15)  # a running job without progress for this long has lost its process
Status = ExportJob.Status


def _update(job_id: int, *, best_effort: bool = False, **values) -> None:
    """``UPDATE`` a job's row, retried a few times when SQLite reports the table busy (another process or
    thread is reading it); progress is best effort, the final status is not."""
    for attempt in range(8):
        try:
            ExportJob.objects.filter(pk=job_id).update(**values)
            return
        except OperationalError:
            if best_effort:
                return
            time.sleep(0.1 * (attempt + 1))
    ExportJob.objects.filter(pk=job_id).update(**values)


def job_queue(*, user, source: str, fmt: str, filters: dict, total: int = 0, summary: str = "") -> ExportJob:
    """Queue an export of a list; a thread of this process starts on it once the transaction commits."""
    src = get_export(source)
    job = ExportJob.objects.create(
        source=src.name, kind=src.kind, fmt=fmt, filters=filters, user=user, rows_total=total, summary=summary[:300]
    )
    if START_THREAD:
        transaction.on_commit(lambda: start_thread(job.pk))
    return job


def job_claim(job_id: int, worker: str) -> bool:
    """Take a queued job: True for exactly one claimer (compare-and-set on ``status``)."""
    for attempt in range(5):
        now = timezone.now()
        try:
            claimed = ExportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
                status=Status.RUNNING, worker=worker[:100], started_at=now, heartbeat_at=now
            )
        except OperationalError:  # SQLite busy: try again; the compare-and-set stays exact
            time.sleep(0.1 * (attempt + 1))
            continue
        return claimed == 1
    return False


def job_path(job: ExportJob) -> Path:
    return Path(settings.EXPORTS_DIR) / job.file


def job_run(job_id: int) -> ExportJob:
    """Run a job this process has claimed: build the file, then mark it done (or failed, with the error)."""
    job = ExportJob.objects.select_related("user", "user__region").get(pk=job_id)
    if job.status != Status.RUNNING:
        raise RuntimeError(f"export job {job_id} is {job.status}, not claimed")
    src = get_export(job.source)

    counted = {"done": 0}

    def progress(stage, done, total):
        counted["done"] = done
        _update(job.pk, best_effort=True, rows_done=done, rows_total=total, heartbeat_at=timezone.now())

    try:
        rows = list_rows(src, job.user, job.filters)
        data = ledger_export(user=job.user, kind=src.kind, queryset=rows, fmt=job.fmt, progress=progress)
        relative = f"jobs/{job.user_id}/{job.pk}-{uuid.uuid4().hex[:12]}.{job.fmt}"
        path = Path(settings.EXPORTS_DIR) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        part.write_bytes(data)
        part.replace(path)
    except Exception as exc:  # the job records why; the worker goes on with the next one
        log.exception("export job %s failed", job.pk)
        _update(job.pk, status=Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000])
    else:
        _update(
            job.pk,
            status=Status.DONE,
            finished_at=timezone.now(),
            file=relative,
            size=len(data),
            rows_done=counted["done"],
            rows_total=counted["done"],
            heartbeat_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def run_next(worker: str | None = None):
    """Claim and run the oldest queued export job, else the oldest queued import (``import_jobs``: a large
    confirm); returns the ``ExportJob`` or ``ImportBatch`` run, None when there is none left to claim."""
    worker = worker or worker_name()
    for pk in ExportJob.objects.filter(status=Status.QUEUED).order_by("created_at", "pk").values_list("pk", flat=True):
        if job_claim(pk, worker):
            return job_run(pk)
    return import_jobs.run_next(worker)


def fail_stale(now: dt.datetime | None = None) -> int:
    """Running jobs whose process stopped (no progress for ``STALE_AFTER``) end as failed."""
    limit = (now or timezone.now()) - STALE_AFTER
    return ExportJob.objects.filter(status=Status.RUNNING, heartbeat_at__lt=limit).update(
        status=Status.FAILED,
        finished_at=timezone.now(),
        error="导出进程已中断，请重新导出 / the exporting process stopped: export again",
    )


def run_worker(*, once: bool = False, interval: float = 3.0, max_seconds: float | None = None, out=None) -> int:
    """The loop of ``landcycle jobs run``: run queued jobs (exports, then large imports), sleep ``interval`` seconds when there are none.
    ``once``: stop when the queue is empty; ``max_seconds``: stop after that long. Returns the jobs run."""
    started, ran = time.monotonic(), 0
    interval = min(max(interval, 0.1), 60.0)
    fail_stale()
    import_jobs.fail_stale()
    while True:
        if not connection.in_atomic_block:  # a long-lived worker drops connections the database closed
            close_old_connections()
        job = run_next()
        if job is not None:
            ran += 1
            if out is not None:
                out(job)
            continue
        if once or (max_seconds is not None and time.monotonic() - started >= max_seconds):
            return ran
        time.sleep(interval)


def start_thread(job_id: int) -> threading.Thread:
    return start_worker_thread("export job", job_id, job_claim, job_run)


def _thread_main(job_id: int) -> None:
    """What the thread of ``start_thread`` runs (tests call it in the test's own thread)."""
    claim_and_run("export job", job_id, job_claim, job_run)


def access_job(user, pk) -> ExportJob:
    """A job of this user, or 404 (a job belongs to its user)."""
    try:
        return ExportJob.objects.get(pk=pk, user_id=user.pk)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
