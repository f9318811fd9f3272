"""Writes of the evaluation: policy versions and runs. Keyword-only, atomic, checked against the actor's
role (``accounts.scope.require_write(actor, Area.EVALUATION)``: county administrators and city analysts)
and audited in the same transaction.

Audit: a run is the audited object — one audit row when it is created, recomputed, published or
superseded, with the policy version and hash, the inputs' fingerprint and counts, and the class counts.
Its 5,000 (or 100,000) result rows are not audited one by one: they are derived, entirely determined by
the policy text and the inputs the run records, and a published run's rows can never change.

A published run is immutable: every service here refuses to change it. Publishing a run of a year
supersedes the year's published run, which stays readable, marked superseded.
"""

from __future__ import annotations

import hashlib
import tomllib
from typing import NoReturn

from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, region_prefix, require_write
from landcycle.audit.services import audit_record
from landcycle.rules.evaluation import PolicyError, evaluate
from landcycle.rules.evaluation.policy.parse import default_policy, policy_of
from landcycle.rules.evaluation.scoring import uses_previous
from landcycle.rules.policy import read_policy
from landcycle.rules.problems import Problem, RuleError

from .. import persist
from ..inputs import Inputs, read_inputs
from ..models import EvaluationRun, PolicyVersion, YearlyFigure
from ..policy import shipped_policy_text


def _region_code(actor: User) -> str:
    return actor.region.code if getattr(actor, "region_id", None) else ""


def _refuse(field: str, rule: str, zh: str, en: str) -> NoReturn:
    raise RuleError([Problem(field, rule, zh, en)])


# ------------------------------------------------------------------ policy versions
def _version_snapshot(v: PolicyVersion) -> dict:
    return {"name": v.name, "version": v.version, "hash": v.hash, "based_on": v.based_on_id, "note": v.note}


@transaction.atomic
def policy_version_shipped(*, actor: User) -> PolicyVersion:
    """The shipped default policy as a PolicyVersion (recorded, audited, the first time it is asked for)."""
    text = shipped_policy_text()
    policy = default_policy()
    found = PolicyVersion.objects.filter(version=policy.version).first()
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
        region_code=_region_code(actor),
        after=_version_snapshot(version),
    )
    return version


@transaction.atomic
def policy_version_create(
    *, actor: User, name: str, toml: str, based_on: PolicyVersion | None = None, note: str = ""
) -> PolicyVersion:
    """Save a policy text as a new version. The text must parse (every mistake is reported) and its
    ``version`` must be new."""
    require_write(actor, Area.EVALUATION)
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
    if PolicyVersion.objects.filter(version=policy.version).exists():
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
        ),
    )


# ------------------------------------------------------------------ runs
def _run_snapshot(run: EvaluationRun) -> dict:
    return {
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


def _check_scope(actor: User, year: int) -> None:
    """A run covers every enterprise with figures of the year: the actor's region must hold them all."""
    prefix = region_prefix(actor)
    if prefix and YearlyFigure.objects.filter(year=year).exclude(enterprise__town__code__startswith=prefix).exists():
        _refuse(
            "year",
            "scope.run",
            f"{year}年度有辖区（{actor.region}）以外的企业数据，评价须由上级统一进行",
            f"The figures of {year} include enterprises outside your region ({prefix}): the run belongs to "
            "the level above",
        )


def _compute(run: EvaluationRun, inputs: Inputs) -> None:
    """Evaluate the run's year with its policy text and write its results and records."""
    frame = inputs.year(run.year)
    policy = policy_of(run.policy_toml)
    previous = None
    fingerprint = inputs.fingerprint(run.year)
    if uses_previous(policy):  # benchmarks from the year before: its figures are inputs of the run too
        before = inputs if run.year - 1 in inputs.years else read_inputs([run.year - 1])
        previous = before.year(run.year - 1)
        fingerprint = hashlib.sha256(f"{fingerprint}:{before.fingerprint(run.year - 1)}".encode()).hexdigest()
    result = evaluate(frame, policy, year=run.year, previous=previous)
    towns = dict(zip(frame["enterprise_id"].to_list(), frame["town_id"].to_list(), strict=False))
    persist.write_results(run, result, towns)
    run.inputs_fingerprint = fingerprint
    run.inputs_counts = inputs.counts(run.year)
    run.summary = persist.summary(result)
    run.benchmarks = persist.benchmark_rows(result)
    run.computed_at = timezone.now()


def _require_draft(run: EvaluationRun, what_zh: str, what_en: str) -> None:
    if run.status != EvaluationRun.Status.DRAFT:
        _refuse(
            "status",
            "run.immutable",
            f"{run}已{run.get_status_display()}，不能{what_zh}（已发布的评价结果不可更改）",
            f"{run} is {run.status}: it cannot be {what_en} (a published evaluation never changes)",
        )


@transaction.atomic
def run_create(
    *, actor: User, year: int, policy: PolicyVersion | None = None, notes: str = "", inputs: Inputs | None = None
) -> EvaluationRun:
    """A draft run of ``year``: reads the inputs, evaluates them with ``policy`` (default: the shipped
    version) and writes every enterprise's result."""
    require_write(actor, Area.EVALUATION)
    _check_scope(actor, year)
    if not YearlyFigure.objects.filter(year=year).exists():
        _refuse(
            "year",
            "run.no_figures",
            f"{year}年度没有企业年度数据，请先导入",
            f"There are no figures for {year}: import them first",
        )
    policy = policy or policy_version_shipped(actor=actor)
    parsed = policy_of(policy.toml)
    run = EvaluationRun(
        year=year,
        policy=policy,
        policy_version=parsed.version,
        policy_hash=parsed.hash,
        policy_toml=policy.toml,
        notes=notes.strip(),
        created_by=actor if actor.pk else None,
    )
    run.full_clean()
    run.save()
    _compute(run, inputs if inputs is not None and year in inputs.years else read_inputs([year]))
    run.save()
    audit_record(
        actor=actor, action="evaluation_run.create", obj=run, region_code=_region_code(actor), after=_run_snapshot(run)
    )
    return run


@transaction.atomic
def run_recompute(*, actor: User, run: EvaluationRun, notes: str | None = None) -> EvaluationRun:
    """Evaluate a draft again on the current inputs (figures and land may have changed)."""
    require_write(actor, Area.EVALUATION)
    run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
    _require_draft(run, "重新计算", "recomputed")
    _check_scope(actor, run.year)
    before = _run_snapshot(run)
    if notes is not None:
        run.notes = notes.strip()
    _compute(run, read_inputs([run.year]))
    run.save()
    audit_record(
        actor=actor,
        action="evaluation_run.recompute",
        obj=run,
        region_code=_region_code(actor),
        before=before,
        after=_run_snapshot(run),
    )
    return run


@transaction.atomic
def run_update_notes(*, actor: User, run: EvaluationRun, notes: str) -> EvaluationRun:
    require_write(actor, Area.EVALUATION)
    run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
    _require_draft(run, "修改", "changed")
    before = _run_snapshot(run)
    run.notes = notes.strip()
    run.full_clean()
    run.save(update_fields=["notes"])
    audit_record(
        actor=actor,
        action="evaluation_run.update",
        obj=run,
        region_code=_region_code(actor),
        before=before,
        after=_run_snapshot(run),
    )
    return run


@transaction.atomic
def run_publish(*, actor: User, run: EvaluationRun) -> EvaluationRun:
    """Publish a draft: it becomes the year's official result; the year's published run (if any) is
    superseded and stays readable."""
    require_write(actor, Area.EVALUATION)
    run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
    _require_draft(run, "发布", "published")
    _check_scope(actor, run.year)
    now = timezone.now()
    current = (
        EvaluationRun.objects.select_for_update().filter(year=run.year, status=EvaluationRun.Status.PUBLISHED).first()
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
            region_code=_region_code(actor),
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
        region_code=_region_code(actor),
        before=before,
        after=_run_snapshot(run),
    )
    return run
