"""How sure a rank is: a Monte Carlo over the choices a county could defensibly make, and which choice moves ranks most.

Each run draws a normalisation and an aggregation among those the policy allows (the aggregation is used at both
levels), imputation on or off, and every weight times a factor in [1 − r, 1 + r] (indicator weights are then made to
sum to 1 inside their dimension, dimension weights to 1). The stages before normalisation are computed once per
imputation choice, the normalised tables once per (imputation, normalisation); the runs of one (imputation,
normalisation, aggregation) cell are aggregated together with matrix products: no Python loop over runs.
``monte_carlo_loop`` is the straightforward implementation (``compute`` once per run), kept to check the vectorised
one and to measure it against (benchmarks/ranking.py). Pure numpy, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine import (
    Computation,
    Table,
    base_weights,
    benchmarks,
    compute,
    dimension_of,
    directions,
    prepared,
    treated,
)
from .policy import IndexPolicy
from .stages import (
    Array,
    _positive,
    aggregate,
    default_winmax,
    denominate,
    impute_group_mean,
    normalise,
    rank_scores,
    topsis_runs,
    winsorise_column,
)


@dataclass(frozen=True)
class Draws:
    """The choices of every run: indices into the policy's allowed lists, and the weights used."""

    normalisation: np.ndarray  # runs, index into MonteCarlo.normalisations
    aggregation: np.ndarray  # runs, index into MonteCarlo.aggregations
    imputation: np.ndarray  # runs, index into MonteCarlo.imputation
    indicator_weights: Array  # runs × indicators (within dimensions)
    dimension_weights: Array  # runs × dimensions


@dataclass(frozen=True)
class Robustness:
    ranks: Array  # units × runs
    median: Array
    low: Array  # 5 % quantile of the rank (the best rank of the interval)
    high: Array  # 95 % quantile
    draws: Draws

    def overlaps(self) -> list[list[int]]:
        """For each unit, the other units whose 5–95 % rank intervals overlap its own."""
        lo, hi = self.low, self.high
        hit = (lo[:, np.newaxis] <= hi[np.newaxis, :]) & (lo[np.newaxis, :] <= hi[:, np.newaxis])
        np.fill_diagonal(hit, False)
        return [list(np.flatnonzero(row)) for row in hit]


def draw(table: Table, policy: IndexPolicy, runs: int | None = None, seed: int | None = None) -> Draws:
    mc = policy.monte_carlo
    n = mc.runs if runs is None else runs
    rng = np.random.default_rng(mc.seed if seed is None else seed)
    iw, dw = base_weights(policy, _minmax_for_weights(table, policy))
    r = mc.weight_range
    dims = dimension_of(policy)
    fi = rng.uniform(1 - r, 1 + r, size=(n, iw.size))
    fd = rng.uniform(1 - r, 1 + r, size=(n, dw.size))
    wi = iw * fi
    onehot = np.eye(len(policy.dimensions))[dims]  # indicators × dimensions
    totals = (wi @ onehot)[:, dims]
    wi = np.divide(wi, totals, out=np.zeros_like(wi), where=totals > 0)
    wd = dw * fd
    wd = wd / wd.sum(axis=1, keepdims=True)
    return Draws(
        rng.integers(len(mc.normalisations), size=n),
        rng.integers(len(mc.aggregations), size=n),
        rng.integers(len(mc.imputation), size=n),
        wi,
        wd,
    )


def _minmax_for_weights(table: Table, policy: IndexPolicy) -> Array | None:
    if policy.methods.weights != "entropy":
        return None
    _den, imp = prepared(table, policy, policy.methods.impute == "group_mean")
    tr, _t = treated(imp, policy)
    return normalise(tr, "minmax", directions(policy))


def _level_same_data(x: Array, w: Array, method: str) -> Array:
    """One level for many weight vectors on the same data: ``x`` units × columns, ``w`` runs × columns → units ×
    runs."""
    if method == "topsis":
        return 100.0 * topsis_runs(x, w)
    values = np.log(_positive(x)) if method == "geometric" else x
    present = ~np.isnan(values)
    wsum = present.astype(float) @ w.T
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (np.where(present, values, 0.0) @ w.T) / wsum
    s = np.where(wsum > 0, s, np.nan)
    return np.exp(s) if method == "geometric" else s


def _level_per_run(x: Array, w: Array, method: str) -> Array:
    """One level where every run has its own data: ``x`` units × columns × runs, ``w`` runs × columns."""
    if method == "topsis":
        lo, hi = np.fmin.reduce(x, axis=0, keepdims=True), np.fmax.reduce(x, axis=0, keepdims=True)
        span = hi - lo
        with np.errstate(invalid="ignore", divide="ignore"):
            n = np.where(span > 0, (x - lo) / np.where(span > 0, span, 1.0), np.nan)
        present = ~np.isnan(n)
        ww = (w / w.sum(axis=1, keepdims=True)).T[np.newaxis, :, :] ** 2
        dp = np.sqrt(np.sum(np.where(present, (1.0 - n) ** 2, 0.0) * ww, axis=1))
        dm = np.sqrt(np.sum(np.where(present, n**2, 0.0) * ww, axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            c = 100.0 * dm / (dm + dp)
        return np.where(present.any(axis=1), c, np.nan)
    if method == "geometric":
        lo = np.fmin.reduce(x, axis=0, keepdims=True)
        hi = np.fmax.reduce(x, axis=0, keepdims=True)
        span = hi - lo
        with np.errstate(invalid="ignore", divide="ignore"):
            scaled = 1.0 + 99.0 * np.where(span > 0, (x - lo) / np.where(span > 0, span, 1.0), 0.5)
        x = np.where(lo > 0, x, scaled)
        values = np.log(x)
    else:
        values = x
    present = ~np.isnan(values)
    wt = w.T[np.newaxis, :, :]
    wsum = np.sum(present * wt, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sum(np.where(present, values, 0.0) * wt, axis=1) / wsum
    s = np.where(wsum > 0, s, np.nan)
    return np.exp(s) if method == "geometric" else s


def scores_of_draws(table: Table, policy: IndexPolicy, d: Draws) -> Array:
    """The index score of every unit in every run (units × runs), vectorised over the runs of each cell."""
    mc = policy.monte_carlo
    dims = dimension_of(policy)
    units, runs = len(table.units), d.normalisation.size
    out = np.full((units, runs), np.nan)
    for ii, imp in enumerate(mc.imputation):
        _den, x = prepared(table, policy, imp)
        tr, _t = treated(x, policy)
        for ni, method in enumerate(mc.normalisations):
            norm = normalise(tr, method, directions(policy), benchmarks(policy))
            for ai, agg in enumerate(mc.aggregations):
                sel = np.flatnonzero((d.imputation == ii) & (d.normalisation == ni) & (d.aggregation == ai))
                if not sel.size:
                    continue
                dscores = np.empty((units, len(policy.dimensions), sel.size))
                for k in range(len(policy.dimensions)):
                    cols = np.flatnonzero(dims == k)
                    dscores[:, k, :] = _level_same_data(norm[:, cols], d.indicator_weights[sel][:, cols], agg)
                out[:, sel] = _level_per_run(dscores, d.dimension_weights[sel], agg)
    return out


def monte_carlo(table: Table, policy: IndexPolicy, runs: int | None = None, seed: int | None = None) -> Robustness:
    """Each unit's median rank and 5–95 % rank interval over the runs."""
    d = draw(table, policy, runs, seed)
    return _summarise(rank_scores(scores_of_draws(table, policy, d)), d)


def monte_carlo_loop(table: Table, policy: IndexPolicy, runs: int | None = None, seed: int | None = None) -> Robustness:
    """The same Monte Carlo, one ``compute`` per run: the straightforward implementation."""
    d = draw(table, policy, runs, seed)
    mc = policy.monte_carlo
    ranks = np.empty((len(table.units), d.normalisation.size))
    for r in range(d.normalisation.size):
        c = compute(
            table,
            policy,
            normalisation=mc.normalisations[d.normalisation[r]],
            aggregation=mc.aggregations[d.aggregation[r]],
            impute=mc.imputation[d.imputation[r]],
            indicator_weights=d.indicator_weights[r],
            dimension_weights=d.dimension_weights[r],
        )
        ranks[:, r] = c.rank
    return _summarise(ranks, d)


def _summarise(ranks: Array, d: Draws) -> Robustness:
    if ranks.shape[1] == 0:
        nan = np.full(ranks.shape[0], np.nan)
        return Robustness(ranks, nan, nan, nan, d)
    filled = np.where(np.isnan(ranks), ranks.shape[0], ranks)
    low, median, high = np.quantile(filled, [0.05, 0.5, 0.95], axis=1, method="inverted_cdf")
    return Robustness(ranks, np.median(filled, axis=1), low, high, d)


@dataclass(frozen=True)
class Sensitivity:
    """Shares of the variance of the ranks (pooled over units): the first-order share of each discrete choice, the
    share left to the weights with every discrete choice fixed (their total effect), and what is left over
    (interactions between the discrete choices)."""

    normalisation: float
    aggregation: float
    imputation: float
    weights: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 6) for k, v in self.__dict__.items()}


def sensitivity(rob: Robustness) -> Sensitivity:
    ranks = np.where(np.isnan(rob.ranks), rob.ranks.shape[0], rob.ranks)
    total = float(np.sum(np.var(ranks, axis=1)))
    if total == 0:
        return Sensitivity(0.0, 0.0, 0.0, 0.0)
    d = rob.draws

    def first_order(labels: np.ndarray) -> float:
        mean = ranks.mean(axis=1, keepdims=True)
        v = 0.0
        for g in np.unique(labels):
            sel = labels == g
            v += float(sel.mean() * np.sum((ranks[:, sel].mean(axis=1, keepdims=True) - mean) ** 2))
        return v / total

    cell = d.normalisation * 10_000 + d.aggregation * 100 + d.imputation
    within_cells = 0.0
    for g in np.unique(cell):
        sel = cell == g
        within_cells += float(sel.mean() * np.sum(np.var(ranks[:, sel], axis=1)))
    return Sensitivity(
        first_order(d.normalisation), first_order(d.aggregation), first_order(d.imputation), within_cells / total
    )


@dataclass(frozen=True)
class Gain:
    """What unit ``unit`` would need to gain a place through indicator ``indicator`` alone: the raw value
    ``needed`` instead of ``value`` (``None`` when that indicator alone cannot do it within the search range)."""

    unit: int
    indicator: int
    value: float
    needed: float | None
    change: float | None
    relative: float | None  # |change| / the indicator's range over the units


def _one_column(table: Table, policy: IndexPolicy, base: Computation, j: int, raw: Array) -> Array:
    """The ranks when indicator ``j`` takes the raw values ``raw`` and every other indicator keeps its stages."""
    m = policy.methods
    values = np.asarray(table.values, dtype=float).copy()
    values[:, j] = raw
    dens = None if table.denominators is None else np.asarray(table.denominators, dtype=float)
    ind = policy.indicators[j]
    col = raw.copy()
    if m.denominate and dens is not None and ind.denominator is not None:
        col = denominate(col[:, np.newaxis], dens, [list(policy.denominators).index(ind.denominator)])[:, 0]
    if m.impute == "group_mean":
        col = impute_group_mean(col[:, np.newaxis], table.groups)[:, 0]
    if m.treat.method == "winsorise":
        t = m.treat
        limit = default_winmax(col.size) if t.winmax is None else t.winmax
        col, _t = winsorise_column(col, limit, t.skew, t.kurtosis, t.fallback)
    norm = base.normalised.copy()
    norm[:, j] = normalise(
        col[:, np.newaxis], m.normalise, directions(policy)[j : j + 1], benchmarks(policy)[j : j + 1]
    )[:, 0]
    iw = base.indicator_weights
    if m.weights == "entropy":
        treated_minmax = normalise(base.treated, "minmax", directions(policy))
        treated_minmax[:, j] = normalise(col[:, np.newaxis], "minmax", directions(policy)[j : j + 1])[:, 0]
        iw, _dw = base_weights(policy, treated_minmax)
    dims = dimension_of(policy)
    dscores = base.dimensions.copy()
    k = dims[j]
    cols = np.flatnonzero(dims == k)
    dscores[:, k] = aggregate(norm[:, cols], iw[cols], m.aggregate_indicators)
    return rank_scores(aggregate(dscores, base.dimension_weights, m.aggregate_dimensions))


def gain_a_place(
    table: Table, policy: IndexPolicy, unit: int, steps: int = 24, base: Computation | None = None
) -> list[Gain]:
    """For one unit (not first), the smallest change of each indicator (others unchanged, the official method
    recomputed for that indicator: denominator, imputation, treatment, normalisation over all units, weights,
    aggregation) that would give it a better rank. A coarse search, then a bisection over the change: the search
    reaches to the best value among the units plus three times their range (down to 0 for an indicator where lower
    is better and values are not negative)."""
    base = base or compute(table, policy)
    current = base.rank[unit]
    if np.isnan(current) or current <= 1:
        return []
    values = np.asarray(table.values, dtype=float)
    out = []
    for j, ind in enumerate(policy.indicators):
        col = values[:, j]
        finite = col[~np.isnan(col)]
        if finite.size < 2:
            continue
        lo, hi = float(finite.min()), float(finite.max())
        span = hi - lo if hi > lo else max(abs(hi), 1.0)
        v = float(values[unit, j])
        start = (lo if ind.direction > 0 else hi) if np.isnan(v) else v
        end = hi + 3 * span if ind.direction > 0 else (0.0 if lo >= 0 else lo - 3 * span)
        if (end - start) * ind.direction <= 0:
            out.append(Gain(unit, j, v, None, None, None))
            continue

        def gains(x: float, j: int = j, col: Array = col) -> bool:
            trial = col.copy()
            trial[unit] = x
            return bool(_one_column(table, policy, base, j, trial)[unit] < current)

        grid = np.linspace(start, end, 13)[1:]
        first = next((float(g) for g in grid if gains(float(g))), None)
        if first is None:
            out.append(Gain(unit, j, v, None, None, None))
            continue
        a, b = start, first
        for _ in range(steps):
            mid = (a + b) / 2
            if gains(mid):
                b = mid
            else:
                a = mid
        change = b - start
        out.append(Gain(unit, j, v, b, change, abs(change) / span))
    return out


def smallest_gain(gains: list[Gain]) -> Gain | None:
    """The change that is smallest against its indicator's range."""
    found = [g for g in gains if g.relative is not None]
    return min(found, key=lambda g: g.relative or 0.0) if found else None
