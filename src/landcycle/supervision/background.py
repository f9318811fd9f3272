"""The board's warnings refresh (重新计算预警) as a task of the queue (Django's task API, ``kit.background``).

``refresh_queue`` checks what can be checked at once (the right to refresh, the date), records a ``RefreshRun`` and
queues ``refresh_task`` in the same transaction; the board answers at once and shows the run while it waits and
runs, then its result. A second refresh of the same region while one is queued or running is refused (the run's
unique constraint), and the task takes its run by compare-and-set, so a refresh never runs twice at once. An
attempt that fails with an error of the moment is tried again up to ``settings.TASK_MAX_ATTEMPTS``; a refusal of
the rules ends the run failed at once, with the reason. The nightly refresh is ``landcycle warnings refresh``
called by the system's timer (docs/deployment.md).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskContext, task

from landcycle.accounts.scope import Area, require_write
from landcycle.kit import i18n
from landcycle.kit.background import enqueue, max_attempts, retry_at, worker_of
from landcycle.registry.checks import raise_if
from landcycle.rules.dates import date_problems
from landcycle.rules.problems import Problem, RuleError

from .models import RefreshRun
from .refresh import RefreshResult, warnings_refresh

log = logging.getLogger(__name__)
Status = RefreshRun.Status
SHOWN = 10  # skipped contracts kept with a run for the board
STALE_AFTER = dt.timedelta(minutes=30)  # a refresh running this long has lost its worker (100,000 firms: ~21 s)


class RefreshFailed(Exception):
    """An attempt of a refresh failed (the run's ``error`` says why): the queue records the task as failed."""


def scope_of(actor) -> str:
    return getattr(getattr(actor, "region", None), "code", "") or ""


def refresh_queue(*, actor, as_of: dt.date) -> RefreshRun:
    require_write(actor, Area.SUPERVISION)
    raise_if(date_problems("as_of", as_of, "监管基准日", "supervision date"))
    fail_stale()
    try:
        with transaction.atomic():
            run = RefreshRun.objects.create(scope=scope_of(actor), as_of=as_of, actor=actor)
            refresh_enqueue(run.pk)
    except IntegrityError:
        raise RuleError(
            [
                Problem(
                    "as_of",
                    "refresh.running",
                    "预警正在重新计算，请等本次完成后再试",
                    "The warnings are being recomputed already: try again when that is done",
                )
            ]
        ) from None
    return run


def refresh_enqueue(run_id: int, when: dt.datetime | None = None) -> None:
    def sent(result_id: str) -> None:
        RefreshRun.objects.filter(pk=run_id).update(task_id=result_id)

    enqueue(refresh_task, run_id, when=when, sent=sent)


@task(takes_context=True)
def refresh_task(context: TaskContext, run_id: int) -> str:
    """One attempt of a board refresh: ``skipped`` when the run is not waiting, raises ``RefreshFailed`` when it
    failed (queued again or failed)."""
    return refresh_attempt(run_id, worker_of(context))


def refresh_attempt(run_id: int, worker: str) -> str:
    claimed = RefreshRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, worker=worker[:100], started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    run = RefreshRun.objects.select_related("actor", "actor__region").get(pk=run_id)
    try:
        result = warnings_refresh(actor=run.actor, as_of=run.as_of)
    except RuleError as exc:  # refused by the rules: not tried again
        text = i18n.texts(exc.problems, language=settings.LANGUAGE_CODE)
        _finish(run, status=Status.FAILED, error=text[:2000])
        raise RefreshFailed(text) from exc
    except Exception as exc:  # the refresh's transaction was rolled back: nothing written
        log.exception("warnings refresh %s failed (attempt %s)", run.pk, run.attempts)
        reason = f"{type(exc).__name__}: {exc}"
        if run.attempts >= max_attempts():
            _finish(
                run,
                status=Status.FAILED,
                error=f"重新计算失败（共尝试{run.attempts}次）/ the refresh failed after {run.attempts} attempt(s): "
                f"{reason}"[:2000],
            )
        else:
            RefreshRun.objects.filter(pk=run.pk).update(
                status=Status.QUEUED,
                error=f"第{run.attempts}次计算出错，稍后重试 / attempt {run.attempts} failed, trying again: {reason}"[
                    :2000
                ],
            )
            refresh_enqueue(run.pk, when=retry_at(run.attempts))
        raise RefreshFailed(reason) from exc
    _finish(run, status=Status.DONE, error="", summary=_summary(result))
    return "done"


def _finish(run: RefreshRun, **values) -> None:
    RefreshRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **values)


def _summary(result: RefreshResult) -> dict:
    return {
        "contracts": result.contracts,
        "enterprises": result.enterprises,
        "raised": result.raised,
        "changed": result.changed,
        "turned_green": result.turned_green,
        "unchanged": result.unchanged,
        "seconds": round(result.seconds, 1),
        "skipped_count": len(result.skipped),
        "skipped": [
            {
                "number": number,
                "zh": i18n.texts(problems, language="zh-hans"),
                "en": i18n.texts(problems, language="en"),
            }
            for number, problems in result.skipped_problems[:SHOWN]
        ],
    }


def fail_stale(now: dt.datetime | None = None) -> int:
    """Runs still ``running`` after ``STALE_AFTER`` lost their worker (the refresh is one transaction: nothing of
    theirs was written); they end failed, so the region may be refreshed again."""
    limit = (now or timezone.now()) - STALE_AFTER
    return RefreshRun.objects.filter(status=Status.RUNNING, started_at__lt=limit).update(
        status=Status.FAILED,
        finished_at=timezone.now(),
        error="计算进程已中断，未改动任何预警，请重新计算 / the computing process stopped: no warning was changed, "
        "refresh again",
    )


def latest_run(actor) -> RefreshRun | None:
    """The latest refresh of the actor's region, to show on the board."""
    fail_stale()
    return RefreshRun.objects.filter(scope=scope_of(actor)).order_by("-created_at", "-id").first()
