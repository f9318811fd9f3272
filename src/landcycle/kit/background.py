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
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
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
