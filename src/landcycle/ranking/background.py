"""The ranking's compute (计算赛马, the Monte Carlo included) as a task of the queue (Django's task API,
``kit.background``), as the board's warnings refresh does it (``supervision.background``).

``compute_queue`` checks at once what can be checked at once (the role, the county, a quarter already published),
records a ``RankingJob`` and queues ``compute_task`` in the same transaction; the page answers at once and shows the
job while it waits and runs (its stage and progress), then the draft it computed or why it failed. A second compute
of the same county and quarter while one is queued or running is refused (the job's unique constraint), and the task
takes its job by compare-and-set, so a quarter is never computed twice at once. An attempt that fails with an error
of the moment is tried again up to ``settings.TASK_MAX_ATTEMPTS``; a refusal of the rules (or of a role that no longer
computes the ranking) ends the job failed at once, with the reason. The computation itself is
``services.run_compute`` (the command line and the tests call it directly); it writes its draft in one transaction at
the end, so a failed attempt leaves nothing.

A correction of a published run (``correct_queue``) is a job of the same kind and queue: its checks at once (the
reason, a run published and not corrected yet), then ``services.run_correct`` in the task, its draft in the job's
``run``; it shares the one-job-per-county-and-quarter rule with the computes (a correction and a compute of the same
quarter never run together), and its audit entry (``ranking_run.correct``) is the actor's, as before.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskContext, task

from landcycle.kit import i18n
from landcycle.kit.background import (
    enqueue,
    job_claim,
    job_lost,
    job_percent,
    job_update,
    max_attempts,
    retry_at,
    worker_of,
)
from landcycle.kit.indicators import Quarter
from landcycle.registry.models import Region
from landcycle.rules.problems import Problem, RuleError

from .models import RankingJob, RankingRun
from .services import runs as services

log = logging.getLogger(__name__)
Status = RankingJob.Status
STALE_AFTER = dt.timedelta(minutes=15)  # a running job without progress for this long has lost its worker
LOST = "计算进程已中断 / the computing process stopped"


class ComputeFailed(Exception):
    """An attempt of a compute job failed (the job's ``error`` says why): the queue records the task as failed."""


def _update(job_id: int, *, best_effort: bool = False, **values) -> None:
    job_update(RankingJob.objects.filter(pk=job_id), best_effort=best_effort, **values)


def _busy(county: Region, quarter: Quarter) -> RuleError:
    return RuleError(
        [
            Problem(
                "quarter",
                "ranking.computing",
                f"{county.name}{quarter.label}的赛马正在计算，请等本次完成后再试",
                f"the ranking of {county.code} {quarter.label} is being computed already: try again when that is done",
            )
        ]
    )


def _queue(**fields) -> RankingJob:
    """Record a job and queue its task (both or neither); a second job of the same county and quarter while one is
    queued or running is refused (``one_ranking_compute_at_a_time``)."""
    fail_stale()
    try:
        with transaction.atomic():  # the job and (on the database queue) its task: both or neither
            job = RankingJob.objects.create(**fields)
            compute_enqueue(job.pk)
    except IntegrityError:
        raise _busy(fields["county"], Quarter(fields["year"], fields["quarter"])) from None
    return job


def compute_queue(*, actor, quarter: Quarter, county: Region | None = None) -> RankingJob:
    """Record a compute of a county's quarter (the actor's county unless ``county`` names one inside the actor's
    region) and queue its task. Refuses at once what ``run_compute`` would refuse before any work, and a second
    compute of the same county and quarter while one is queued or running."""
    county = services.compute_check(actor=actor, quarter=quarter, county=county)
    return _queue(county=county, year=quarter.year, quarter=quarter.quarter, actor=actor)


def correct_queue(*, actor, run: RankingRun, reason: str) -> RankingJob:
    """Record the correction of a published run with its reason and queue its task. Refuses at once what
    ``run_correct`` would refuse before any work, and a correction while a job of the run's county and quarter is
    queued or running."""
    run = services.correct_check(actor=actor, run=run, reason=reason)
    return _queue(
        county=run.county,
        year=run.year,
        quarter=run.quarter,
        actor=actor,
        corrects=run,
        reason=reason.strip(),
    )


def compute_enqueue(job_id: int, when: dt.datetime | None = None) -> None:
    def sent(result_id: str) -> None:
        RankingJob.objects.filter(pk=job_id).update(task_id=result_id)

    enqueue(compute_task, job_id, when=when, sent=sent)


@task(takes_context=True)
def compute_task(context: TaskContext, job_id: int) -> str:
    """One attempt of a compute job: ``skipped`` when the job is not waiting (another attempt has it, or it is
    finished), ``done``; raises ``ComputeFailed`` when it failed (queued again or failed)."""
    return compute_attempt(job_id, worker_of(context))


def compute_attempt(job_id: int, worker: str) -> str:
    if not job_claim(RankingJob, job_id, worker):
        return "skipped"
    job = RankingJob.objects.select_related("actor", "actor__region", "county", "corrects").get(pk=job_id)

    def progress(stage: str, done: int, total: int) -> None:
        _update(job.pk, best_effort=True, stage=stage, done=done, total=total, heartbeat_at=timezone.now())

    try:
        if job.corrects is not None:
            run = services.run_correct(actor=job.actor, run=job.corrects, reason=job.reason, progress=progress)
        else:
            run = services.run_compute(actor=job.actor, quarter=job.period, county=job.county, progress=progress)
    except RuleError as exc:  # refused by the rules (published meanwhile, corrected meanwhile, too few towns)
        text = i18n.texts(exc.problems, language=settings.LANGUAGE_CODE)
        _update(job.pk, status=Status.FAILED, error=text[:2000], finished_at=timezone.now())
        raise ComputeFailed(text) from exc
    except PermissionDenied as exc:  # the actor's role changed since the click: not tried again
        _update(job.pk, status=Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise ComputeFailed(str(exc)) from exc
    except Exception as exc:  # the draft's transaction did not commit: nothing written
        log.exception("ranking compute job %s failed (attempt %s)", job.pk, job.attempts)
        _attempt_failed(job, f"{type(exc).__name__}: {exc}")
        raise ComputeFailed(str(exc)) from exc
    _update(job.pk, status=Status.DONE, run=run, error="", stage="save", done=1, total=1, finished_at=timezone.now())
    return "done"


def _attempt_failed(job: RankingJob, reason: str) -> None:
    """Queue the job again while it has attempts left, else fail it with the reason."""
    n = job.attempts
    if n >= max_attempts():
        _update(
            job.pk,
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=f"赛马计算失败（共尝试{n}次）/ the ranking compute failed after {n} attempt(s): {reason}"[:2000],
        )
        return
    _update(
        job.pk,
        status=Status.QUEUED,
        error=f"第{n}次计算出错，稍后重试 / attempt {n} failed, trying again: {reason}"[:2000],
    )
    compute_enqueue(job.pk, when=retry_at(n))


def fail_stale(now: dt.datetime | None = None) -> int:
    """Running jobs without progress for ``STALE_AFTER`` lost their worker (nothing of theirs was written: the draft
    is written in one transaction at the end): queued again while they have attempts left, else failed. Returns how
    many were found."""
    return job_lost(RankingJob, STALE_AFTER, lambda job: _attempt_failed(job, LOST), now)


# the share of the whole each stage takes (the Monte Carlo is one vectorised step; the gains are searched town by town)
SPANS = {"gather": (0, 30), "monte_carlo": (30, 55), "gains": (55, 95), "save": (95, 100)}


def percent(job: RankingJob) -> int:
    """How far the job is, 0–100, from its stage and the progress inside it."""
    return job_percent(job, SPANS)
