"""The index of a table under a policy: weights within dimensions, entropy weights through the pipeline, a
benchmark for the ratio, contributions that add up to the score, imputation by a group column read from the file."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from landcycle.rules.ranking.engine import Table, compute, contributions
from landcycle.rules.ranking.policy import parse_policy
from landcycle.rules.ranking.stages import entropy_weights, normalise
from landcycle.rules.ranking.table import read_for_policy


def small(**methods) -> dict:
    return {
        "version": "t1",
        "denominators": {"land": {"name_zh": "工业用地面积", "source": "registry"}},
        "methods": {"treat": {"method": "none"}, "impute": "none", **methods},
        "dimensions": [
            {
                "key": "a",
                "name_zh": "甲",
                "weight": 3,
                "indicators": [
                    {"key": "tax", "name_zh": "税收", "source": "s", "weight": 2, "denominator": "land"},
                    {"key": "d", "name_zh": "D类占比", "source": "s", "direction": -1, "benchmark": 5},
                ],
            },
            {"key": "b", "name_zh": "乙", "weight": 1, "indicators": [{"key": "x", "name_zh": "腾退", "source": "s"}]},
        ],
    }


VALUES = np.array([[100.0, 10.0, 1.0], [300.0, 5.0, 3.0], [200.0, 20.0, np.nan]])
LAND = np.array([[10.0], [20.0], [10.0]])
TABLE = Table(("甲镇", "乙镇", "丙镇"), VALUES, LAND)


def test_fixed_weights_by_hand():
    p = parse_policy(small())
    c = compute(TABLE, p)
    # per mu: 10, 15, 20 → 0, 50, 100; D share (lower better): 10, 5, 20 → 66.67, 100, 0; x: 1, 3, — → 0, 100, —
    assert c.normalised[:, 0] == pytest.approx([0.0, 50.0, 100.0])
    assert c.normalised[:, 1] == pytest.approx([200 / 3, 100.0, 0.0])
    a = [(2 * 0 + 200 / 3) / 3, (2 * 50 + 100) / 3, (2 * 100 + 0) / 3]
    assert c.dimensions[:, 0] == pytest.approx(a)
    assert c.score == pytest.approx([(3 * a[0] + 0) / 4, (3 * a[1] + 100) / 4, a[2]])  # 丙镇: 乙 missing, left out
    assert c.rank.tolist() == [3.0, 1.0, 2.0]
    assert contributions(c, p).sum(axis=1) == pytest.approx(c.score)


def test_entropy_weights_through_the_pipeline():
    p = parse_policy(small(weights="entropy"))
    c = compute(TABLE, p)
    minmax = normalise(c.treated, "minmax", np.array([1.0, -1.0, 1.0]))
    assert c.indicator_weights[:2] == pytest.approx(entropy_weights(minmax[:, :2]))
    assert c.indicator_weights[2] == 1.0


def test_ratio_uses_the_policy_benchmark():
    p = parse_policy(small(normalise="ratio"))
    c = compute(TABLE, p)
    assert c.normalised[:, 1] == pytest.approx([50.0, 100.0, 25.0])  # 100 · 5 / x
    assert c.normalised[:, 0] == pytest.approx([50.0, 75.0, 100.0])  # no benchmark: the best per mu (20)


def test_group_mean_imputation_from_a_column_of_the_file(tmp_path):
    data = small(impute="group_mean", impute_group="片区")
    p = parse_policy(data)
    path = tmp_path / "t.csv"
    path.write_text(
        "乡镇,片区,税收（万元）,D类占比（%）,腾退,工业用地面积\n"
        "甲镇,东,100,10,1,10\n乙镇,东,300,5,3,20\n丙镇,西,200,20,,10\n丁镇,西,50,8,7,5\n",
        encoding="utf-8",
    )
    read = read_for_policy(path, p)
    assert read.table.groups == ("东", "东", "西", "西") and read.problems == []
    c = compute(read.table, p)
    assert c.imputed[2, 2] == 7.0  # the mean of 西 (丁镇 alone)
    no_group = dataclasses.replace(p, methods=dataclasses.replace(p.methods, impute_group=None))
    read2 = read_for_policy(path, no_group)
    assert compute(read2.table, no_group).imputed[2, 2] == pytest.approx((1 + 3 + 7) / 3)


def test_a_missing_indicator_column_is_a_problem_not_a_failure(tmp_path):
    p = parse_policy(small())
    path = tmp_path / "t.csv"
    path.write_text("乡镇,税收,工业用地面积,腾退\n甲镇,100,10,1\n乙镇,300,20,3\n", encoding="utf-8")
    read = read_for_policy(path, p)
    assert [x["rule"] for x in read.problems] == ["rank.missing_indicator"]
    assert np.isnan(read.table.values[:, 1]).all()
    assert compute(read.table, p).rank.tolist() == [2.0, 1.0]
