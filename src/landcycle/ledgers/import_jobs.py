"""Background imports (后台导入): the confirm of a batch of more than ``settings.IMPORT_BACKGROUND_ROWS`` rows.

The pattern of the export jobs (``jobs.py``): the page queues the batch (``import_queue``:
``previewed`` -> ``queued`` by compare-and-set, so a double click queues it once) together with
``import_batch_task``, a task of the queue (Django's task API, ``kit.background``), and answers at once. The
task takes the batch by compare-and-set (``UPDATE … SET status='running' WHERE id=… AND status='queued'``, true
for exactly one attempt), so a batch is never imported twice at once even if its task was queued twice. The
run is ``services.import_confirm`` itself: planned outside any transaction, written in one transaction with its
audit rows and the batch's final status (``imported``, or ``refused`` when the registry changed since the
preview) — so it stays all-or-nothing. An error (nothing written) queues the batch again while it has attempts
left (``settings.TASK_MAX_ATTEMPTS``); a refusal of the rules, or the last attempt, ends it ``failed`` with the
reason.

Progress does not go to the database: on SQLite the import's transaction holds the write lock until it
commits, so a progress row could neither be written by the import (it would be invisible until the end) nor
next to it (it would wait for the lock). Each running batch has a small JSON file
``IMPORT_PROGRESS_DIR/import-<id>.json`` (stage, rows done, rows in all, time), replaced atomically at
every step the importer reports (each 2,000 rows), read by the batch page, removed when the run ends. Its
age is the heartbeat: a running batch whose file has not moved for ``STALE_AFTER`` lost its process (its
transaction was rolled back) and ends ``failed``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskContext, task

from landcycle.kit import i18n
from landcycle.kit.background import enqueue, max_attempts, retry_at, worker_of
from landcycle.rules.problems import RuleError

from .models import ImportBatch
from .services import CONFIRMABLE, already_imported, confirmable, import_confirm, in_background

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)
Status = ImportBatch.Status


def progress_path(batch_id: int) -> Path:
    return Path(settings.IMPORT_PROGRESS_DIR) / f"import-{int(batch_id)}.json"


def progress_write(batch_id: int, stage: str, done: int, total: int) -> None:
    path = progress_path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    tmp.write_text(
        json.dumps({"stage": stage, "done": int(done), "total": int(total), "at": timezone.now().isoformat()}),
        encoding="utf-8",
    )
    tmp.replace(path)


def progress_read(batch_id: int) -> dict | None:
    """``{"stage", "done", "total", "at"}`` of a batch being imported, or None."""
    try:
        return json.loads(progress_path(batch_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def progress_clear(batch_id: int) -> None:
    progress_path(batch_id).unlink(missing_ok=True)


def _update(batch_id: int, **values) -> int:
    """``UPDATE`` the batch row, retried while SQLite reports another writer (the final status must land)."""
    for attempt in range(8):
        try:
            return ImportBatch.objects.filter(pk=batch_id).update(**values)
        except OperationalError:
            time.sleep(0.2 * (attempt + 1))
    return ImportBatch.objects.filter(pk=batch_id).update(**values)


class ImportFailed(Exception):
    """An attempt of a background import failed (the batch's ``error`` says why): the queue records it failed."""


def import_enqueue(batch_id: int, when=None) -> None:
    def sent(result_id: str) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(task_id=result_id)

    enqueue(import_batch_task, batch_id, when=when, sent=sent)


@task(takes_context=True)
def import_batch_task(context: TaskContext, batch_id: int) -> str:
    """The task of a background import: one attempt. ``skipped`` when the batch is not waiting (another attempt
    has it, or it is finished); raises ``ImportFailed`` when the attempt failed (queued again, or failed)."""
    return import_attempt(batch_id, worker_of(context))


def import_attempt(batch_id: int, worker: str) -> str:
    if not import_claim(batch_id, worker):
        return "skipped"
    batch = import_run(batch_id)
    if batch.status in (Status.QUEUED, Status.FAILED):
        raise ImportFailed(batch.error)
    return str(batch.status)


def import_claim(batch_id: int, worker: str) -> bool:
    """Take a queued batch: True for exactly one claimer (compare-and-set on ``status``); counts the attempt."""
    for attempt in range(5):
        try:
            claimed = ImportBatch.objects.filter(pk=batch_id, status=Status.QUEUED).update(
                status=Status.RUNNING, worker=worker[:100], started_at=timezone.now(), attempts=F("attempts") + 1
            )
        except OperationalError:  # SQLite busy: try again; the compare-and-set stays exact
            time.sleep(0.1 * (attempt + 1))
            continue
        return claimed == 1
    return False


def import_run(batch_id: int) -> ImportBatch:
    """Run a batch this process has claimed: the confirm, with progress to the batch's progress file."""
    batch = ImportBatch.objects.select_related("actor", "actor__region").get(pk=batch_id)
    if batch.status != Status.RUNNING:
        raise RuntimeError(f"import batch {batch_id} is {batch.status}, not claimed")

    def progress(stage: str, done: int, total: int) -> None:
        progress_write(batch_id, stage, done, total)

    progress_write(batch_id, "read", 0, batch.rows)
    try:
        import_confirm(actor=batch.actor, batch=batch, progress=progress, claimed=True)
    except RuleError as exc:  # refused before anything was written (file changed, …)
        # written in the background, with no request: in the product's own language (settings.LANGUAGE_CODE)
        text = i18n.texts(exc.problems, language=settings.LANGUAGE_CODE)
        _update(batch_id, status=Status.FAILED, error=text[:2000], finished_at=None)
    except Exception as exc:  # the transaction was rolled back: nothing written; queued again or failed
        log.exception("import batch %s failed (attempt %s)", batch_id, batch.attempts)
        _attempt_failed(batch, f"{type(exc).__name__}: {exc}")
    finally:
        progress_clear(batch_id)
    batch.refresh_from_db()
    return batch


def _attempt_failed(batch: ImportBatch, reason: str) -> None:
    """Nothing was written: queue the batch again while it has attempts left, else fail it with the reason."""
    n = batch.attempts
    if n >= max_attempts():
        _update(
            batch.pk,
            status=Status.FAILED,
            finished_at=None,
            error=f"导入出错，未写入任何数据（共尝试{n}次）/ the import failed after {n} attempt(s), nothing was "
            f"written: {reason}"[:2000],
        )
        return
    _update(
        batch.pk,
        status=Status.QUEUED,
        error=f"第{n}次导入出错，未写入任何数据，稍后重试 / attempt {n} failed, nothing was written, trying again: "
        f"{reason}"[:2000],
    )
    import_enqueue(batch.pk, when=retry_at(n))


def fail_stale(now: dt.datetime | None = None) -> int:
    """Running batches whose progress file has not moved for ``STALE_AFTER`` end as failed (their process
    stopped; its transaction was rolled back, so nothing of them was written)."""
    now = now or timezone.now()
    stale = []
    for pk, started in ImportBatch.objects.filter(status=Status.RUNNING).values_list("pk", "started_at"):
        p = progress_read(pk)
        last = dt.datetime.fromisoformat(p["at"]) if p and p.get("at") else started
        if last is None or now - last > STALE_AFTER:
            stale.append(pk)
    if not stale:
        return 0
    n = ImportBatch.objects.filter(pk__in=stale, status=Status.RUNNING).update(
        status=Status.FAILED,
        error="导入进程已中断，未写入任何数据，请重新确认导入 / the importing process stopped: "
        "nothing was written, confirm the import again",
    )
    for pk in stale:
        progress_clear(pk)
    return n


def import_queue(*, actor, batch: ImportBatch) -> ImportBatch:
    """Queue the confirm of a large previewed batch for the background: the same checks as
    ``services.import_confirm``, then ``previewed`` -> ``queued`` by compare-and-set (a double click queues it once).
    Nothing of the registry is written here; the run is all-or-nothing like a confirm in the page."""
    confirmable(actor, batch)
    with transaction.atomic():  # the move to queued and (on the database queue) its task: both or neither
        queued = ImportBatch.objects.filter(pk=batch.pk, status__in=CONFIRMABLE).update(
            status=ImportBatch.Status.QUEUED, error="", worker="", attempts=0
        )
        if not queued:
            batch.refresh_from_db()
            raise RuleError(
                [already_imported(batch)] if batch.status == ImportBatch.Status.IMPORTED else [in_background()]
            )
        progress_write(batch.pk, "queued", 0, batch.rows)  # before a worker can see the task
        import_enqueue(batch.pk)
    batch.refresh_from_db()
    return batch
