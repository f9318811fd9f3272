"""Writes of the evaluation: policy versions and runs. Keyword-only, atomic, checked against the actor's
role (``accounts.scope.require_write(actor, Area.EVALUATION)``: county administrators and city analysts)
and audited in the same transaction.

Audit: a run is the audited object — one audit row when it is created, recomputed, published or
superseded, with the policy version and hash, the inputs' fingerprint and counts, and the class counts.
Its 5,000 (or 100,000) result rows are not audited one by one: they are derived, entirely determined by
the policy text and the inputs the run records, and a published run's rows can never change.

Runs and policy versions are per county (issue 18): a run evaluates the enterprises of one county
(``EvaluationRun.county``), and publishing it supersedes only that county's published run of the year, which stays
readable, marked superseded. An actor creates, recomputes and publishes runs of the counties within their region
only (the province's role writes nothing). A policy version an analyst saves belongs to their county; the shipped
default is shared by all.

A published run is immutable: every service here refuses to change it.

``run_create`` and ``run_recompute`` read the inputs and evaluate before their one write transaction (a failure
leaves nothing written) and report their stages to an optional ``progress(stage, done, total)``; the pages and the
API run them as a background job (``evaluation.background``), the command line and the tests call them directly.
``create_check`` and ``recompute_check`` are what they refuse before any work, for the job to refuse at once.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from django.db import models, transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, region_prefix, require_write
from landcycle.audit.services import audit_record
from landcycle.registry.models import Region
from landcycle.rules.evaluation import EvaluationResult as EngineResult
from landcycle.rules.evaluation import PolicyError, evaluate
from landcycle.rules.evaluation.policy.parse import default_policy, policy_of
from landcycle.rules.evaluation.scoring import uses_previous
from landcycle.rules.policy import read_policy
from landcycle.rules.problems import Problem, RuleError

from .. import persist
from ..inputs import Inputs, read_inputs
from ..models import EvaluationRun, PolicyVersion, YearlyFigure
from ..policy import shipped_policy_text
from ..selectors import COUNTY_DIGITS, counties_for


def _region_code(actor: User) -> str:
    return actor.region.code if getattr(actor, "region_id", None) else ""


def _refuse(field: str, rule: str, zh: str, en: str) -> NoReturn:
    raise RuleError([Problem(field, rule, zh, en)])


# ------------------------------------------------------------------ policy versions
def _version_snapshot(v: PolicyVersion) -> dict:
    return {
        "name": v.name,
        "version": v.version,
        "hash": v.hash,
        "based_on": v.based_on_id,
        "note": v.note,
        "county": v.county.code if v.county_id else "",
    }


def actor_county(actor: User, county: Region | None = None) -> Region:
    """The county an actor's run or policy version is for: ``county`` when given (it must be a county within the
    actor's region), else the actor's own county (a county's or a town's user), else the one county within the
    actor's region; several counties and none named: refused, bilingually."""
    prefix = region_prefix(actor)
    if county is not None:
        if county.level != Region.Level.COUNTY or prefix is None or not county.code.startswith(prefix):
            _refuse(
                "county",
                "scope.county",
                f"您只能为本辖区（{actor.region or '—'}）内的县（市、区）进行评价，不能为{county}",
                f"You may only evaluate counties within your own region, not {county.code}",
            )
        return county
    if prefix is not None and len(prefix) >= COUNTY_DIGITS:
        found = Region.objects.filter(code=prefix[:COUNTY_DIGITS], level=Region.Level.COUNTY).first()
        if found is not None:
            return found
    mine = list(counties_for(actor)[:2])
    if len(mine) == 1:
        return mine[0]
    _refuse(
        "county",
        "county.required",
        "您的辖区有多个县（市、区），请指定评价哪个县（市、区）",
        "Your region holds several counties: name the county to evaluate",
    )


def _check_policy(policy: PolicyVersion, county: Region) -> None:
    """A run uses a shared version or one of its own county's."""
    if policy.county_id is not None and policy.county_id != county.pk:
        _refuse(
            "policy",
            "policy.county",
            f"评价办法 {policy.version} 属于{policy.county}，{county}不能使用",
            f"Policy version {policy.version} belongs to {policy.county.code}: {county.code} cannot use it",
        )


@transaction.atomic
def policy_version_shipped(*, actor: User) -> PolicyVersion:
    """The shipped default policy as a PolicyVersion (recorded, audited, the first time it is asked for)."""
    text = shipped_policy_text()
    policy = default_policy()
    found = PolicyVersion.objects.filter(version=policy.version, county__isnull=True).first()
    if found is not None:
        return found
    require_write(actor, Area.EVALUATION)
    return _version_save(
        actor=actor,
        version=PolicyVersion(name=policy.title_zh or policy.name, version=policy.version, toml=text, hash=policy.hash),
    )


def _version_save(*, actor: User, version: PolicyVersion) -> PolicyVersion:
    version.created_by = actor if getattr(actor, "pk", None) else None
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action="evaluation_policy.create",
        obj=version,
        region_code=version.county.code if version.county_id else _region_code(actor),
        after=_version_snapshot(version),
    )
    return version


@transaction.atomic
def policy_version_create(
    *,
    actor: User,
    name: str,
    toml: str,
    based_on: PolicyVersion | None = None,
    note: str = "",
    county: Region | None = None,
) -> PolicyVersion:
    """Save a policy text as a new version of a county (``county``, by default the actor's: see ``actor_county``).
    The text must parse (every mistake is reported) and its ``version`` must be new among the shared versions and
    the county's own."""
    require_write(actor, Area.EVALUATION)
    county = actor_county(actor, county)
    if based_on is not None:
        _check_policy(based_on, county)
    try:
        read_policy("evaluation", toml)  # TOML at all? (the one loader reads and hashes it)
        policy = policy_of(toml)
    except tomllib.TOMLDecodeError as exc:
        _refuse(
            "toml", "policy.toml", f"评价办法文本不是有效的TOML：{exc}", f"The policy text is not valid TOML: {exc}"
        )
    except PolicyError as exc:
        raise RuleError(exc.problems) from None
    if not policy.version.strip():
        _refuse("version", "policy.version", "请填写版本号", "A version is required")
    taken = PolicyVersion.objects.filter(version=policy.version).filter(
        models.Q(county__isnull=True) | models.Q(county=county)
    )
    if taken.exists() or policy.version == default_policy().version:
        _refuse(
            "version",
            "policy.version_exists",
            f"版本“{policy.version}”已存在，请换一个版本号",
            f"Version '{policy.version}' exists already: choose another",
        )
    return _version_save(
        actor=actor,
        version=PolicyVersion(
            name=(name or policy.title_zh or policy.name).strip()[:100],
            version=policy.version,
            toml=toml,
            hash=policy.hash,
            based_on=based_on,
            note=note.strip(),
            county=county,
        ),
    )


# ------------------------------------------------------------------ runs
def _run_snapshot(run: EvaluationRun) -> dict:
    return {
        "county": run.county.code,
        "year": run.year,
        "status": run.status,
        "policy_version": run.policy_version,
        "policy_hash": run.policy_hash,
        "inputs_fingerprint": run.inputs_fingerprint,
        "inputs_counts": run.inputs_counts,
        "summary": run.summary,
        "notes": run.notes,
        "superseded_by": run.superseded_by_id,
    }


def _check_scope(actor: User, run: EvaluationRun) -> None:
    """The run's county must be within the actor's region."""
    prefix = region_prefix(actor)
    if prefix is None or not run.county.code.startswith(prefix):
        _refuse(
            "county",
            "scope.run",
            f"{run}属于{run.county}，不在您的辖区（{actor.region or '—'}）内",
            f"{run} belongs to {run.county.code}, outside your region",
        )


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    """A computation's stages reported nowhere (the command line, the tests)."""


@dataclass(frozen=True)
class _Computed:
    """A year evaluated, not yet written: the engine's result and what the run records of it."""

    result: EngineResult
    towns: dict[int, int]
    fingerprint: str
    counts: dict
    summary: dict
    benchmarks: list[dict]


def _evaluate(run: EvaluationRun, inputs: Inputs, progress: Progress) -> _Computed:
    """Evaluate the run's year with its policy text (nothing is written): the stages ``evaluate`` and ``summary``."""
    frame = inputs.year(run.year)
    policy = policy_of(run.policy_toml)
    previous = None
    fingerprint = inputs.fingerprint(run.year)
    if uses_previous(policy):  # benchmarks from the year before: its figures are inputs of the run too
        before = inputs if run.year - 1 in inputs.years else read_inputs([run.year - 1], county=run.county.code)
        previous = before.year(run.year - 1)
        fingerprint = hashlib.sha256(f"{fingerprint}:{before.fingerprint(run.year - 1)}".encode()).hexdigest()
    progress("evaluate", 0, frame.height)
    result = evaluate(frame, policy, year=run.year, previous=previous)
    progress("summary", 0, 1)
    return _Computed(
        result=result,
        towns=dict(zip(frame["enterprise_id"].to_list(), frame["town_id"].to_list(), strict=False)),
        fingerprint=fingerprint,
        counts=inputs.counts(run.year),
        summary=persist.summary(result),
        benchmarks=persist.benchmark_rows(result),
    )


def _store(run: EvaluationRun, computed: _Computed) -> None:
    """Write the run's results and records (inside the caller's transaction)."""
    persist.write_results(run, computed.result, computed.towns)
    run.inputs_fingerprint = computed.fingerprint
    run.inputs_counts = computed.counts
    run.summary = computed.summary
    run.benchmarks = computed.benchmarks
    run.computed_at = timezone.now()


def _require_draft(run: EvaluationRun, what_zh: str, what_en: str) -> None:
    if run.status != EvaluationRun.Status.DRAFT:
        _refuse(
            "status",
            "run.immutable",
            f"{run}已{run.get_status_display()}，不能{what_zh}（已发布的评价结果不可更改）",
            f"{run} is {run.status}: it cannot be {what_en} (a published evaluation never changes)",
        )


def create_check(
    *, actor: User, year: int, county: Region | None = None, policy: PolicyVersion | None = None
) -> tuple[Region, PolicyVersion]:
    """What ``run_create`` refuses before any work (the role, the county, a year without figures, another county's
    policy version): the county and the policy version (the shipped default, recorded the first time, when none is
    named)."""
    require_write(actor, Area.EVALUATION)
    county = actor_county(actor, county)
    if not YearlyFigure.objects.filter(year=year, enterprise__town__code__startswith=county.code).exists():
        _refuse(
            "year",
            "run.no_figures",
            f"{county}{year}年度没有企业年度数据，请先导入",
            f"{county.code} has no figures for {year}: import them first",
        )
    policy = policy or policy_version_shipped(actor=actor)
    _check_policy(policy, county)
    return county, policy


def run_create(
    *,
    actor: User,
    year: int,
    county: Region | None = None,
    policy: PolicyVersion | None = None,
    notes: str = "",
    inputs: Inputs | None = None,
    progress: Progress | None = None,
    written: Callable[[EvaluationRun], None] | None = None,
) -> EvaluationRun:
    """A draft run of ``county``'s ``year`` (the county defaults to the actor's: ``actor_county``): reads the
    figures of the county's enterprises, evaluates them with ``policy`` (default: the shipped version) and
    writes every enterprise's result. ``inputs`` (read for the same county) spares reading them again.

    It reads and evaluates before its one write transaction, reporting its stages (``read``, ``evaluate``,
    ``summary``, ``write``) to ``progress(stage, done, total)`` when given (the background job shows them,
    ``evaluation.background``): a failure leaves nothing written. ``written(run)`` is called inside that transaction
    (the job records its run there, so a run is never written without its job knowing it)."""
    progress = progress or _no_progress
    county, policy = create_check(actor=actor, year=year, county=county, policy=policy)
    parsed = policy_of(policy.toml)
    run = EvaluationRun(
        county=county,
        year=year,
        policy=policy,
        policy_version=parsed.version,
        policy_hash=parsed.hash,
        policy_toml=policy.toml,
        notes=notes.strip(),
        created_by=actor if actor.pk else None,
    )
    run.full_clean()
    progress("read", 0, 1)
    reusable = inputs is not None and year in inputs.years and inputs.county == county.code
    computed = _evaluate(
        run, inputs if inputs is not None and reusable else read_inputs([year], county=county.code), progress
    )
    progress("write", 0, len(computed.towns))
    with transaction.atomic():
        run.save()
        _store(run, computed)
        run.save()
        audit_record(
            actor=actor, action="evaluation_run.create", obj=run, region_code=county.code, after=_run_snapshot(run)
        )
        if written is not None:
            written(run)
    return run


def recompute_check(*, actor: User, run: EvaluationRun) -> EvaluationRun:
    """What ``run_recompute`` refuses before any work (the role, another county's run, a run no longer a draft): the
    run as it is now."""
    require_write(actor, Area.EVALUATION)
    run = EvaluationRun.objects.select_related("county").get(pk=run.pk)
    _check_scope(actor, run)
    _require_draft(run, "重新计算", "recomputed")
    return run


def run_recompute(
    *,
    actor: User,
    run: EvaluationRun,
    notes: str | None = None,
    progress: Progress | None = None,
    written: Callable[[EvaluationRun], None] | None = None,
) -> EvaluationRun:
    """Evaluate a draft again on the current inputs (figures and land may have changed). Like ``run_create`` it
    reads and evaluates before its one write transaction, which checks again that the run is still a draft (and
    calls ``written(run)``)."""
    progress = progress or _no_progress
    run = recompute_check(actor=actor, run=run)
    progress("read", 0, 1)
    computed = _evaluate(run, read_inputs([run.year], county=run.county.code), progress)
    progress("write", 0, len(computed.towns))
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().select_related("county").get(pk=run.pk)
        _require_draft(run, "重新计算", "recomputed")  # published while it was computed?
        before = _run_snapshot(run)
        if notes is not None:
            run.notes = notes.strip()
        _store(run, computed)
        run.save()
        audit_record(
            actor=actor,
            action="evaluation_run.recompute",
            obj=run,
            region_code=run.county.code,
            before=before,
            after=_run_snapshot(run),
        )
        if written is not None:
            written(run)
    return run


@transaction.atomic
def run_update_notes(*, actor: User, run: EvaluationRun, notes: str) -> EvaluationRun:
    require_write(actor, Area.EVALUATION)
    run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
    _check_scope(actor, run)
    _require_draft(run, "修改", "changed")
    before = _run_snapshot(run)
    run.notes = notes.strip()
    run.full_clean()
    run.save(update_fields=["notes"])
    audit_record(
        actor=actor,
        action="evaluation_run.update",
        obj=run,
        region_code=run.county.code,
        before=before,
        after=_run_snapshot(run),
    )
    return run


@transaction.atomic
def run_publish(*, actor: User, run: EvaluationRun) -> EvaluationRun:
    """Publish a draft: it becomes the official result of its county's year; that county's published run of the
    year (if any) is superseded and stays readable. Other counties' runs are untouched."""
    require_write(actor, Area.EVALUATION)
    run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
    _check_scope(actor, run)
    _require_draft(run, "发布", "published")
    now = timezone.now()
    current = (
        EvaluationRun.objects.select_for_update()
        .filter(county_id=run.county_id, year=run.year, status=EvaluationRun.Status.PUBLISHED)
        .first()
    )
    if current is not None:
        before = _run_snapshot(current)
        current.status = EvaluationRun.Status.SUPERSEDED
        current.superseded_by, current.superseded_at = run, now
        current.save(update_fields=["status", "superseded_by", "superseded_at"])
        audit_record(
            actor=actor,
            action="evaluation_run.supersede",
            obj=current,
            region_code=current.county.code,
            before=before,
            after=_run_snapshot(current),
        )
    before = _run_snapshot(run)
    run.status = EvaluationRun.Status.PUBLISHED
    run.published_by, run.published_at = (actor if actor.pk else None), now
    run.save(update_fields=["status", "published_by", "published_at"])
    audit_record(
        actor=actor,
        action="evaluation_run.publish",
        obj=run,
        region_code=run.county.code,
        before=before,
        after=_run_snapshot(run),
    )
    return run
