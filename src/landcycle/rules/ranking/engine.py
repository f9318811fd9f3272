"""An index computed on a table of units × indicators under a policy: every stage kept, so each score can be
explained (what was divided, filled, treated, normalised, and what each indicator contributed).

``compute(table, policy)`` runs the official method; ``compute(..., normalisation=…, aggregation=…, impute=…)``
runs one of the alternatives the robustness analysis draws. Pure numpy, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .policy import IndexPolicy
from .stages import (
    Array,
    Treatment,
    aggregate,
    denominate,
    entropy_weights,
    impute_group_mean,
    normalise,
    rank_scores,
    winsorise,
)


@dataclass(frozen=True)
class Table:
    """The input: unit names, the indicator values (units × the policy's indicators, NaN = missing), the
    denominators (units × the policy's denominators, in their order) and each unit's group for imputation."""

    units: tuple[str, ...]
    values: Array
    denominators: Array | None = None
    groups: tuple[str, ...] | None = None


@dataclass
class Computation:
    """Every stage of one computation, and the scores and ranks it gives."""

    denominated: Array
    imputed: Array
    treated: Array
    treatments: list[Treatment]
    normalised: Array
    indicator_weights: Array  # within each dimension, summing to 1 per dimension
    dimension_weights: Array  # summing to 1
    dimensions: Array  # units × dimensions
    score: Array
    rank: Array
    notes: list[tuple[str, str]] = field(default_factory=list)


def dimension_of(policy: IndexPolicy) -> np.ndarray:
    """For each indicator (policy order), the index of its dimension."""
    return np.array([d for d, dim in enumerate(policy.dimensions) for _ in dim.indicators], dtype=int)


def directions(policy: IndexPolicy) -> Array:
    return np.array([i.direction for i in policy.indicators], dtype=float)


def benchmarks(policy: IndexPolicy) -> Array:
    return np.array([np.nan if i.benchmark is None else i.benchmark for i in policy.indicators], dtype=float)


def within(weights: Array, dims: np.ndarray, count: int) -> Array:
    """Weights made to sum to 1 inside each dimension (a dimension whose weights are all 0 keeps zeros)."""
    totals = np.bincount(dims, weights=weights, minlength=count)
    safe = np.where(totals[dims] > 0, totals[dims], 1.0)
    return np.asarray(weights / safe, dtype=float)


def prepared(table: Table, policy: IndexPolicy, impute: bool) -> tuple[Array, Array]:
    """(denominated, imputed) values: the stages before outlier treatment; ``impute``: fill missing values with the
    mean of their group (``table.groups``; all units when there are none)."""
    values = np.asarray(table.values, dtype=float)
    if policy.methods.denominate and table.denominators is not None:
        keys = list(policy.denominators)
        which = [None if i.denominator is None else keys.index(i.denominator) for i in policy.indicators]
        den = denominate(values, np.asarray(table.denominators, dtype=float), which)
    else:
        den = values.copy()
    if impute:
        return den, impute_group_mean(den, table.groups)
    return den, den.copy()


def treated(x: Array, policy: IndexPolicy) -> tuple[Array, list[Treatment]]:
    t = policy.methods.treat
    if t.method == "none":
        return x.copy(), [Treatment("none", 0, (), (), float("nan"), float("nan")) for _ in range(x.shape[1])]
    return winsorise(x, t.winmax, t.skew, t.kurtosis, t.fallback)


def base_weights(policy: IndexPolicy, normalised_minmax: Array | None = None) -> tuple[Array, Array]:
    """(indicator weights within dimensions, dimension weights), as the policy's ``weights`` method says. Entropy
    weights are computed inside each dimension from the min-max normalised values (higher is better)."""
    dims = dimension_of(policy)
    count = len(policy.dimensions)
    method = policy.methods.weights
    if method == "equal":
        w = np.ones(len(dims))
    elif method == "entropy":
        if normalised_minmax is None:
            raise ValueError("entropy weights need the normalised values")
        w = np.zeros(len(dims))
        for d in range(count):
            cols = np.flatnonzero(dims == d)
            w[cols] = entropy_weights(normalised_minmax[:, cols])
    else:
        w = np.array([i.weight for i in policy.indicators], dtype=float)
    dw = np.array([d.weight for d in policy.dimensions], dtype=float)
    return within(w, dims, count), dw / dw.sum()


def compute(
    table: Table,
    policy: IndexPolicy,
    *,
    normalisation: str | None = None,
    aggregation: str | None = None,
    impute: bool | None = None,
    indicator_weights: Array | None = None,
    dimension_weights: Array | None = None,
) -> Computation:
    """The index of every unit. Without the keyword arguments: the policy's own method (its official result);
    ``impute=True`` fills missing values with the group mean, ``False`` leaves them out, ``None`` does what the
    policy says."""
    m = policy.methods
    den, imp = prepared(table, policy, m.impute == "group_mean" if impute is None else impute)
    tr, treatments = treated(imp, policy)
    dirs = directions(policy)
    norm = normalise(tr, normalisation or m.normalise, dirs, benchmarks(policy))
    minmax = norm if (normalisation or m.normalise) == "minmax" else normalise(tr, "minmax", dirs)
    iw, dw = base_weights(policy, minmax)
    if indicator_weights is not None:
        iw = within(np.asarray(indicator_weights, dtype=float), dimension_of(policy), len(policy.dimensions))
    if dimension_weights is not None:
        dw = np.asarray(dimension_weights, dtype=float) / np.sum(dimension_weights)
    dims = dimension_of(policy)
    level1 = aggregation or m.aggregate_indicators
    level2 = aggregation or m.aggregate_dimensions
    dscores = np.full((norm.shape[0], len(policy.dimensions)), np.nan)
    for d in range(len(policy.dimensions)):
        cols = np.flatnonzero(dims == d)
        dscores[:, d] = aggregate(norm[:, cols], iw[cols], level1)
    score = aggregate(dscores, dw, level2)
    notes = []
    if np.isnan(imp).any():
        notes.append(("部分指标缺失，按其余指标计算", "some values are missing: left out of the means"))
    return Computation(den, imp, tr, treatments, norm, iw, dw, dscores, score, rank_scores(score), notes)


def contributions(c: Computation, policy: IndexPolicy) -> Array:
    """Each indicator's share of the index score under the arithmetic mean: normalised value × its weight in the
    dimension × the dimension's weight (missing values contribute nothing; the weights of the others are rescaled)."""
    dims = dimension_of(policy)
    present = ~np.isnan(c.normalised)
    w = np.where(present, c.indicator_weights[np.newaxis, :], 0.0)
    totals = np.zeros((w.shape[0], len(policy.dimensions)))
    for d in range(len(policy.dimensions)):
        totals[:, d] = w[:, dims == d].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.nan_to_num(w / totals[:, dims])
    dpresent = ~np.isnan(c.dimensions)
    dw = np.where(dpresent, c.dimension_weights[np.newaxis, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        dshare = np.nan_to_num(dw / dw.sum(axis=1, keepdims=True))
    return np.asarray(np.where(present, c.normalised, 0.0) * share * dshare[:, dims], dtype=float)


def order(values: Sequence[float]) -> list[int]:
    """Positions sorted by rank (missing last)."""
    return sorted(range(len(values)), key=lambda i: (np.isnan(values[i]), values[i]))
