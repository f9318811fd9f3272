"""How sure a rank is: the vectorised Monte Carlo gives the very ranks of one computation per run, intervals widen
when weights may vary more, overlapping intervals are named, variance shares add up, and the change a unit needs
to gain a place does gain it (and a smaller one does not)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from landcycle.rules.ranking.engine import Table, compute
from landcycle.rules.ranking.policy import load_policy
from landcycle.rules.ranking.robustness import (
    gain_a_place,
    monte_carlo,
    monte_carlo_loop,
    sensitivity,
    smallest_gain,
)

POLICY = load_policy()


def county(seed: int = 5, units: int = 12, missing: bool = True) -> Table:
    rng = np.random.default_rng(seed)
    values = rng.lognormal(2.0, 0.5, size=(units, len(POLICY.indicators)))
    if missing:
        values[1, 3] = values[4, 0] = np.nan
    values[0, 5] = 400.0  # an outlier, winsorised
    dens = rng.uniform(800, 6000, size=(units, len(POLICY.denominators)))
    groups = tuple("北" if i % 2 else "南" for i in range(units))
    return Table(tuple(f"镇{i}" for i in range(units)), values, dens, groups)


def test_vectorised_runs_equal_one_computation_per_run():
    table = county()
    fast = monte_carlo(table, POLICY, runs=120, seed=3)
    slow = monte_carlo_loop(table, POLICY, runs=120, seed=3)
    d = fast.draws
    # every allowed choice was drawn, so every code path of the vectorised aggregation is compared
    assert set(d.normalisation) == set(range(4)) and set(d.aggregation) == set(range(3)) and set(d.imputation) == {0, 1}
    assert np.array_equal(fast.ranks, slow.ranks)
    assert np.array_equal(fast.low, slow.low) and np.array_equal(fast.high, slow.high)


def test_official_method_alone_gives_the_official_rank():
    table = county()
    fixed = POLICY.with_monte_carlo(
        weight_range=0.0, normalisations=("minmax",), aggregations=("arithmetic",), imputation=(True,)
    )
    rob = monte_carlo(table, fixed, runs=20)
    official = compute(table, POLICY).rank
    assert np.array_equal(rob.low, official) and np.array_equal(rob.high, official)


def test_intervals_widen_when_weights_may_vary_more():
    table = county(seed=11, units=16)
    widths = []
    for r in (0.05, 0.3, 0.9):
        p = POLICY.with_monte_carlo(weight_range=r, normalisations=("minmax",), aggregations=("arithmetic",))
        rob = monte_carlo(table, p, runs=600, seed=1)
        widths.append(float(np.mean(rob.high - rob.low)))
    assert widths[0] < widths[1] < widths[2]


def test_overlapping_intervals_are_named_both_ways():
    table = county(seed=2, units=10)
    rob = monte_carlo(table, POLICY, runs=300)
    over = rob.overlaps()
    for i, others in enumerate(over):
        assert i not in others
        for j in others:
            assert i in over[j]
            assert rob.low[i] <= rob.high[j] and rob.low[j] <= rob.high[i]
    assert any(over)
    first, last = int(np.argmin(rob.median)), int(np.argmax(rob.median))
    if rob.high[first] < rob.low[last]:
        assert last not in over[first]


def test_variance_shares():
    table = county(seed=7)
    only_weights = POLICY.with_monte_carlo(normalisations=("minmax",), aggregations=("arithmetic",), imputation=(True,))
    s = sensitivity(monte_carlo(table, only_weights, runs=300))
    assert (s.normalisation, s.aggregation, s.imputation) == (0.0, 0.0, 0.0) and s.weights == pytest.approx(1.0)
    only_methods = POLICY.with_monte_carlo(weight_range=0.0, imputation=(True,))
    s = sensitivity(monte_carlo(table, only_methods, runs=400))
    assert s.weights == pytest.approx(0.0, abs=1e-12) and s.imputation == 0.0
    assert s.normalisation > 0 and s.aggregation > 0 and s.normalisation + s.aggregation <= 1 + 1e-9


def test_the_change_needed_to_gain_a_place_gains_it():
    policy = dataclasses.replace(POLICY, methods=dataclasses.replace(POLICY.methods, impute="none"))
    table = county(seed=4, units=8, missing=False)
    base = compute(table, policy)
    unit = int(np.flatnonzero(base.rank == 5)[0])
    gains = gain_a_place(table, policy, unit)
    found = [g for g in gains if g.needed is not None]
    assert found
    for g in found:
        ind = policy.indicators[g.indicator]
        assert np.sign(g.change) == ind.direction
        for value, better in ((g.needed, True), (g.value + 0.98 * g.change, False)):
            trial = table.values.copy()
            trial[unit, g.indicator] = value
            rank = compute(Table(table.units, trial, table.denominators, table.groups), policy).rank[unit]
            assert bool(rank < 5) is better, (ind.key, value)
    best = smallest_gain(gains)
    assert best is not None and best.relative == min(g.relative for g in found)
    assert gain_a_place(table, policy, int(np.flatnonzero(base.rank == 1)[0])) == []
