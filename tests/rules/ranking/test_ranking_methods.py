"""Each method on a small table worked out by hand: 功效系数, z-score, rank, ratio to a benchmark, entropy weights,
TOPSIS (by hand, and the same as pymcdm 1.4.0), geometric mean, winsorisation and its log fallback, ranks with ties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pymcdm.methods import TOPSIS
from pymcdm.weights import entropy_weights as pymcdm_entropy

from landcycle.rules.ranking.stages import (
    aggregate,
    entropy_weights,
    kurtosis,
    normalise,
    rank_scores,
    skewness,
    topsis,
    topsis_runs,
    winsorise_column,
)

X = np.array([[10.0, 5.0], [20.0, 5.0], [40.0, 20.0]])
UP_DOWN = np.array([1.0, -1.0])


def test_efficacy_coefficient_60_plus_40():
    out = normalise(X, "efficacy", UP_DOWN)
    # 60 + 40·(x − min)/(max − min); lower is better: 60 + 40·(max − x)/(max − min)
    assert out[:, 0] == pytest.approx([60.0, 60 + 40 * 10 / 30, 100.0])
    assert out[:, 1] == pytest.approx([100.0, 100.0, 60.0])


def test_minmax_zscore_rank_ratio():
    assert normalise(X, "minmax", UP_DOWN)[:, 0] == pytest.approx([0.0, 100 / 3, 100.0])
    mean, sd = 70 / 3, math.sqrt(((10 - 70 / 3) ** 2 + (20 - 70 / 3) ** 2 + (40 - 70 / 3) ** 2) / 2)
    assert normalise(X, "zscore", UP_DOWN)[:, 0] == pytest.approx([(v - mean) / sd for v in (10, 20, 40)])
    # ranks: ties take the lowest rank; lower is better reverses
    assert normalise(X, "rank", UP_DOWN)[:, 1] == pytest.approx([50.0, 50.0, 0.0])
    assert normalise(X, "ratio", UP_DOWN, np.array([50.0, np.nan]))[:, 0] == pytest.approx([20.0, 40.0, 80.0])
    # no benchmark: the best unit is 100; lower is better: benchmark / x
    assert normalise(X, "ratio", UP_DOWN)[:, 1] == pytest.approx([100.0, 100.0, 25.0])


def test_constant_indicator_and_missing_values():
    x = np.array([[3.0], [3.0], [np.nan]])
    assert normalise(x, "minmax", np.array([1.0]))[:2, 0] == pytest.approx([50.0, 50.0])
    assert np.isnan(normalise(x, "efficacy", np.array([1.0]))[2, 0])


def test_entropy_weights_by_hand_and_as_pymcdm():
    m = np.array([[1.0, 2.0], [2.0, 2.0], [3.0, 4.0]])
    # e_j = −Σ p ln p / ln 3 with p = x / Σx: e1 = 0.920619835714305, e2 = 0.946394630357186
    e1 = -sum(p * math.log(p) for p in (1 / 6, 2 / 6, 3 / 6)) / math.log(3)
    e2 = -sum(p * math.log(p) for p in (2 / 8, 2 / 8, 4 / 8)) / math.log(3)
    assert (e1, e2) == pytest.approx((0.920619835714305, 0.946394630357186))
    expected = [(1 - e1) / (2 - e1 - e2), (1 - e2) / (2 - e1 - e2)]
    assert entropy_weights(m) == pytest.approx(expected, abs=1e-12)
    assert entropy_weights(m) == pytest.approx(pymcdm_entropy(m), abs=1e-12)


def test_entropy_weights_with_a_zero_count_it_as_zero_log_zero():
    m = np.array([[0.0, 2.0], [1.0, 2.0], [3.0, 4.0]])
    e1 = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(3)  # 0·ln 0 = 0
    e2 = -sum(p * math.log(p) for p in (2 / 8, 2 / 8, 4 / 8)) / math.log(3)
    assert e1 == pytest.approx(0.5118595071429147)
    assert entropy_weights(m) == pytest.approx([(1 - e1) / (2 - e1 - e2), (1 - e2) / (2 - e1 - e2)])


TOPSIS_TABLE = np.array([[1.0, 4.0], [2.0, 2.0], [3.0, 1.0]])


def test_topsis_by_hand():
    # min-max: [0, .5, 1] and [1, 1/3, 0]; weighted by .5: ideal (.5, .5), anti-ideal (0, 0)
    # unit 2: D+ = sqrt(.25² + (1/3·.5 − .5)²) = sqrt(25/144 … ) → C = sqrt(13) / (5 + sqrt(13))
    c = topsis(TOPSIS_TABLE, np.array([1.0, 1.0]))
    assert c == pytest.approx([0.5, math.sqrt(13) / (5 + math.sqrt(13)), 0.5], abs=1e-12)
    assert aggregate(TOPSIS_TABLE, np.array([1.0, 1.0]), "topsis")[1] == pytest.approx(100 * c[1])


def test_topsis_is_pymcdms_and_vectorised_over_weights():
    rng = np.random.default_rng(3)
    x = rng.uniform(1, 9, size=(7, 4))
    ws = rng.uniform(0.2, 1.0, size=(5, 4))
    many = topsis_runs(x, ws)
    for r, w in enumerate(ws):
        reference = TOPSIS()(x, w / w.sum(), np.ones(4, dtype=int))
        assert many[:, r] == pytest.approx(reference, abs=1e-12)
        assert topsis(x, w) == pytest.approx(reference, abs=1e-12)


def test_topsis_leaves_missing_values_out():
    x = np.array([[1.0, 4.0], [2.0, np.nan], [3.0, 1.0]])
    c = topsis(x, np.array([1.0, 1.0]))
    assert c[1] == pytest.approx(0.5)  # only the first column: halfway → D+ = D−


def test_geometric_mean():
    x = np.array([[4.0, 9.0], [1.0, 100.0]])
    assert aggregate(x, np.array([1.0, 1.0]), "geometric") == pytest.approx([6.0, 10.0])
    assert aggregate(x, np.array([3.0, 1.0]), "geometric")[0] == pytest.approx(
        math.exp((3 * math.log(4) + math.log(9)) / 4)
    )


def test_skew_and_kurtosis_are_e1071_type_2():
    v = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    n, d = 5, v - v.mean()
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
    g1 = m3 / m2**1.5 * math.sqrt(n * (n - 1)) / (n - 2)
    g2 = ((n + 1) * (m4 / m2**2 - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    assert skewness(v) == pytest.approx(g1) and kurtosis(v) == pytest.approx(g2)


def test_winsorise_replaces_the_maximum_by_the_next_value():
    v = np.array([1.0, 2.0, 2.5, 3.0, 3.5, 2.0, 1.5, 2.2, 2.8, 3.1, 1.9, 2.4, 60.0])
    out, t = winsorise_column(v, winmax=3)
    assert t.kind == "winsorised" and t.points == 1 and t.high == (12,)
    assert out[12] == 3.5 and np.array_equal(out[:12], v[:12])


def test_winsorise_falls_back_to_ctlog_after_winmax_steps():
    v = np.array([1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0, 2.1, 2.2, 2.3, 2.4, 1e3, 1e4, 1e5, 1e6])
    out, t = winsorise_column(v, winmax=1)
    assert t.kind == "ctlog"
    assert out == pytest.approx(np.log(v - 1.0 + 0.01 * (1e6 - 1.0)))
    same, t2 = winsorise_column(v, winmax=1, fallback="none")
    assert t2.kind == "failed" and np.array_equal(same, v)


def test_ranks_share_the_better_place_on_ties_and_missing_is_unranked():
    assert rank_scores(np.array([50.0, 70.0, 50.0, np.nan, 10.0])).tolist()[:3] == [2.0, 1.0, 2.0]
    r = rank_scores(np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]]))
    assert r.tolist() == [[3.0, 1.0], [2.0, 2.0], [1.0, 3.0]]
    assert np.isnan(rank_scores(np.array([1.0, np.nan]))[1])
