"""Computing, publishing and correcting a county's quarter of the ranking. Every function checks the area
(Area.RANKING) and the county (the actor's own, or one inside the actor's region: ``county_for``), writes in one
transaction and writes an audit record. A published run is never changed by any of them.

``run_compute`` and ``run_correct`` gather and compute (the Monte Carlo included) before their write transaction,
reporting their stages to ``progress(stage, done, total)`` when given (the background job shows them,
``ranking.background``); what they write is checked again under the lock."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NoReturn

import numpy as np
from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, region_prefix, require_write
from landcycle.audit.services import audit_record
from landcycle.kit.indicators import Quarter
from landcycle.registry.models import Region
from landcycle.rules.problems import Problem, RuleError
from landcycle.rules.ranking.engine import Computation, compute, contributions
from landcycle.rules.ranking.policy import IndexPolicy
from landcycle.rules.ranking.robustness import Robustness, gain_a_place, monte_carlo, sensitivity, smallest_gain

from ..models import RankingResult, RankingRun
from ..policy import current_source, policy_of_text
from .gather import gather, ranked_towns, table_of

GAIN_LIMIT = 60  # what a town needs to gain a place is searched for a county's towns (at most this many)
Progress = Callable[[str, int, int], None]  # (stage, done, total): gather, monte_carlo, gains, save


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _refuse(field: str, rule: str, zh: str, en: str) -> NoReturn:
    raise RuleError([Problem(field, rule, zh, en)])


def _num(v: Any, places: int = 6) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), places)


def _int(v: float) -> int | None:
    return None if v is None or np.isnan(v) else int(v)


def _snapshot(run: RankingRun) -> dict[str, Any]:
    return {
        "quarter": run.label,
        "state": run.state,
        "policy_version": run.policy_version,
        "policy_hash": run.policy_hash,
        "supersedes": run.supersedes_id,
        "reason": run.reason,
        "results": run.results.count(),
    }


def _method(policy: IndexPolicy, c: Computation, rob: Robustness, runs: int) -> dict[str, Any]:
    return {
        "dimensions": [
            {"key": d.key, "name_zh": d.name_zh, "name_en": d.name_en, "weight": _num(c.dimension_weights[k])}
            for k, d in enumerate(policy.dimensions)
        ],
        "indicators": [
            {"key": ind.key, "weight": _num(c.indicator_weights[j])} for j, ind in enumerate(policy.indicators)
        ],
        "normalise": policy.methods.normalise,
        "weights": policy.methods.weights,
        "aggregate": [policy.methods.aggregate_indicators, policy.methods.aggregate_dimensions],
        "monte_carlo": {
            "runs": runs,
            "seed": policy.monte_carlo.seed,
            "weight_range": policy.monte_carlo.weight_range,
            "normalisations": list(policy.monte_carlo.normalisations),
            "aggregations": list(policy.monte_carlo.aggregations),
            "imputation": list(policy.monte_carlo.imputation),
        },
        "sensitivity": sensitivity(rob).as_dict(),
        "treated": [
            {"key": ind.key, "kind": t.kind, "points": t.points}
            for ind, t in zip(policy.indicators, c.treatments, strict=True)
            if t.kind != "none"
        ],
        "notes": [{"zh": zh, "en": en} for zh, en in c.notes],
    }


def results_of(
    inputs: dict[str, Any], policy: IndexPolicy, runs: int | None, gains: bool, progress: Progress | None = None
) -> tuple[list, dict]:
    """(one dict per town, the method) computed from frozen inputs: the official result, the Monte Carlo interval,
    the contributions and what each town needs to gain a place."""
    progress = progress or _no_progress
    table = table_of(inputs, policy)
    c = compute(table, policy)
    progress("monte_carlo", 0, 1)
    rob = monte_carlo(table, policy, runs)
    progress("monte_carlo", 1, 1)
    parts = contributions(c, policy)
    overlaps = rob.overlaps()
    towns = inputs["towns"]
    search = gains and len(towns) <= GAIN_LIMIT
    out = []
    for u, t in enumerate(towns):
        gain = None
        if search:
            progress("gains", u, len(towns))
            best = smallest_gain(gain_a_place(table, policy, u, base=c))
            if best is not None:
                gain = {
                    "indicator": policy.indicators[best.indicator].key,
                    "value": _num(best.value),
                    "needed": _num(best.needed),
                    "change": _num(best.change),
                }
        out.append(
            {
                "town_id": t["id"],
                "score": _num(c.score[u]),
                "rank": _int(c.rank[u]),
                "rank_low": _int(rob.low[u]),
                "rank_high": _int(rob.high[u]),
                "rank_median": _num(rob.median[u], 1),
                "dimensions": {d.key: _num(c.dimensions[u, k]) for k, d in enumerate(policy.dimensions)},
                "indicators": {
                    ind.key: {
                        "value": _num(table.values[u, j]),
                        "denominated": _num(c.denominated[u, j]),
                        "normalised": _num(c.normalised[u, j]),
                        "contribution": _num(parts[u, j]),
                    }
                    for j, ind in enumerate(policy.indicators)
                },
                "gain": gain,
                "not_different_from": [towns[v]["code"] for v in overlaps[u]],
            }
        )
    return out, _method(policy, c, rob, rob.ranks.shape[1])


def _computed(
    inputs: dict[str, Any], policy: IndexPolicy, runs: int | None, gains: bool, progress: Progress | None = None
) -> tuple[dict, list, dict]:
    if len(inputs["towns"]) < 2:
        _refuse(
            "quarter",
            "ranking.no_towns",
            "本县可排名的镇街不足两个（镇街须有园区）",
            "fewer than two towns of the county to rank (a town is ranked when it has a park)",
        )
    rows, method = results_of(inputs, policy, runs, gains, progress)
    return inputs, rows, method


def _fill(run: RankingRun, computed: tuple[dict, list, dict]) -> None:
    inputs, rows, method = computed
    run.inputs, run.method = inputs, method
    run.save(
        update_fields=[
            "inputs",
            "method",
            "computed_by",
            "computed_at",
            "policy_name",
            "policy_version",
            "policy_hash",
            "policy_toml",
        ]
    )
    run.results.all().delete()
    RankingResult.objects.bulk_create([RankingResult(run=run, **r) for r in rows])


def _policy_fields(text: str | None, county: Region) -> tuple[IndexPolicy, dict[str, str]]:
    """The index a run uses: the text given, else the county's own version or the shipped file (本县政策)."""
    source = current_source(county) if text is None else None
    text = source.text if source is not None else text
    policy = policy_of_text(text or "")
    return policy, {
        "policy_name": "ranking",
        "policy_version": policy.version,
        "policy_hash": policy.hash,
        "policy_toml": text or "",
    }


def counties_of(actor: User) -> list[Region]:
    """The counties inside the actor's region (a county user: theirs; a city's or province's user, or a superuser
    without a region: every county under it), by code."""
    prefix = region_prefix(actor)
    if prefix is None:
        return []
    region = getattr(actor, "region", None) if getattr(actor, "region_id", None) else None
    if region is not None and region.level == Region.Level.TOWN:
        return [region.parent] if region.parent_id and region.parent.level == Region.Level.COUNTY else []
    return list(Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix).order_by("code"))


def county_for(actor: User, county: Region | None = None) -> Region:
    """The county a write of ``actor`` acts in: ``county`` when given (it must lie inside the actor's region), else
    the actor's own county, else the only county inside the actor's region (a city's or province's user with several
    counties must name one)."""
    mine = counties_of(actor)
    if county is not None:
        if county.level != Region.Level.COUNTY or county.pk not in {c.pk for c in mine}:
            _refuse(
                "county",
                "ranking.county_scope",
                f"您只能计算和发布本辖区的赛马，不能写入{county.name}",
                f"You may only compute and publish the ranking of your own region, not of {county.code}",
            )
        return county
    if len(mine) == 1:
        return mine[0]
    _refuse(
        "county",
        "ranking.county_choose",
        "请选择要计算赛马的县（市、区）" if mine else "您的账号不属于任何县（市、区），不能计算赛马",
        "choose the county whose ranking to compute" if mine else "your account belongs to no county",
    )


def _require_county(actor: User, county: Region | None = None) -> Region:
    require_write(actor, Area.RANKING)
    if getattr(actor, "region_id", None) and actor.region.level == Region.Level.TOWN:
        _refuse("quarter", "ranking.county", "赛马由县级计算和发布", "The county computes and publishes the ranking")
    return county_for(actor, county)


def _refuse_if_published(county: Region, quarter: Quarter, lock: bool = False) -> None:
    live = RankingRun.objects.filter(county=county, year=quarter.year, quarter=quarter.quarter)
    if lock:
        live = live.select_for_update()
    if (
        live.filter(state=RankingRun.State.PUBLISHED).exists()
        and not live.filter(state=RankingRun.State.DRAFT, supersedes__isnull=False).exists()
    ):
        _refuse(
            "quarter",
            "ranking.published",
            f"{county.name}{quarter.label}的赛马已发布，不能重新计算；如需更正，请发起更正（写明理由）",
            f"the ranking of {county.code} {quarter.label} is published: it cannot be recomputed; correct it with a "
            "reason",
        )


def compute_check(*, actor: User, quarter: Quarter, county: Region | None = None) -> Region:
    """What ``run_compute`` refuses before any work (the role, the county, a published quarter): the county."""
    county = _require_county(actor, county)
    _refuse_if_published(county, quarter)
    return county


def run_compute(
    *,
    actor: User,
    quarter: Quarter,
    county: Region | None = None,
    policy_text: str | None = None,
    runs: int | None = None,
    gains: bool = True,
    progress: Progress | None = None,
) -> RankingRun:
    """Compute a county's quarter as a draft, or recompute its draft (the same run, new inputs and results). A
    quarter with a published run is not computed again: correct it (``run_correct``). The towns are the county's
    (the actor's county unless ``county`` names one inside the actor's region)."""
    progress = progress or _no_progress
    county = compute_check(actor=actor, quarter=quarter, county=county)
    policy, fields = _policy_fields(policy_text, county)
    computed = _computed(gather(quarter, policy, ranked_towns(county), progress), policy, runs, gains, progress)
    progress("save", 0, 1)
    with transaction.atomic():
        return _write_draft(actor, county, quarter, fields, computed)


def _write_draft(
    actor: User, county: Region, quarter: Quarter, fields: dict[str, str], computed: tuple[dict, list, dict]
) -> RankingRun:
    _refuse_if_published(county, quarter, lock=True)  # again, under the lock: published while it computed?
    draft = (
        RankingRun.objects.select_for_update()
        .filter(county=county, year=quarter.year, quarter=quarter.quarter, state=RankingRun.State.DRAFT)
        .first()
    )
    now = timezone.now()
    who = actor if actor.pk else None
    if draft is None:
        draft = RankingRun.objects.create(
            county=county, year=quarter.year, quarter=quarter.quarter, computed_by=who, computed_at=now, **fields
        )
        before = None
    else:
        before = _snapshot(draft)
        for k, v in fields.items():
            setattr(draft, k, v)
        draft.computed_by, draft.computed_at = who, now
    _fill(draft, computed)
    audit_record(
        actor=actor,
        action="ranking_run.compute" if before is None else "ranking_run.recompute",
        obj=draft,
        region_code=county.code,
        before=before,
        after=_snapshot(draft),
    )
    return draft


@transaction.atomic
def run_publish(*, actor: User, run: RankingRun) -> RankingRun:
    """Publish a draft: frozen from now on. A correction's draft supersedes the run it corrects."""
    run = RankingRun.objects.select_for_update().select_related("county").get(pk=run.pk)
    _require_county(actor, run.county)
    if run.state != RankingRun.State.DRAFT:
        _refuse("state", "ranking.not_draft", "只有草稿可以发布", "only a draft can be published")
    current = (
        RankingRun.objects.select_for_update()
        .filter(county_id=run.county_id, year=run.year, quarter=run.quarter, state=RankingRun.State.PUBLISHED)
        .first()
    )
    now = timezone.now()
    if current is not None:
        if run.supersedes_id != current.pk:
            _refuse(
                "state",
                "ranking.published",
                f"{run.label}已有发布的赛马，请以更正方式替代",
                f"{run.label} already has a published ranking: correct it instead",
            )
        before = _snapshot(current)
        RankingRun.objects.filter(pk=current.pk).update(state=RankingRun.State.SUPERSEDED)
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action="ranking_run.supersede",
            obj=current,
            region_code=run.county.code,
            before=before,
            after=_snapshot(current),
        )
    before = _snapshot(run)
    run.state = RankingRun.State.PUBLISHED
    run.published_by, run.published_at = (actor if actor.pk else None), now
    run.save(update_fields=["state", "published_by", "published_at"])
    audit_record(
        actor=actor,
        action="ranking_run.publish",
        obj=run,
        region_code=run.county.code,
        before=before,
        after=_snapshot(run),
    )
    return run


def correct_check(*, actor: User, run: RankingRun, reason: str, lock: bool = False) -> RankingRun:
    """What ``run_correct`` refuses before any work (the role, the county, a run not published, no reason, a run
    that has a correction already): the run, fresh (locked with ``lock``, inside the caller's transaction)."""
    qs = RankingRun.objects.select_related("county")
    run = (qs.select_for_update() if lock else qs).get(pk=run.pk)
    _require_county(actor, run.county)
    if run.state != RankingRun.State.PUBLISHED:
        _refuse("state", "ranking.not_published", "只能更正已发布的赛马", "only a published ranking can be corrected")
    if not reason.strip():
        _refuse("reason", "ranking.reason", "更正须写明理由", "a correction needs its reason")
    if RankingRun.objects.filter(supersedes=run).exists():
        _refuse("state", "ranking.correcting", "该批次已有更正草稿", "this run already has a correction")
    return run


def run_correct(
    *,
    actor: User,
    run: RankingRun,
    reason: str,
    policy_text: str | None = None,
    runs: int | None = None,
    progress: Progress | None = None,
) -> RankingRun:
    """Correct a published run: a new draft computed from today's rows (the published run stays as it is until the
    correction is published, then it is marked superseded). Computed (the Monte Carlo included) before its write
    transaction, reporting its stages to ``progress`` as ``run_compute`` does (the background job,
    ``ranking.background.correct_queue``, shows them); the checks are made again under the lock before writing."""
    progress = progress or _no_progress
    run = correct_check(actor=actor, run=run, reason=reason)
    policy, fields = _policy_fields(policy_text, run.county)
    computed = _computed(gather(run.period, policy, ranked_towns(run.county), progress), policy, runs, True, progress)
    progress("save", 0, 1)
    with transaction.atomic():
        run = correct_check(actor=actor, run=run, reason=reason, lock=True)  # corrected or changed meanwhile?
        draft = RankingRun.objects.create(
            county=run.county,
            year=run.year,
            quarter=run.quarter,
            computed_by=actor if actor.pk else None,
            computed_at=timezone.now(),
            supersedes=run,
            reason=reason.strip(),
            **fields,
        )
        _fill(draft, computed)
        audit_record(
            actor=actor, action="ranking_run.correct", obj=draft, region_code=run.county.code, after=_snapshot(draft)
        )
    return draft
