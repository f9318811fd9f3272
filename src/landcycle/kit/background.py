"""Background work on the queue of Django's task API (``django_tasks``; docs/architecture.md says why).

What every kind of background work shares (the export jobs and large imports of ``ledgers``, the warnings
refresh of ``supervision``):

- ``enqueue``: with the database queue (the default) the task's row is written in the caller's transaction, so
  the task and the record it works on are committed together or not at all; with another queue (Redis) the
  task is sent once the transaction commits, so a worker never looks for a record not yet visible.
- ``worker_of``: who runs an attempt (the host and the queue's worker id), for the record the user sees.
- ``retry_at``: when a failed attempt is tried again (``settings.TASK_RETRY_SECONDS``, doubled each time),
  or None to try again at once.

The queue does not retry by itself, and a task may be enqueued twice for one subject (a double click, a second
server): each kind keeps its own record (``ExportJob``, ``ImportBatch``), takes it by compare-and-set before it
runs (exactly one attempt wins) and counts its attempts against ``settings.TASK_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django_tasks import TaskContext
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def _in_database(task: Task) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue(task: Task, *args: Any, when: dt.datetime | None = None, sent: Callable[[str], None] | None = None) -> None:
    """Queue ``task(*args)`` (at ``when`` if given and the queue can defer); ``sent(result_id)`` is called with
    the id the queue gave it."""
    if when is not None and task.get_backend().supports_defer:
        task = task.using(run_after=when)

    def send() -> None:
        result = task.enqueue(*args)
        if sent is not None:
            sent(str(result.id))

    if _in_database(task):
        send()
    else:
        transaction.on_commit(send)


def worker_of(context: TaskContext | None) -> str:
    ids = context.task_result.worker_ids if context is not None else []
    return f"{socket.gethostname()}:{ids[-1] if ids else 'inline'}"[:100]


def max_attempts() -> int:
    return max(1, int(getattr(settings, "TASK_MAX_ATTEMPTS", 3)))


def retry_at(attempt: int) -> dt.datetime | None:
    seconds = float(getattr(settings, "TASK_RETRY_SECONDS", 30))
    if seconds <= 0:
        return None
    return timezone.now() + dt.timedelta(seconds=seconds * 2 ** max(0, attempt - 1))


# ---------------------------------------------------------------- jobs with a stage and a heartbeat
# What the evaluation's and the ranking's compute jobs share (``EvaluationJob``, ``RankingJob``): a row with
# ``status`` (queued / running / done / failed), ``worker``, ``started_at``, ``heartbeat_at``, ``attempts``,
# ``stage``, ``done`` and ``total``. Each app keeps its own messages and what a failed attempt does next.


def job_update(rows: QuerySet, *, best_effort: bool = False, **values: Any) -> int:
    """``UPDATE`` a job's row(s), retried a few times when SQLite reports the table busy; progress is best effort
    (given up at once), a final status is not. Returns the rows changed."""
    for attempt in range(8):
        try:
            return rows.update(**values)
        except OperationalError:
            if best_effort:
                return 0
            time.sleep(0.1 * (attempt + 1))
    return rows.update(**values)


def job_claim(model: type[Model], job_id: int, worker: str) -> bool:
    """Take a queued job by compare-and-set: exactly one attempt wins, the others find it taken."""
    now = timezone.now()
    return bool(
        model._default_manager.filter(pk=job_id, status="queued").update(
            status="running",
            worker=worker[:100],
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            stage="",
            done=0,
            total=0,
        )
    )


def job_lost(model: type[Model], stale_after: dt.timedelta, lost: Callable[[Any], None], now=None) -> int:
    """Running jobs without a heartbeat for ``stale_after`` lost their worker: ``lost(job)`` for each, once (a
    compare-and-set on the heartbeat, so that a page and a worker finding the same job act once). Returns how many."""
    limit = (now or timezone.now()) - stale_after
    rows = model._default_manager
    found = 0
    for job in rows.filter(status="running", heartbeat_at__lt=limit):
        if rows.filter(pk=job.pk, status="running", heartbeat_at=job.heartbeat_at).update(heartbeat_at=timezone.now()):
            found += 1
            lost(job)
    return found


def job_percent(job: Any, spans: dict[str, tuple[int, int]]) -> int:
    """How far a job is, 0–100: ``spans`` gives each stage's share of the whole; the progress inside it counts."""
    if job.status == "done":
        return 100
    low, high = spans.get(job.stage, (0, 0))
    inside = job.done / job.total if job.total else 0.0
    return int(low + (high - low) * min(1.0, inside))
