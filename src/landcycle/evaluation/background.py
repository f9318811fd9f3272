"""An evaluation run's computation — a new draft of a county's year, or the recomputation of a draft — as a task of
the queue (Django's task API, ``kit.background``), as the ranking's compute does it (``ranking.background``).

``job_queue`` checks at once what can be checked at once (the role, the county, figures of the year, the policy
version's county, a draft still a draft), records an ``EvaluationJob`` and queues ``job_task`` in the same
transaction; the page answers at once and shows the job while it waits and runs (its stage and progress), then the
run it computed or why it failed. A second job of the same county and year while one is queued or running is refused
(the job's unique constraint), and the task takes its job by compare-and-set, so a county's year is never computed
twice at once. An attempt that fails with an error of the moment is tried again up to ``settings.TASK_MAX_ATTEMPTS``;
a refusal of the rules (the draft published meanwhile, a role that no longer writes the evaluation) ends the job
failed at once, with the reason. The computation itself is ``services.run_create`` / ``services.run_recompute`` (the
command line and the tests call them directly); they write in one transaction at the end, so a failed attempt leaves
nothing, and the job is marked done with its run inside that transaction.

``counties_queue`` is the recomputation of a province's (or a city's) year: one job per county of the actor's
region, each on its own (one county's failure or live job does not stop the others).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskContext, task

from landcycle.accounts.models import User
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
from landcycle.registry.models import Region
from landcycle.rules.problems import Problem, RuleError

from . import services
from .models import EvaluationJob, EvaluationRun, PolicyVersion, YearlyFigure
from .selectors import counties_for

log = logging.getLogger(__name__)
Status = EvaluationJob.Status
Kind = EvaluationJob.Kind
STALE_AFTER = dt.timedelta(minutes=15)  # a running job without progress for this long has lost its worker
LOST = "计算进程已中断 / the computing process stopped"


class JobFailed(Exception):
    """An attempt of an evaluation job failed (the job's ``error`` says why): the queue records the task as failed."""


def _update(job_id: int, *, best_effort: bool = False, **values) -> int:
    """``UPDATE`` a running job's row (one already done — its run committed — is left as it is)."""
    return job_update(EvaluationJob.objects.filter(pk=job_id, status=Status.RUNNING), best_effort=best_effort, **values)


def job_queue(
    *,
    actor: User,
    year: int | None = None,
    county: Region | None = None,
    policy: PolicyVersion | None = None,
    notes: str = "",
    run: EvaluationRun | None = None,
) -> EvaluationJob:
    """Record the computation of a new draft of ``county``'s ``year`` (``run`` None; the county defaults to the
    actor's) or the recomputation of the draft ``run``, and queue its task. Refuses at once what the service would
    refuse before any work, and a second job of the same county and year while one is queued or running."""
    if run is not None:
        run = services.recompute_check(actor=actor, run=run)
        kind, county, year, policy, notes = Kind.RECOMPUTE, run.county, run.year, run.policy, ""
    else:
        if year is None:
            raise TypeError("job_queue: a year or a run")
        county, policy = services.create_check(actor=actor, year=year, county=county, policy=policy)
        kind = Kind.CREATE
    fail_stale()
    try:
        with transaction.atomic():  # the job and (on the database queue) its task: both or neither
            job = EvaluationJob.objects.create(
                kind=kind, county=county, year=year, policy=policy, notes=notes.strip(), run=run, actor=actor
            )
            job_enqueue(job.pk)
    except IntegrityError:
        raise RuleError(
            [
                Problem(
                    "year",
                    "evaluation.computing",
                    f"{county.name}{year}年度的评价正在计算，请等本次完成后再试",
                    f"the evaluation of {county.code} {year} is being computed already: try again when that is done",
                )
            ]
        ) from None
    return job


def counties_queue(*, actor: User, year: int) -> tuple[list[EvaluationJob], list[tuple[Region, str]]]:
    """Queue one job per county of the actor's region for ``year``: the recomputation of the county's latest draft
    of the year, or — without a draft — a new draft with the policy version of the county's published run of the
    year (else the shipped default). Each county on its own: a county without figures of the year (and no draft) is
    passed over; one refused (a job under way) is left out with the reason. Returns the jobs queued and the counties
    left out."""
    queued: list[EvaluationJob] = []
    skipped: list[tuple[Region, str]] = []
    runs = EvaluationRun.objects.filter(year=year)
    for county in counties_for(actor):
        draft = runs.filter(county=county, status=EvaluationRun.Status.DRAFT).order_by("-pk").first()
        published = runs.filter(county=county, status=EvaluationRun.Status.PUBLISHED).first()
        if (
            draft is None
            and not YearlyFigure.objects.filter(year=year, enterprise__town__code__startswith=county.code).exists()
        ):
            continue  # nothing to evaluate there: not a county of this year
        try:
            if draft is not None:
                queued.append(job_queue(actor=actor, run=draft))
            else:
                policy = published.policy if published is not None else None
                queued.append(job_queue(actor=actor, year=year, county=county, policy=policy))
        except RuleError as exc:
            skipped.append((county, i18n.text(exc.problems[0])))
    return queued, skipped


def job_enqueue(job_id: int, when: dt.datetime | None = None) -> None:
    def sent(result_id: str) -> None:
        EvaluationJob.objects.filter(pk=job_id).update(task_id=result_id)

    enqueue(job_task, job_id, when=when, sent=sent)


@task(takes_context=True)
def job_task(context: TaskContext, job_id: int) -> str:
    """One attempt of an evaluation job: ``skipped`` when the job is not waiting (another attempt has it, or it is
    finished), ``done``; raises ``JobFailed`` when it failed (queued again or failed)."""
    return job_attempt(job_id, worker_of(context))


def _compute(job: EvaluationJob, progress) -> EvaluationRun:
    def written(run: EvaluationRun) -> None:
        """In the run's own transaction: the job is done with its run, or (rolled back) neither — a worker lost after
        the commit leaves a done job, never one queued again to write a second draft."""
        n = sum(int(run.summary.get(k, 0)) for k in ("evaluated", "exempt", "problems"))
        EvaluationJob.objects.filter(pk=job.pk).update(
            status=Status.DONE, run=run, error="", stage="write", done=n, total=n, finished_at=timezone.now()
        )

    if job.kind == Kind.RECOMPUTE:
        if job.run is None:  # the draft is gone
            raise RuleError([Problem("run", "run.gone", "要重新计算的草稿已不存在", "the draft to recompute is gone")])
        return services.run_recompute(actor=job.actor, run=job.run, progress=progress, written=written)
    return services.run_create(
        actor=job.actor,
        year=job.year,
        county=job.county,
        policy=job.policy,
        notes=job.notes,
        progress=progress,
        written=written,
    )


def job_attempt(job_id: int, worker: str) -> str:
    if not job_claim(EvaluationJob, job_id, worker):
        return "skipped"
    job = EvaluationJob.objects.select_related("actor", "actor__region", "county", "policy", "run").get(pk=job_id)

    def progress(stage: str, done: int, total: int) -> None:
        _update(job.pk, best_effort=True, stage=stage, done=done, total=total, heartbeat_at=timezone.now())

    try:
        _compute(job, progress)  # the job is marked done with its run in the run's transaction
    except RuleError as exc:  # refused by the rules (published meanwhile, no figures any more): not tried again
        text = i18n.texts(exc.problems, language=settings.LANGUAGE_CODE)
        _update(job.pk, status=Status.FAILED, error=text[:2000], finished_at=timezone.now())
        raise JobFailed(text) from exc
    except (PermissionDenied, ValidationError) as exc:  # the actor's role changed since the click: not tried again
        _update(job.pk, status=Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise JobFailed(str(exc)) from exc
    except Exception as exc:  # the run's transaction did not commit: nothing written
        log.exception("evaluation job %s failed (attempt %s)", job.pk, job.attempts)
        _attempt_failed(job, f"{type(exc).__name__}: {exc}")
        raise JobFailed(str(exc)) from exc
    return "done"


def _attempt_failed(job: EvaluationJob, reason: str) -> None:
    """Queue the job again while it has attempts left, else fail it with the reason."""
    n = job.attempts
    if n >= max_attempts():
        _update(
            job.pk,
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=f"评价计算失败（共尝试{n}次）/ the evaluation failed after {n} attempt(s): {reason}"[:2000],
        )
        return
    if _update(
        job.pk,
        status=Status.QUEUED,
        error=f"第{n}次计算出错，稍后重试 / attempt {n} failed, trying again: {reason}"[:2000],
    ):
        job_enqueue(job.pk, when=retry_at(n))


def fail_stale(now: dt.datetime | None = None) -> int:
    """Running jobs without progress for ``STALE_AFTER`` lost their worker (nothing of theirs was written: a run is
    written in one transaction at the end): queued again while they have attempts left, else failed. Returns how
    many were found."""
    return job_lost(EvaluationJob, STALE_AFTER, lambda job: _attempt_failed(job, LOST), now)


# the share of the whole each stage takes (reading the figures and land and writing the rows take the time; the
# engine is one vectorised step)
SPANS = {"read": (0, 35), "evaluate": (35, 60), "summary": (60, 65), "write": (65, 100)}


def percent(job: EvaluationJob) -> int:
    """How far the job is, 0–100, from its stage and the progress inside it."""
    return job_percent(job, SPANS)
