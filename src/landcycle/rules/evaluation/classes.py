"""Rank within the group, class, vetoes and protections, and what the class costs each firm.

Ranking: by the published score (rounded to ``score_decimals``, halves up), higher first; equal
published scores are ordered by tax per mu (tax / land used), higher first, then by credit code
ascending (``tie_break = "none"``: credit code only). Every unit gets a distinct rank, so the result
never depends on the order of the ledger and every class boundary falls between two named firms.

Classes by rank (``rank_percentile``): with n units in a group, the first round(n × cumulative share)
units (halves up, in whole basis points) fall in the classes up to that one. By score
(``score_thresholds``): the first class whose ``min_score`` the published score reaches.

A class with ``min_group_size`` is not given in a group of fewer units (the policy's small-group rule:
by default no A in a group of 1–2, no D in a group of ≤ 10): its firms go one class inwards (A → B,
D → C). ``small_group_notes`` says, per group, which classes it has none of and why, so that the run
page says it rather than leaving it silent.

Then protections (not below ``worst_class``) and vetoes (not above ``best_class``); a veto prevails
when both apply. Ranks and quotas are computed before both, so a vetoed firm keeps its rank and does
not free its class place for another firm.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from .policy import EvaluationPolicy


def pick(index: pl.Expr, values: list, dtype) -> pl.Expr:
    """``values[index]`` for an integer column (a gather from a short list; null index → null)."""
    return pl.lit(pl.Series(values, dtype=dtype)).gather(index)


def rank_units(units: pl.DataFrame, policy: EvaluationPolicy) -> pl.DataFrame:
    """``rank``, ``group_size`` and ``percentile`` (100 × rank / n). The order is found on a narrow
    frame of integer keys (group and score in one, tax per mu, the credit code as two base-31
    integers) and written back by position, so the wide frame is never reordered."""
    largest = units.select(pl.col("_score_key").abs().max()).item() or 0
    if largest < 1 << 43:  # group and score in one integer key: one sort column less
        keys, desc = [(pl.col("_gi").cast(pl.Int64) * (1 << 44) - pl.col("_score_key")).alias("_k")], [False]
    else:  # pragma: no cover - only for scores beyond 10^10 (an uncapped indicator gone wild)
        keys, desc = [pl.col("_gi"), pl.col("_score_key")], [False, True]
    if policy.tie_break == "tax_per_mu":
        keys.append((pl.col("tax") / pl.col("land_mu")).fill_null(float("-inf")).alias("_tie"))
        desc.append(True)
    keys += [pl.col("_uk_hi"), pl.col("_uk_lo")]
    desc += [False, False]
    narrow = units.select(*keys, pl.int_range(pl.len(), dtype=pl.Int64).alias("_pos"))
    order = narrow.sort([k.meta.output_name() for k in keys], descending=desc)["_pos"].to_numpy()
    gi = units["_gi"].to_numpy()
    counts = np.bincount(gi, minlength=len(policy.groups))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64) - starts[gi[order]] + 1
    size = counts[gi].astype(np.int64)
    return units.with_columns(pl.Series("rank", rank), pl.Series("group_size", size)).with_columns(
        (pl.col("rank") * 100.0 / pl.col("group_size")).alias("percentile")
    )


def _inwards(i: int, n: int) -> int:
    return i + 1 if i < n / 2 else i - 1


def _small_groups(index: pl.Expr, levels) -> pl.Expr:
    """Move firms out of classes the group is too small for (``min_group_size``), outer classes first."""
    n = len(levels)
    for i in sorted(range(n), key=lambda i: -abs(i - (n - 1) / 2)):
        m = levels[i].min_group_size
        if m:
            index = (
                pl.when((index == i) & (pl.col("group_size") < m))
                .then(pl.lit(_inwards(i, n), pl.Int32))
                .otherwise(index)
            )
    return index


def quota(levels, size: int) -> list[int]:
    """Units per class in a group of ``size`` by rank share (before the small-group rule)."""
    cum, bounds = 0, []
    for lv in levels[:-1]:
        cum += round(lv.share * 100)
        bounds.append((size * cum + 5000) // 10000)
    edges = [0, *bounds, size]
    return [max(0, b - a) for a, b in zip(edges, edges[1:], strict=False)]


def small_group_notes(policy: EvaluationPolicy, sizes: dict[str, int]) -> list[dict]:
    """For classes by rank: per group (key -> units ranked), each class with a share that the group has
    none of, with the reason: ``min_group_size`` (the policy's small-group rule, naming the minimum) or
    ``rounding`` (its share of so few units rounds to 0)."""
    if policy.class_method != "rank_percentile":
        return []
    levels = policy.classes
    out = []
    for g in policy.groups:
        size = sizes.get(g.key)
        if not size:
            continue
        counts = quota(levels, size)
        for lv, n in zip(levels, counts, strict=False):
            if not lv.share:
                continue
            if lv.min_group_size and size < lv.min_group_size:
                out.append(
                    {
                        "group": g.key,
                        "size": size,
                        "class": lv.key,
                        "reason": "min_group_size",
                        "min": lv.min_group_size,
                        "share": lv.share,
                    }
                )
            elif n == 0:
                out.append(
                    {
                        "group": g.key,
                        "size": size,
                        "class": lv.key,
                        "reason": "rounding",
                        "min": None,
                        "share": lv.share,
                    }
                )
    return out


def classify(units: pl.DataFrame, policy: EvaluationPolicy) -> pl.DataFrame:
    levels = policy.classes
    if policy.class_method == "rank_percentile":
        cum, bounds = 0, []
        for lv in levels[:-1]:
            cum += round((lv.share or 0) * 100)  # every share is given for this method (policy/parse.py)
            bounds.append((pl.col("group_size") * cum + 5000) // 10000)
        index = pl.sum_horizontal([(pl.col("rank") > b).cast(pl.Int32) for b in bounds])
        index = _small_groups(index.cast(pl.Int32), levels)
    else:
        # compared on the published score as an integer: "reaches 90" means a published 90.00 or more
        scale = 10**policy.score_decimals
        index = pl.sum_horizontal(
            [(pl.col("_score_key") < math.ceil(lv.min_score * scale - 1e-9)).cast(pl.Int32) for lv in levels[:-1]]
        )
    vetoed = pl.any_horizontal([pl.col(f"_veto_{i}") for i in range(len(policy.vetoes))] or [pl.lit(False)])
    protected = pl.any_horizontal([pl.col(f"_prot_{i}") for i in range(len(policy.protections))] or [pl.lit(False)])
    best = policy.class_index(policy.veto_best_class)
    worst = policy.class_index(policy.protection_worst_class)
    units = units.with_columns(
        index.cast(pl.Int32).alias("_ci_rank"), vetoed.alias("vetoed"), protected.alias("protected")
    )
    ci = pl.col("_ci_rank")
    ci = pl.when(pl.col("protected") & (ci > worst)).then(pl.lit(worst, pl.Int32)).otherwise(ci)
    ci = pl.when(pl.col("vetoed") & (ci < best)).then(pl.lit(best, pl.Int32)).otherwise(ci)
    keys = [lv.key for lv in levels]
    units = units.with_columns(ci.alias("_ci"))
    return units.with_columns(
        pick(pl.col("_ci_rank"), keys, pl.String).alias("class_by_rank"),
        pick(pl.col("_ci"), keys, pl.String).alias("class"),
    )


def cost_columns(index: pl.Expr, policy: EvaluationPolicy) -> list[pl.Expr]:
    """Differentiated policy of the class: surcharges and relief, and the electricity surcharge in 万元
    (元/千瓦时 × 万千瓦时 = 万元), on the firm's own electricity use. Land-use-tax relief needs land of the
    firm's (unit's) own: a tenant pays no land-use tax on rented land, so it gets none."""
    levels = policy.classes
    surcharge = pick(index, [lv.electricity_surcharge_yuan_per_kwh for lv in levels], pl.Float64)
    return [
        surcharge.alias("electricity_surcharge_yuan_per_kwh"),
        (surcharge * pl.col("electricity_10k_kwh")).alias("electricity_surcharge_wan"),
        pick(index, [lv.water_surcharge_pct for lv in levels], pl.Float64).alias("water_surcharge_pct"),
        pl.when(pl.col("land_owned_mu").fill_null(0.0) <= 0)
        .then(pl.lit(0.0))
        .otherwise(pick(index, [lv.land_use_tax_relief_pct for lv in levels], pl.Float64))
        .alias("land_use_tax_relief_pct"),
    ]
