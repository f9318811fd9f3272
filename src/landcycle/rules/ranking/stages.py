"""The stages of a composite index on numpy arrays (units in rows, indicators in columns), after the OECD/JRC
Handbook on Constructing Composite Indicators and COINr (the JRC's R package): denominate, impute, treat outliers,
normalise, weight, aggregate.

Missing values are ``NaN`` throughout. Each function returns new arrays and never changes its input. The
COINr ASEM vectors (tests/data/coinr_asem) are reproduced stage by stage to 1e-9 by ``denominate``,
``impute_group_mean``, ``winsorise``, ``normalise(…, "minmax")`` and ``aggregate(…, "arithmetic")``.
Pure numpy (and pymcdm for TOPSIS and entropy weights where it fits), no Django.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

NORMALISATIONS = ("minmax", "zscore", "ratio", "efficacy", "rank")
AGGREGATIONS = ("arithmetic", "geometric", "topsis")
WEIGHTINGS = ("fixed", "equal", "entropy")
IMPUTATIONS = ("group_mean", "none")
TREATMENTS = ("winsorise", "none")
FALLBACKS = ("ctlog", "none")


# ── denominate ────────────────────────────────────────────────────────────────────────────────────────────────


def denominate(x: Array, denominators: Array, which: Sequence[int | None]) -> Array:
    """Each indicator ``j`` divided by the denominator column ``which[j]`` (``None``: left as it is).

    ``denominators`` is units × denominators. A zero or missing denominator gives a missing value."""
    out = np.array(x, dtype=float, copy=True)
    for j, k in enumerate(which):
        if k is None:
            continue
        d = denominators[:, k]
        with np.errstate(divide="ignore", invalid="ignore"):
            col = out[:, j] / d
        col[~np.isfinite(d) | (d == 0)] = np.nan
        out[:, j] = col
    return out


# ── impute ────────────────────────────────────────────────────────────────────────────────────────────────────


def impute_group_mean(x: Array, groups: Sequence[object] | None = None) -> Array:
    """Each missing value replaced by the mean of its indicator over the units of the same group (COINr's
    ``indgroup_mean``); ``groups=None``: one group of every unit. A group where an indicator is missing for every
    unit keeps it missing."""
    out = np.array(x, dtype=float, copy=True)
    labels = (
        np.zeros(out.shape[0], dtype=int) if groups is None else np.unique(np.asarray(groups), return_inverse=True)[1]
    )
    for g in np.unique(labels):
        rows = labels == g
        block = out[rows]
        present = ~np.isnan(block)
        counts = present.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(present, block, 0.0).sum(axis=0) / counts
        block = np.where(present, block, means[np.newaxis, :])
        out[rows] = block
    return out


# ── treat outliers ────────────────────────────────────────────────────────────────────────────────────────────


def skewness(v: Array) -> float:
    """Sample skewness G1 (e1071 ``type = 2``, as COINr uses), missing values left out."""
    v = v[~np.isnan(v)]
    n = v.size
    if n < 3:
        return math.nan
    d = v - v.mean()
    m2, m3 = float(np.mean(d**2)), float(np.mean(d**3))
    if m2 == 0:
        return math.nan
    g1 = m3 / m2**1.5
    return g1 * math.sqrt(n * (n - 1)) / (n - 2)


def kurtosis(v: Array) -> float:
    """Sample excess kurtosis G2 (e1071 ``type = 2``), missing values left out."""
    v = v[~np.isnan(v)]
    n = v.size
    if n < 4:
        return math.nan
    d = v - v.mean()
    m2, m4 = float(np.mean(d**2)), float(np.mean(d**4))
    if m2 == 0:
        return math.nan
    g2 = m4 / m2**2 - 3
    return ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))


@dataclass(frozen=True)
class Treatment:
    """What happened to one indicator: ``kind`` is "none", "winsorised", "ctlog" or "failed"; ``low`` and ``high``
    are the rows winsorised from below and from above; ``points`` the number of winsorisation steps."""

    kind: str
    points: int
    low: tuple[int, ...]
    high: tuple[int, ...]
    skew: float
    kurtosis: float


def _fails(v: Array, t_skew: float, t_kurt: float) -> bool:
    sk, kt = skewness(v), kurtosis(v)
    return bool(abs(sk) > t_skew and kt > t_kurt)


def winsorise_column(
    v: Array, winmax: int, t_skew: float = 2.0, t_kurt: float = 3.5, fallback: str = "ctlog"
) -> tuple[Array, Treatment]:
    """COINr's default treatment of one indicator.

    While |skew| > ``t_skew`` and kurtosis > ``t_kurt`` and fewer than ``winmax`` steps were taken: if the skew is
    positive, every value equal to the maximum becomes the largest of the other values, else every value equal to the
    minimum becomes the smallest of the others. When ``winmax`` steps were not enough, the original column is log
    transformed instead (``ctlog``: log(x − min + 0.01·(max − min)), the COIN Tool's) or, with ``fallback="none"``,
    left as it was. A step that would leave fewer than two distinct values stops the treatment: the column is left
    as it was (``kind="failed"``)."""
    col = np.array(v, dtype=float, copy=True)
    imax: NDArray[np.intp] = np.array([], dtype=np.intp)
    imin: NDArray[np.intp] = np.array([], dtype=np.intp)
    winz = 0
    sk, kt = skewness(col), kurtosis(col)
    while abs(sk) > t_skew and kt > t_kurt and winz < winmax:
        if sk >= 0:
            top = np.nanmax(col)
            imax = np.flatnonzero(col == top)
            rest = np.delete(col, imax)
            col[imax] = np.nanmax(rest)
        else:
            bottom = np.nanmin(col)
            imin = np.flatnonzero(col == bottom)
            rest = np.delete(col, imin)
            col[imin] = np.nanmin(rest)
        winz += 1
        if np.unique(col[~np.isnan(col)]).size < 2:
            original = np.array(v, dtype=float, copy=True)
            return original, Treatment("failed", 0, (), (), skewness(original), kurtosis(original))
        sk, kt = skewness(col), kurtosis(col)
    if winz >= winmax and abs(sk) > t_skew and kt > t_kurt:
        original = np.array(v, dtype=float, copy=True)
        if fallback == "ctlog":
            lo, hi = np.nanmin(original), np.nanmax(original)
            logged = np.log(original - lo + 0.01 * (hi - lo))
            return logged, Treatment("ctlog", 0, (), (), skewness(logged), kurtosis(logged))
        return original, Treatment("failed", winz, (), (), skewness(original), kurtosis(original))
    kind = "winsorised" if winz else "none"
    return col, Treatment(kind, winz, tuple(int(i) for i in imin), tuple(int(i) for i in imax), sk, kt)


def default_winmax(units: int) -> int:
    """COINr's default: 10 % of the units, rounded up."""
    return math.ceil(units * 0.1)


def winsorise(
    x: Array, winmax: int | None = None, t_skew: float = 2.0, t_kurt: float = 3.5, fallback: str = "ctlog"
) -> tuple[Array, list[Treatment]]:
    """``winsorise_column`` on every indicator; ``winmax=None``: 10 % of the units, rounded up."""
    limit = default_winmax(x.shape[0]) if winmax is None else winmax
    out = np.empty_like(np.asarray(x, dtype=float))
    done = []
    for j in range(x.shape[1]):
        out[:, j], t = winsorise_column(x[:, j], limit, t_skew, t_kurt, fallback)
        done.append(t)
    return out, done


# ── normalise ─────────────────────────────────────────────────────────────────────────────────────────────────


def _directed(x: Array, directions: Array) -> Array:
    return np.asarray(x, dtype=float) * np.asarray(directions, dtype=float)[np.newaxis, :]


def _minmax01(x: Array) -> Array:
    lo, hi = np.fmin.reduce(x, axis=0), np.fmax.reduce(x, axis=0)
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(span > 0, (x - lo) / np.where(span > 0, span, 1.0), np.where(np.isnan(x), np.nan, 0.5))


def _rank01(x: Array) -> Array:
    """Percentile rank (COINr's ``n_prank``, ties at the lowest rank): (rank − 1)/(n − 1)."""
    out = np.full(x.shape, np.nan)
    for j in range(x.shape[1]):
        col = x[:, j]
        ok = ~np.isnan(col)
        vals = col[ok]
        if vals.size == 0:
            continue
        ranks = np.searchsorted(np.sort(vals), vals, side="left").astype(float)  # 0-based, ties at the lowest
        out[ok, j] = ranks / (vals.size - 1) if vals.size > 1 else 0.5
    return out


def normalise(x: Array, method: str, directions: Array, benchmarks: Array | None = None) -> Array:
    """Indicators on a common scale where higher is better.

    - ``minmax``: 100·(x − min)/(max − min) after multiplying by the direction (COINr's ``minmax``: an indicator
      where lower is better comes out as 100 minus its min-max value).
    - ``zscore``: (x − mean)/sd (sample sd) of the directed values.
    - ``efficacy`` (功效系数): 60 + 40·(x − min)/(max − min) of the directed values.
    - ``rank``: 100·(rank − 1)/(n − 1), the lowest rank for ties (COINr's percentile rank).
    - ``ratio``: 100·x/benchmark (100·benchmark/x where lower is better); without a benchmark, the best value of the
      units is the benchmark.
    A constant indicator (max = min) gives 50 under ``minmax``, 80 under ``efficacy``, 0 under ``zscore``."""
    d = _directed(x, directions)
    if method == "minmax":
        return 100.0 * _minmax01(d)
    if method == "efficacy":
        return 60.0 + 40.0 * _minmax01(d)
    if method == "zscore":
        n = np.sum(~np.isnan(d), axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(d, axis=0) / n
        sd = np.sqrt(np.nansum((d - mean) ** 2, axis=0) / np.maximum(n - 1, 1))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(sd > 0, (d - mean) / np.where(sd > 0, sd, 1.0), np.where(np.isnan(d), np.nan, 0.0))
    if method == "rank":
        return 100.0 * _rank01(d)
    if method == "ratio":
        return _ratio(np.asarray(x, dtype=float), np.asarray(directions, dtype=float), benchmarks)
    raise ValueError(f"unknown normalisation {method!r}")


def _ratio(x: Array, directions: Array, benchmarks: Array | None) -> Array:
    best: Array = np.asarray(
        np.where(directions > 0, np.fmax.reduce(x, axis=0), np.fmin.reduce(x, axis=0)), dtype=float
    )
    b: Array = best if benchmarks is None else np.asarray(np.where(np.isnan(benchmarks), best, benchmarks), dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(directions > 0, 100.0 * x / b, 100.0 * b / x)
    return np.where(np.isfinite(out), out, np.nan)


# ── weights ───────────────────────────────────────────────────────────────────────────────────────────────────


def entropy_weights(x: Array) -> Array:
    """Entropy weights (熵权法) of the columns of ``x`` (higher is better, values ≥ 0, missing rows left out of the
    column): p = x/Σx, e = −Σ p·ln p / ln n (0·ln 0 = 0), weights ∝ 1 − e. Where every value is positive this is
    pymcdm's ``entropy_weights``, which is used then; pymcdm gives a column holding a zero the entropy 0 (the
    largest weight), here such a column counts its zeros as 0·ln 0 = 0, the usual convention."""
    m = np.asarray(x, dtype=float)
    if np.all(np.isfinite(m)) and np.all(m > 0) and m.shape[0] > 1:
        from pymcdm.weights import entropy_weights as pymcdm_entropy  # noqa: PLC0415 -- pymcdm is imported only when a policy asks for entropy weights

        return np.asarray(pymcdm_entropy(m), dtype=float)
    out = np.zeros(m.shape[1])
    for j in range(m.shape[1]):
        col = m[:, j][~np.isnan(m[:, j])]
        total = col.sum()
        if col.size < 2 or total <= 0:
            continue
        p = col / total
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
        out[j] = 1.0 + terms.sum() / math.log(col.size)
    s = out.sum()
    return out / s if s > 0 else np.full(m.shape[1], 1.0 / m.shape[1])


# ── aggregate ─────────────────────────────────────────────────────────────────────────────────────────────────


def _positive(x: Array) -> Array:
    """Columns with a value ≤ 0 mapped affinely onto [1, 100] (a geometric mean needs positive values)."""
    lo = np.fmin.reduce(x, axis=0)
    if np.all(lo > 0):
        return x
    scaled = 1.0 + 99.0 * _minmax01(x)
    return np.where(lo[np.newaxis, :] > 0, x, scaled)


def aggregate(x: Array, weights: Array, method: str = "arithmetic") -> Array:
    """One score per unit from the columns of ``x`` with ``weights``; a missing value is left out (the weights of
    the values present are used), a unit with no value at all stays missing.

    - ``arithmetic``: Σ w·x / Σ w.
    - ``geometric``: exp(Σ w·ln x / Σ w); a column with a value ≤ 0 is first mapped onto [1, 100].
    - ``topsis``: 100 × TOPSIS closeness (pymcdm; its min-max normalisation, ideal = best value of each column)."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(weights, dtype=float)
    if method == "topsis":
        return 100.0 * topsis(x, w)
    values = np.log(_positive(x)) if method == "geometric" else x
    present = ~np.isnan(values)
    wsum = present.astype(float) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(present, values, 0.0) @ w / wsum
    score = np.where(wsum > 0, score, np.nan)
    if method == "geometric":
        return np.exp(score)
    if method != "arithmetic":
        raise ValueError(f"unknown aggregation {method!r}")
    return score


def topsis(x: Array, weights: Array) -> Array:
    """TOPSIS closeness (0–1) of each unit; every column is "higher is better". With complete data and no constant
    column this is pymcdm's ``TOPSIS()`` (min-max normalisation), which is used then. A missing value or a constant
    column is left out of the distances (``topsis_runs`` does the same, vectorised over many weight vectors)."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    span = np.fmax.reduce(x, axis=0) - np.fmin.reduce(x, axis=0)
    if np.all(np.isfinite(x)) and np.all(span > 0) and x.shape[0] > 1:
        from pymcdm.methods import TOPSIS  # noqa: PLC0415 -- pymcdm is imported only when a policy asks for TOPSIS

        return np.asarray(TOPSIS()(x, w, np.ones(x.shape[1], dtype=int)), dtype=float)
    return topsis_runs(x, w[np.newaxis, :])[:, 0]


def topsis_runs(x: Array, weights: Array) -> Array:
    """TOPSIS closeness for many weight vectors at once: ``weights`` is runs × columns, the result units × runs.

    With min-max normalised values n (0 worst, 1 best) and positive weights, the ideal of a column is w·1 and the
    anti-ideal w·0, so D⁺² = Σ w²(1 − n)² and D⁻² = Σ w²n²: two matrix products, no loop over runs."""
    n = _minmax01(np.asarray(x, dtype=float))
    span = np.fmax.reduce(x, axis=0) - np.fmin.reduce(x, axis=0)
    keep = span > 0
    n = np.where(keep[np.newaxis, :], n, np.nan)
    present = ~np.isnan(n)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum(axis=1, keepdims=True)
    w2 = (w**2).T  # columns × runs
    dp = np.sqrt(np.where(present, (1.0 - n) ** 2, 0.0) @ w2)
    dm = np.sqrt(np.where(present, n**2, 0.0) @ w2)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = dm / (dm + dp)
    anything = np.asarray(present.any(axis=1))
    return np.where(anything[:, np.newaxis], c, np.nan)


def aggregate_tree(
    x: Array,
    levels: Sequence[Sequence[int]],
    weights: Sequence[Array],
    methods: Sequence[str],
) -> list[Array]:
    """Aggregate up a hierarchy: ``levels[k][i]`` is the parent (column of level k + 1) of column i of level k
    (level 0: the indicators), ``weights[k]`` the weights of the columns of level k, ``methods[k]`` how level k is
    aggregated into level k + 1. Returns the score table of each level above the indicators."""
    out: list[Array] = []
    current = np.asarray(x, dtype=float)
    for parents, w, method in zip(levels, weights, methods, strict=True):
        p = np.asarray(parents)
        groups = int(p.max()) + 1
        nxt = np.full((current.shape[0], groups), np.nan)
        for g in range(groups):
            cols = np.flatnonzero(p == g)
            if cols.size:
                nxt[:, g] = aggregate(current[:, cols], np.asarray(w)[cols], method)
        out.append(nxt)
        current = nxt
    return out


def rank_scores(scores: Array) -> NDArray[np.float64]:
    """Rank 1 for the highest score, ties sharing the better rank ("min"); a missing score is ranked NaN. ``scores``
    is units × runs or one vector; ranks go down each column. Scores are compared rounded to 9 decimals: two
    scores that differ only by the rounding of a different order of summation are a tie."""
    s = np.asarray(scores, dtype=float)
    flat = s.ndim == 1
    m = s[:, np.newaxis] if flat else s
    key = np.where(np.isnan(m), np.inf, -np.round(m, 9))
    order = np.argsort(key, axis=0, kind="stable")
    ordered = np.take_along_axis(key, order, axis=0)
    pos = np.arange(m.shape[0], dtype=float)[:, np.newaxis] * np.ones((1, m.shape[1]))
    new = np.ones(m.shape, dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    first = np.maximum.accumulate(np.where(new, pos, 0.0), axis=0) + 1.0
    ranks = np.empty(m.shape)
    np.put_along_axis(ranks, order, first, axis=0)
    ranks[np.isnan(m)] = np.nan
    return ranks[:, 0] if flat else ranks
