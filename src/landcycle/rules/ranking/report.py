"""The result of ranking a table, as plain data (the JSON of ``landcycle rank``, the source of its workbook):

``{"units": [{"unit", "score", "rank", "rank_low", "rank_high", "indicators": {name: {"value", "normalised"}},
…}], "method": {…}, "problems": […]}``. Units come in rank order. Pure Python, no Django.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .engine import Computation, compute, contributions
from .policy import IndexPolicy
from .robustness import Robustness, gain_a_place, monte_carlo, sensitivity, smallest_gain
from .table import DEFAULTS_USED, ReadTable

GAIN_LIMIT = 60  # "what a unit needs to gain a place" is searched for tables of at most this many units (a county's towns; about 15 s at 60)


def _num(v: float, places: int = 6) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or np.isnan(v) else round(float(v), places)


def _int(v: float) -> int | None:
    return None if np.isnan(v) else int(v)


def _method(policy: IndexPolicy, read: ReadTable, c: Computation, default: bool, runs: int) -> dict[str, Any]:
    m, mc = policy.methods, policy.monte_carlo
    treated = [
        {"indicator": ind.name_zh, "treatment": t.kind, "points": t.points, "low": len(t.low), "high": len(t.high)}
        for ind, t in zip(policy.indicators, c.treatments, strict=True)
        if t.kind != "none"
    ]
    return {
        "policy": None
        if default
        else {"version": policy.version, "hash": policy.hash, "title_zh": policy.title_zh, "title_en": policy.title_en},
        "defaults": [{"zh": zh, "en": en} for zh, en in DEFAULTS_USED] if default else [],
        "sheet": read.sheet,
        "unit_column": read.unit_column,
        "denominate": m.denominate,
        "impute": m.impute,
        "impute_group": m.impute_group,
        "treat": {
            "method": m.treat.method,
            "winmax": m.treat.winmax,
            "skew": m.treat.skew,
            "kurtosis": m.treat.kurtosis,
            "fallback": m.treat.fallback,
            "treated": treated,
        },
        "normalise": m.normalise,
        "weights": m.weights,
        "aggregate": {"indicators": m.aggregate_indicators, "dimensions": m.aggregate_dimensions},
        "dimensions": [
            {"key": d.key, "name_zh": d.name_zh, "name_en": d.name_en, "weight": _num(c.dimension_weights[k])}
            for k, d in enumerate(policy.dimensions)
        ],
        "indicators": [
            {
                "key": ind.key,
                "name": ind.name_zh,
                "column": col.header,
                "direction": ind.direction,
                "unit": ind.unit,
                "source": ind.source,
                "denominator": ind.denominator,
                "weight": _num(c.indicator_weights[j]),
            }
            for j, (ind, col) in enumerate(zip(policy.indicators, read.columns, strict=True))
        ],
        "monte_carlo": {
            "runs": runs,
            "seed": mc.seed,
            "weight_range": mc.weight_range,
            "normalisations": list(mc.normalisations),
            "aggregations": list(mc.aggregations),
            "imputation": list(mc.imputation),
            "interval": "5–95 %",
        },
        "notes": [{"zh": zh, "en": en} for zh, en in c.notes],
    }


def _gain(policy: IndexPolicy, read: ReadTable, c: Computation, u: int) -> dict[str, Any] | None:
    best = smallest_gain(gain_a_place(read.table, policy, u, base=c))
    if best is None:
        return None
    ind = policy.indicators[best.indicator]
    return {
        "indicator": ind.name_zh,
        "value": _num(best.value),
        "needed": _num(best.needed or 0.0),
        "change": _num(best.change or 0.0),
    }


def rank_report(read: ReadTable, policy: IndexPolicy, *, default: bool, runs: int | None = None) -> dict[str, Any]:
    """Rank the table: the official result, the Monte Carlo intervals, which units are not really different,
    the sensitivity shares and, for tables of at most ``GAIN_LIMIT`` units, what each would need to gain a place."""
    c = compute(read.table, policy)
    rob: Robustness = monte_carlo(read.table, policy, runs)
    overlaps = rob.overlaps()
    parts = contributions(c, policy)
    names = [ind.name_zh for ind in policy.indicators]
    units = []
    gains = len(read.table.units) <= GAIN_LIMIT
    for u in sorted(range(len(read.table.units)), key=lambda i: (np.isnan(c.rank[i]), c.rank[i], i)):
        units.append(
            {
                "unit": read.table.units[u],
                "row": read.rows[u],
                "score": _num(c.score[u]),
                "rank": _int(c.rank[u]),
                "rank_low": _int(rob.low[u]),
                "rank_high": _int(rob.high[u]),
                "rank_median": _num(rob.median[u], 1),
                "dimensions": {d.name_zh: _num(c.dimensions[u, k]) for k, d in enumerate(policy.dimensions)},
                "indicators": {
                    names[j]: {
                        "value": _num(read.table.values[u, j]),
                        "normalised": _num(c.normalised[u, j]),
                        "contribution": _num(parts[u, j]),
                    }
                    for j in range(len(names))
                },
                "not_different_from": [read.table.units[v] for v in overlaps[u]],
                "gain_a_place": _gain(policy, read, c, u) if gains else None,
            }
        )
    method = _method(policy, read, c, default, rob.ranks.shape[1])
    method["sensitivity"] = sensitivity(rob).as_dict()
    method["gain_a_place"] = (
        {"zh": "对每个单位求单一指标的最小变化", "en": "searched for every unit"}
        if gains
        else {"zh": f"单位多于{GAIN_LIMIT}个，未计算", "en": f"not searched: more than {GAIN_LIMIT} units"}
    )
    return {"units": units, "method": method, "problems": read.problems}
