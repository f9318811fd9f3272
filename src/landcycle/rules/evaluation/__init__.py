"""Per-mu benefit evaluation (亩均效益综合评价, "亩均论英雄"), DOMAIN §2 — pure, column-based, no Django.

    from landcycle.rules.evaluation import evaluate, load_policy
    result = evaluate(frame, load_policy(), year=2025)   # a polars DataFrame of enterprise figures
    result.frame            # one row per firm: group, land, indicators, score, rank, class, flags, reasons
    result.problems         # rows that could not be evaluated, with their source row
    result.to_records()     # {"policy": {...}, "enterprises": [...], "problems": [...]}

The policy (``landcycle/policies/evaluation.toml``) holds every number; see ``policy.py`` for its model
and ``engine.py`` for the steps.
"""

import polars as pl

# Lazy queries run on the in-memory engine: polars 2.1.0's streaming executor panicked here once
# ("assertion failed: i < self.len()" in an async-executor thread) on an input that passed on a re-run;
# the in-memory engine computes the same results for frames of this size.
pl.Config.set_engine_affinity("in-memory")

from .engine import evaluate, output_columns  # noqa: E402
from .policy import EvaluationPolicy, PolicyError  # noqa: E402
from .policy.parse import default_policy, load_policy, parse_policy  # noqa: E402
from .result import EvaluationResult  # noqa: E402

__all__ = [
    "EvaluationPolicy",
    "EvaluationResult",
    "PolicyError",
    "default_policy",
    "evaluate",
    "evaluate_years",
    "load_policy",
    "output_columns",
    "parse_policy",
]


def evaluate_years(frame, policy=None, *, years=None, reasons: bool = True) -> dict[int, EvaluationResult]:
    """Evaluate each year of a multi-year frame (a ``year`` column) on its own: {year: result}. The
    frame is split by year once; each year has its own benchmarks, ranks and classes (a ``previous_year``
    benchmark reads the year before from the same frame)."""
    pol = load_policy(policy)
    parts = {
        int(k[0]): part
        for k, part in frame.with_columns(pl.col("year").cast(pl.Int64)).partition_by("year", as_dict=True).items()
        if k[0] is not None
    }
    wanted = sorted(parts) if years is None else [int(y) for y in years]
    return {
        y: evaluate(parts[y] if y in parts else frame.clear(), pol, year=y, reasons=reasons, previous=parts.get(y - 1))
        for y in wanted
    }
