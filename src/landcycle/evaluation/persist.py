"""An engine result written as EvaluationResult rows, in bulk (one COPY on PostgreSQL, one INSERT per batch
elsewhere; no per-row query).

Each firm of the result frame becomes one row (evaluated or exempt); each enterprise in the problems
frame (a row that could not be evaluated) becomes one row with outcome ``problem``, no score and no
class, and its problems as the reason — never a zero. ``_row`` of the input is the enterprise id
(``inputs.read_inputs``). Indicators are stored per firm as ``{key: {"value", "benchmark",
"contribution"[, "imputed": true]}}`` for the indicators of its group; weights and caps are the
policy's and are read from the run's policy text.
"""

from __future__ import annotations

import math
from collections import defaultdict

import polars as pl

from landcycle.kit.bulk import insert_rows
from landcycle.rules.evaluation import EvaluationPolicy
from landcycle.rules.evaluation import EvaluationResult as EngineResult

from .models import EvaluationResult, EvaluationRun

BATCH = 5000


def _f(x, places: int = 6):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return round(float(x), places)


def _split(text: str | None) -> list[str]:
    return text.split(",") if text else []


def result_objects(run: EvaluationRun, result: EngineResult, towns: dict[int, int]) -> list[EvaluationResult]:
    """Unsaved result rows of ``run``; ``towns`` maps enterprise id -> town id."""
    policy: EvaluationPolicy = result.policy
    by_group = {g.key: [i.key for i in g.indicators] for g in policy.groups}
    keys = list(policy.indicators())
    ind_cols = [f"{k}_{part}" for k in keys for part in ("value", "benchmark", "contribution", "imputed")]
    base = [
        "_row",
        "group",
        "land_mu",
        "score",
        "rank",
        "group_size",
        "percentile",
        "class",
        "class_by_rank",
        "exempt",
        "exemption",
        "vetoed",
        "vetoes",
        "protected",
        "protections",
        "missing_data",
        "imputed",
        "members",
        "merge_key",
        "reason_zh",
        "reason_en",
    ]
    frame = result.frame.select(base + ind_cols)
    evaluated, exempt = EvaluationResult.Outcome.EVALUATED, EvaluationResult.Outcome.EXEMPT
    out = []
    width = len(base)
    for row in frame.iter_rows():
        (
            ent,
            group,
            land,
            score,
            rank,
            size,
            pct,
            klass,
            by_rank,
            is_exempt,
            exemption,
            vetoed,
            vetoes,
            protected,
            protections,
            missing,
            imputed,
            members,
            merge_key,
            reason_zh,
            reason_en,
        ) = row[:width]
        indicators = {}
        if not is_exempt:
            pos = {k: width + 4 * i for i, k in enumerate(keys)}
            for k in by_group.get(group, []):
                p = pos[k]
                item = {"value": _f(row[p]), "benchmark": _f(row[p + 1]), "contribution": _f(row[p + 2])}
                if row[p + 3]:
                    item["imputed"] = True
                indicators[k] = item
        flags = {
            name: value
            for name, value in (
                ("exemption", exemption),
                ("vetoes", _split(vetoes)),
                ("protections", _split(protections)),
                ("imputed", _split(imputed)),
                ("merge_key", merge_key if (members or 1) > 1 else None),
            )
            if value
        }
        if vetoed:
            flags["vetoed"] = True
        if protected:
            flags["protected"] = True
        if missing:
            flags["missing_data"] = True
        out.append(
            EvaluationResult(
                run=run,
                enterprise_id=ent,
                town_id=towns[ent],
                outcome=exempt if is_exempt else evaluated,
                group=group or "",
                land_mu=_f(land),
                indicators=indicators,
                score=_f(score, 4),
                rank=rank,
                group_size=size,
                percentile=_f(pct, 3),
                evaluation_class=klass or "",
                class_by_rank=by_rank or "",
                flags=flags,
                reason_zh=reason_zh or "",
                reason_en=reason_en or "",
            )
        )
    out += problem_objects(run, result.problems_frame, towns)
    return out


def problem_objects(run: EvaluationRun, problems: pl.DataFrame, towns: dict[int, int]) -> list[EvaluationResult]:
    """One row per enterprise that could not be evaluated, its problems joined as the reason."""
    found: dict[int, list[dict]] = defaultdict(list)
    for r in problems.select("_row", "column", "value", "rule", "zh", "en").iter_rows(named=True):
        found[r["_row"]].append(r)
    out = []
    for ent, items in found.items():
        if ent not in towns:
            continue
        flags = {"problems": [{"column": p["column"], "value": p["value"], "rule": p["rule"]} for p in items]}
        out.append(
            EvaluationResult(
                run=run,
                enterprise_id=ent,
                town_id=towns[ent],
                outcome=EvaluationResult.Outcome.PROBLEM,
                flags=flags,
                reason_zh="无法评价：" + "；".join(p["zh"] for p in items),
                reason_en="Not evaluated: " + "; ".join(p["en"] for p in items),
            )
        )
    return out


def write_results(run: EvaluationRun, result: EngineResult, towns: dict[int, int]) -> int:
    """Replace the results of ``run`` (a draft) with ``result``; returns the number of rows written (one COPY
    on PostgreSQL, ``bulk_create`` in batches elsewhere: ``kit.bulk.insert_rows``)."""
    EvaluationResult.objects.filter(run=run).delete()
    objs = result_objects(run, result, towns)
    insert_rows(EvaluationResult, objs, batch_size=BATCH)
    return len(objs)


def summary(result: EngineResult) -> dict:
    """Counts a run keeps for its list and detail pages: firms, evaluated, exempt, problems, per class."""
    frame = result.frame
    classes = frame.filter(~pl.col("exempt")).group_by("class").len()
    problem_firms = result.problems_frame["_row"].n_unique() if result.problems_frame.height else 0
    return {
        "evaluated": int(frame.filter(~pl.col("exempt")).height),
        "exempt": int(frame["exempt"].sum()),
        "problems": int(problem_firms),
        "classes": {r[0]: int(r[1]) for r in classes.iter_rows() if r[0] is not None},
    }


def benchmark_rows(result: EngineResult) -> list[dict]:
    return [
        {k: (_f(v) if isinstance(v, float) else v) for k, v in r.items()}
        for r in result.benchmarks.iter_rows(named=True)
    ]
