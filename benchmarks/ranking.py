"""The ranking's Monte Carlo (issue 17): a county (24 towns × 20 indicators × 1,000 runs, target ≤ 2 s) and a
province (1,500 towns × 30 indicators × 1,000 runs, target ≤ 30 s), vectorised (``robustness.monte_carlo``) against
the straightforward implementation (``robustness.monte_carlo_loop``: one ``compute`` per run) in the same process.

Both draw the same runs (the shipped policy's choices: weights ±25 %, four normalisations, three aggregations,
imputation on/off, winsorisation on) and give the very same ranks (checked here on every case). Prints JSON:
medians over ``--repeats`` of each and their ratio. The reference is slow for a province (about a second a run):
there it is timed on ``--reference-runs N`` runs (default 100) and scaled linearly to 1,000 (said in the output as
``loop_extrapolated``); the county's reference always runs all 1,000.

    PYTHONPATH=src .venv/bin/python benchmarks/ranking.py [--repeats 3] [--reference-runs 100] [--only county]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from typing import Any

import numpy as np

from landcycle.rules.ranking.engine import Table
from landcycle.rules.ranking.policy import IndexPolicy, parse_policy
from landcycle.rules.ranking.robustness import monte_carlo, monte_carlo_loop

CASES = {"county": (24, 20), "province": (1500, 30)}


def policy(indicators: int) -> IndexPolicy:
    """Five dimensions sharing ``indicators`` (every fourth lower-is-better, every fifth per mu of land)."""
    dims: list[dict[str, Any]] = [
        {"key": f"d{d}", "name_zh": f"维度{d}", "weight": 1 + d % 2, "indicators": []} for d in range(5)
    ]
    for j in range(indicators):
        ind = {"key": f"x{j}", "name_zh": f"指标{j}", "direction": -1 if j % 4 == 3 else 1, "source": "benchmark"}
        if j % 5 == 4:
            ind["denominator"] = "land"
        dims[j % 5]["indicators"].append(ind)
    return parse_policy(
        {
            "version": "bench",
            "denominators": {"land": {"name_zh": "工业用地面积", "source": "benchmark"}},
            "dimensions": dims,
            "robustness": {
                "runs": 1000,
                "weight_range": 0.25,
                "normalisations": ["minmax", "efficacy", "rank", "zscore"],
                "aggregations": ["arithmetic", "geometric", "topsis"],
                "imputation": [True, False],
            },
        }
    )


def table(units: int, indicators: int, seed: int = 1) -> Table:
    rng = np.random.default_rng(seed)
    values = rng.lognormal(2.0, 0.7, size=(units, indicators))
    values[rng.random(values.shape) < 0.02] = np.nan  # 2 % missing
    land = rng.uniform(500, 8000, size=(units, 1))
    groups = tuple(f"g{i % 4}" for i in range(units))
    return Table(tuple(f"u{i}" for i in range(units)), values, land, groups)


def timed(fn, *args, **kwargs) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def case(name: str, repeats: int, reference_runs: int) -> dict[str, Any]:
    units, indicators = CASES[name]
    p, t = policy(indicators), table(units, indicators)
    runs = p.monte_carlo.runs
    fast_times = []
    fast = None
    for _ in range(repeats):
        s, fast = timed(monte_carlo, t, p)
        fast_times.append(s)
    ref_runs = runs if name == "county" else min(reference_runs, runs)
    ref_times = []
    for _ in range(max(1, repeats if ref_runs == runs and name == "county" else 1)):
        s, slow = timed(monte_carlo_loop, t, p, runs=ref_runs)
        ref_times.append(s * runs / ref_runs)
    assert fast is not None
    check = fast if ref_runs == runs else monte_carlo(t, p, runs=ref_runs)  # the same draws as the loop's
    same = bool(np.array_equal(check.ranks, slow.ranks))
    if not same:
        raise SystemExit(f"{name}: the vectorised ranks differ from the loop's")
    fast_s, ref_s = statistics.median(fast_times), statistics.median(ref_times)
    return {
        "case": name,
        "units": units,
        "indicators": indicators,
        "runs": runs,
        "vectorised_median_s": round(fast_s, 3),
        "vectorised_all_s": [round(x, 3) for x in fast_times],
        "loop_median_s": round(ref_s, 3),
        "loop_runs_timed": ref_runs,
        "loop_extrapolated": ref_runs < runs,
        "ratio_loop_over_vectorised": round(ref_s / fast_s, 1),
        "same_ranks": same,
        "target_s": 2 if name == "county" else 30,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument(
        "--reference-runs", type=int, default=100, help="province: runs of the loop timed (scaled to 1,000)"
    )
    ap.add_argument("--only", choices=sorted(CASES))
    a = ap.parse_args()
    report = {
        "machine": {"python": platform.python_version(), "processor": platform.machine(), "numpy": np.__version__},
        "cases": [case(n, a.repeats, a.reference_runs) for n in CASES if a.only in (None, n)],
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
