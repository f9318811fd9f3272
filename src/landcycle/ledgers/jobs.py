"""Export jobs (导出任务): exports too big to build while the user waits, run as tasks of the queue.

A list's export of more than ``JOB_THRESHOLD`` rows is recorded as an ``ExportJob`` holding the list, the
format and the filters — what the downloads page shows, with its progress — and ``export_job_task`` is queued
for it (Django's task API, ``kit.background``; the database queue by default, its worker started by
``landcycle serve``). The task takes the job by compare-and-set — ``UPDATE … SET status='running' WHERE id=…
AND status='queued'`` changes one row for exactly one attempt — so a job never runs twice at once, even when
its task was queued twice. An attempt that fails puts the job back in the queue, up to
``settings.TASK_MAX_ATTEMPTS`` attempts in all, then the job shows as failed with the reason. The rows are
chosen again when the job runs, from the stored filters and within its owner's scope as it is then; the file
goes to the ``exports`` storage and only its owner downloads it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django_tasks import TaskContext, task

from landcycle.kit.background import enqueue, max_attempts, retry_at, worker_of
from landcycle.kit.exports import get_export, list_rows
from landcycle.kit.replica import replica_reads
from landcycle.kit.storage import exports_storage
from landcycle.rules.problems import RuleError

from .export import ledger_export
from .models import ExportJob

log = logging.getLogger(__name__)

# an export of more rows than this runs as a job (LANDCYCLE_EXPORT_JOB_ROWS, default 20,000; tests lower it)
JOB_THRESHOLD = settings.EXPORT_JOB_ROWS
STALE_AFTER = dt.timedelta(minutes=15)  # a running job without progress for this long has lost its process
Status = ExportJob.Status
# A request the export can never satisfy (a refusal of the rules, an unknown format or list) is not tried again;
# an error of the moment (the disk, a busy or lost database) is.
NOT_RETRIED = (RuleError, ValueError, TypeError, LookupError)


class ExportFailed(Exception):
    """An attempt of an export job failed (the job's ``error`` says why): the queue records the task as failed."""


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
    """Record an export of a list and queue its task."""
    src = get_export(source)
    with transaction.atomic():  # the job and (on the database queue) its task: both or neither
        job = ExportJob.objects.create(
            source=src.name, kind=src.kind, fmt=fmt, filters=filters, user=user, rows_total=total, summary=summary[:300]
        )
        job_enqueue(job.pk)
    return job


def job_enqueue(job_id: int, when: dt.datetime | None = None) -> None:
    def sent(result_id: str) -> None:
        ExportJob.objects.filter(pk=job_id).update(task_id=result_id)

    enqueue(export_job_task, job_id, when=when, sent=sent)


@task(takes_context=True)
def export_job_task(context: TaskContext, job_id: int) -> str:
    """The task of an export job: one attempt. ``skipped`` when the job is not waiting (another attempt has it,
    or it is finished); raises ``ExportFailed`` when the attempt failed (the job is queued again or failed)."""
    return job_attempt(job_id, worker_of(context))


def job_attempt(job_id: int, worker: str) -> str:
    if not job_claim(job_id, worker):
        return "skipped"
    job = job_run(job_id)
    if job.status != Status.DONE:
        raise ExportFailed(job.error)
    return "done"


def job_claim(job_id: int, worker: str) -> bool:
    """Take a queued job: True for exactly one claimer (compare-and-set on ``status``); counts the attempt."""
    for attempt in range(5):
        now = timezone.now()
        try:
            claimed = ExportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
                status=Status.RUNNING, worker=worker[:100], started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
            )
        except OperationalError:  # SQLite busy: try again; the compare-and-set stays exact
            time.sleep(0.1 * (attempt + 1))
            continue
        return claimed == 1
    return False


def job_run(job_id: int) -> ExportJob:
    """Run a job this process has claimed: build the file, then mark it done — or, when it fails, queue it again
    (up to ``settings.TASK_MAX_ATTEMPTS`` attempts) or mark it failed with the reason."""
    job = ExportJob.objects.select_related("user", "user__region").get(pk=job_id)
    if job.status != Status.RUNNING:
        raise RuntimeError(f"export job {job_id} is {job.status}, not claimed")
    src = get_export(job.source)

    counted = {"done": 0}

    def progress(stage, done, total):
        counted["done"] = done
        _update(job.pk, best_effort=True, rows_done=done, rows_total=total, heartbeat_at=timezone.now())

    try:
        # the rows from the read replica when there is one (kit.replica): an export may be a moment old; the job's
        # own progress, written meanwhile, is read by nothing inside
        with replica_reads(sticky=False):
            rows = list_rows(src, job.user, job.filters)
            data = ledger_export(user=job.user, kind=src.kind, queryset=rows, fmt=job.fmt, progress=progress)
        name = exports_storage().save(
            f"jobs/{job.user_id}/{job.pk}-{uuid.uuid4().hex[:12]}.{job.fmt}", ContentFile(data)
        )
    except Exception as exc:  # the job records why; the worker goes on with the next one
        log.exception("export job %s failed (attempt %s)", job.pk, job.attempts)
        _attempt_failed(job, f"{type(exc).__name__}: {exc}", final=isinstance(exc, NOT_RETRIED))
    else:
        _update(
            job.pk,
            status=Status.DONE,
            finished_at=timezone.now(),
            file=name,
            size=len(data),
            rows_done=counted["done"],
            rows_total=counted["done"],
            heartbeat_at=timezone.now(),
            error="",
        )
    job.refresh_from_db()
    return job


def _attempt_failed(job: ExportJob, reason: str, *, final: bool = False) -> None:
    """Queue the job again while it has attempts left (a refusal of the rules is final), else fail it."""
    n = job.attempts
    if final or n >= max_attempts():
        _update(
            job.pk,
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=f"导出失败（共尝试{n}次）/ the export failed after {n} attempt(s): {reason}"[:2000],
        )
        return
    _update(
        job.pk,
        status=Status.QUEUED,
        error=f"第{n}次导出失败，稍后重试 / attempt {n} failed, trying again: {reason}"[:2000],
    )
    job_enqueue(job.pk, when=retry_at(n))


def fail_stale(now: dt.datetime | None = None) -> int:
    """Running jobs whose process stopped (no progress for ``STALE_AFTER``) are queued again while they have
    attempts left, else end as failed. Returns how many were found."""
    limit = (now or timezone.now()) - STALE_AFTER
    found = 0
    for job in ExportJob.objects.filter(status=Status.RUNNING, heartbeat_at__lt=limit):
        # the compare-and-set on the heartbeat: a page and a worker finding the same job act once
        if ExportJob.objects.filter(pk=job.pk, status=Status.RUNNING, heartbeat_at=job.heartbeat_at).update(
            heartbeat_at=timezone.now()
        ):
            found += 1
            _attempt_failed(job, "导出进程已中断 / the exporting process stopped")
    return found


def job_file(job: ExportJob):
    """The finished file of a job (an open ``File`` of the ``exports`` storage), or None."""
    if job.status != Status.DONE or not job.file:
        return None
    storage = exports_storage()
    if not storage.exists(job.file):
        return None
    return storage.open(job.file, "rb")


def access_job(user, pk) -> ExportJob:
    """A job of this user, or 404 (a job belongs to its user)."""
    try:
        return ExportJob.objects.get(pk=pk, user_id=user.pk)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
