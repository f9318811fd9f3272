"""The index as a policy: the shipped "五位一体" index and every mistake in a county's copy reported at once."""

from __future__ import annotations

import pytest

from landcycle.rules.policy import SHIPPED, read_policy
from landcycle.rules.ranking.policy import PolicyError, load_policy

ISSUE_INDICATORS = {
    "tax_per_mu_change",
    "d_class_share",
    "d_class_share_change",
    "low_yield_cleared_mu",
    "renewal_progress",
    "admitted_projects",
    "admitted_tax_vs_minimum",
    "warnings_open",
    "warning_age_days",
    "tasks_on_time_share",
    "relapses",
    "idle_land_disposed_mu",
    "investment_attracted",
    "policy_score",
}


def test_shipped_index_has_five_dimensions_and_the_issue_indicators():
    assert "ranking" in SHIPPED
    p = load_policy()
    assert [d.key for d in p.dimensions] == ["policy", "industry", "enterprise", "space", "implementation"]
    assert {i.key for i in p.indicators} == ISSUE_INDICATORS
    assert all(i.source for i in p.indicators) and all(i.direction in (1, -1) for i in p.indicators)
    assert {i.key for i in p.indicators if i.direction == -1} == {
        "d_class_share",
        "d_class_share_change",
        "warnings_open",
        "warning_age_days",
        "relapses",
    }
    assert p.monte_carlo.runs == 1000 and p.monte_carlo.imputation == (True, False)
    assert p.hash == read_policy("ranking").hash and p.version == "2026.1"


BROKEN = """
version = "x"
[denominators.land]
name_zh = "用地"

[methods]
normalise = "softmax"
impute = "median"
[methods.treat]
winmax = -1
[methods.aggregate]
dimensions = "harmonic"

[robustness]
runs = 0
weight_range = 1.5
normalisations = ["minmax", "sigmoid"]
imputation = ["yes"]

[[dimensions]]
key = "a"
name_zh = "甲"
weight = 0

[[dimensions.indicators]]
key = "x1"
name_zh = "指标一"
direction = 2
denominator = "people"
source = "s"

[[dimensions.indicators]]
key = "x1"
name_zh = "指标二"
weight = -3

[[dimensions]]
key = "b"
name_zh = "乙"
weight = 0
indicators = []
"""


def test_every_mistake_is_reported_at_once():
    with pytest.raises(PolicyError) as e:
        load_policy(BROKEN)
    found = {(p.field, p.rule) for p in e.value.problems}
    assert found >= {
        ("denominators.land.source", "policy.source"),
        ("methods.normalise", "policy.method"),
        ("methods.impute", "policy.method"),
        ("methods.treat.winmax", "policy.range"),
        ("methods.aggregate.dimensions", "policy.method"),
        ("robustness.runs", "policy.range"),
        ("robustness.weight_range", "policy.range"),
        ("robustness.normalisations", "policy.method"),
        ("robustness.imputation", "policy.type"),
        ("dimensions[0].indicators[0].direction", "policy.direction"),
        ("dimensions[0].indicators[0].denominator", "policy.denominator"),
        ("dimensions[0].indicators[1].key", "policy.duplicate"),
        ("dimensions[0].indicators[1].source", "policy.source"),
        ("dimensions[0].indicators[1].weight", "policy.range"),
        ("dimensions[1].indicators", "policy.missing"),
        ("dimensions", "policy.weight"),
    }
    assert all(p.zh.startswith("指数设置") and p.en.startswith("index setting") for p in e.value.problems)


def test_not_toml_is_one_problem():
    with pytest.raises(PolicyError) as e:
        load_policy("version = ")
    assert [p.rule for p in e.value.problems] == ["policy.syntax"]
