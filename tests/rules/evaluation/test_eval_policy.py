"""The evaluation policy: the shipped default, its hash, and the mistakes a county can make editing it."""

from __future__ import annotations

from importlib import resources

import pytest
from eval_helpers import policy_dict

from landcycle.rules.evaluation import PolicyError, default_policy, load_policy, parse_policy
from landcycle.rules.policy import load_default


def _text() -> str:
    return resources.files("landcycle.policies").joinpath("evaluation.toml").read_text("utf-8")


def _errors(data) -> dict[str, tuple[str, str, str]]:
    with pytest.raises(PolicyError) as info:
        parse_policy(data)
    return {p.field: (p.rule, p.zh, p.en) for p in info.value.problems}


def test_the_shipped_default_follows_domain_2():
    policy = default_policy()
    assert policy.version == "2026.1" and len(policy.hash) == 16
    assert [g.key for g in policy.groups] == ["above", "tenant", "below_large", "below_small"]
    above = policy.group("above")
    assert [(i.key, i.weight) for i in above.indicators] == [
        ("tax_per_mu", 30),
        ("value_added_per_mu", 20),
        ("value_added_per_energy", 20),
        ("value_added_per_emission", 10),
        ("labour_productivity", 10),
        ("rnd_share", 10),
    ]
    assert all(i.cap == 1.5 * i.weight for g in policy.groups for i in g.indicators)
    assert {i.key: i.missing for i in above.indicators}["value_added_per_emission"] == "group_average_score"
    assert [(i.key, i.weight) for i in policy.group("below_small").indicators] == [
        ("tax_per_mu", 50),
        ("tax_per_kwh", 50),
    ]
    assert [(c.key, c.share) for c in policy.classes] == [("A", 20), ("B", 40), ("C", 35), ("D", 5)]
    # only sourced numbers are shipped: 瑞安's C +0.10 元/kWh (its +0.15 is for C−, not D); no relief, no water
    assert [c.electricity_surcharge_yuan_per_kwh for c in policy.classes] == [0, 0, 0.10, 0]
    assert {c.water_surcharge_pct for c in policy.classes} == {c.land_use_tax_relief_pct for c in policy.classes} == {0}
    assert policy.veto_best_class == "C" and policy.protection_worst_class == "C"
    assert [r.key for r in policy.exemptions] == ["new_firm", "construction_period", "utility", "relocated"]
    assert policy.exemptions[2].divisions == ("44", "45", "46")
    assert policy.merge_column == "merge_key" and policy.tie_break == "tax_per_mu"
    shipped = load_default("evaluation")  # the one loader reads it too, with the same content hash
    assert shipped["version"] == policy.version and parse_policy(shipped).hash == policy.hash == shipped["hash"]


def test_the_hash_follows_the_content_not_the_comments():
    text = _text()
    assert load_policy(text).hash == default_policy().hash
    assert load_policy("# a county's note\n" + text.replace("\n\n", "\n\n# more\n", 3)).hash == default_policy().hash
    data = policy_dict()
    data["groups"][0]["indicators"][0]["weight"] = 31
    data["groups"][0]["indicators"][1]["weight"] = 19
    assert parse_policy(data).hash != default_policy().hash


def test_a_policy_loads_from_a_path(tmp_path):
    path = tmp_path / "county.toml"
    path.write_text(_text().replace('version = "2026.1"', 'version = "2026.2-cixi"'), "utf-8")
    assert load_policy(path).version == "2026.2-cixi"
    assert load_policy(str(path)).version == "2026.2-cixi"


def test_every_mistake_is_reported_at_once_in_both_languages():
    data = policy_dict()
    data["groups"][0]["indicators"][0]["wieght"] = 30
    data["groups"][1]["indicators"][0]["weight"] = 40
    data["classes"]["levels"][3]["share"] = 10
    data["veto"]["best_class"] = "E"
    errors = _errors(data)
    assert errors["groups[0].indicators[0].wieght"][0] == "policy.unknown"
    assert "不是评价办法的设置项" in errors["groups[0].indicators[0].wieght"][1]
    assert errors["groups[1].indicators"] == (
        "policy.weights",
        "分组“tenant”的权重合计应为100，实为90",
        "The weights of group 'tenant' must add up to 100, not 90",
    )
    assert errors["classes.levels"][0] == "policy.classes" and "105" in errors["classes.levels"][2]
    assert errors["veto.best_class"][0] == "policy.classes"


@pytest.mark.parametrize(
    "edit, field, rule",
    [
        (lambda d: d.pop("version"), "version", "policy.missing"),
        (
            lambda d: d["groups"][0]["indicators"][0].update(numerator="profit"),
            "groups[0].indicators[0].numerator",
            "policy.choice",
        ),
        (
            lambda d: d["groups"][0]["indicators"][0].update(direction="up"),
            "groups[0].indicators[0].direction",
            "policy.choice",
        ),
        (
            lambda d: d["groups"][0]["indicators"][0].update(weight="thirty"),
            "groups[0].indicators[0].weight",
            "policy.type",
        ),
        (
            lambda d: d["groups"][0]["indicators"][0].update(benchmark={"method": "fixed"}),
            "groups[0].indicators[0].benchmark.value",
            "policy.missing",
        ),
        (
            lambda d: d["groups"][0]["indicators"][0].update(benchmark={"method": "median"}),
            "groups[0].indicators[0].benchmark.method",
            "policy.choice",
        ),
        (
            lambda d: d["groups"][0]["indicators"][0].update(missing="zero"),
            "groups[0].indicators[0].missing",
            "policy.choice",
        ),
        (
            lambda d: d["groups"][0]["indicators"][0].update(direction="lower", cap="none"),
            "groups[0].indicators[0].cap",
            "policy.cap",
        ),
        (lambda d: d["groups"][1].update(key="above"), "groups", "policy.duplicate"),
        (lambda d: d["groups"][2].update(min_land_mu=5, max_land_mu=3), "groups[2]", "policy.range"),
        (
            lambda d: d["groups"][0]["indicators"][0].update(key="Tax per mu"),
            "groups[0].indicators[0].key",
            "policy.key",
        ),
        (
            lambda d: d["groups"][1]["indicators"][0].update(denominator="staff"),
            "groups.tenant.tax_per_mu",
            "policy.indicator",
        ),
        (lambda d: d["exemptions"][3].pop("column"), "exemptions[3].column", "policy.missing"),
        (lambda d: d["exemptions"][2].update(divisions=["4"]), "exemptions[2].divisions", "policy.divisions"),
        (lambda d: d["classes"].update(method="quantile"), "classes.method", "policy.choice"),
        (lambda d: d["scoring"].update(score_decimals=9), "scoring.score_decimals", "policy.range"),
        (lambda d: d["scoring"].update(tie_break="revenue"), "scoring.tie_break", "policy.choice"),
        (lambda d: d["protection"]["rules"][0].pop("years"), "protection.rules[0].years", "policy.missing"),
        (
            lambda d: d["veto"]["rules"][0].update(kind="industry_divisions", divisions=["44"]),
            "veto.rules.safety_accident",
            "policy.choice",
        ),
    ],
)
def test_a_broken_setting_is_named_with_its_path(edit, field, rule):
    data = policy_dict()
    edit(data)
    errors = _errors(data)
    assert field in errors, errors
    assert errors[field][0] == rule
    assert errors[field][1] and errors[field][2]  # Chinese and English


def test_score_thresholds_need_decreasing_minimum_scores():
    data = policy_dict()
    data["classes"]["method"] = "score_thresholds"
    for level, min_score in zip(data["classes"]["levels"], (80, 85, 60), strict=False):
        level["min_score"] = min_score
    assert _errors(data)["classes.levels"][0] == "policy.classes"


def test_text_that_is_not_toml_is_a_policy_error():
    with pytest.raises(PolicyError) as info:
        load_policy('version = "1"\n[groups\n')
    assert info.value.problems[0].rule == "policy.toml"
