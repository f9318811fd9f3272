"""Entry rules (准入): hand-computed checks at the threshold, just under, not given; negative and positive lists."""

from decimal import Decimal as D

import pytest

from landcycle.rules.admission.application import Application, figure_problems
from landcycle.rules.admission.check import FAIL, MISSING, PASS, check, minimums, shown
from landcycle.rules.admission.policy import PolicyError, load_policy, parse_policy, rules_for

RULES = """
version = "t1"
[default.rules.tax_per_mu]
min = 8
source = "隆府办发〔2022〕58号"
dated = "2022-06-01"
[default.rules.investment_intensity]
min = 150
source = "隆府办发〔2022〕58号"
[default.rules.plot_ratio]
min = 1.0
max = 3.0
source = "浙土资发〔2014〕4号"
[default.rules.rd_share]
min = 1.5
source = "标准地 5+X"
[default.industries]
source = "负面清单（县）"
negative = [{ prefix = "2511", reason = "炼化" }]
[kinds.micro.rules.tax_per_mu]
min = 10
source = "小微园办法"
[kinds.micro.industries]
source = "小微园负面清单"
negative = [{ prefix = "336", reason = "电镀" }]
[parks."P-3".industries]
source = "P-3 管理办法"
negative = [{ prefix = "336", reason = "电镀：本园区重申" }, { prefix = "2927", reason = "日用塑料" }]
[parks."P-9".industries]
source = "P-9 准入目录"
positive = ["34", "3511"]
[parks."P-9".rules.plot_ratio]
min = 1.5
source = "P-9 出让条件"
"""


def policy():
    return load_policy(RULES)


def app(**kw):
    base = dict(
        industry_code="3481",
        land_mu=D(50),
        fixed_investment=D(7500),
        tax=D(400),
        plot_ratio=D("1.2"),
        revenue=D(20000),
        rd_expense=D(300),
    )
    base.update(kw)
    return Application(**base)


def by_rule(verdict):
    return {r.rule: r for r in verdict.results}


def test_at_the_threshold_passes_just_under_fails():
    rules = rules_for(policy(), "P-1", "industrial")
    v = check(app(), rules)  # tax 400/50 = 8.00 exactly; investment 7500/50 = 150 exactly; R&D 300/20000 = 1.5 %
    r = by_rule(v)
    assert r["tax_per_mu"].status == PASS and r["tax_per_mu"].value == D(8)
    assert r["investment_intensity"].status == PASS
    assert r["rd_share"].status == PASS and r["rd_share"].value == D("1.5")
    assert v.passed and v.version == "t1" and len(v.hash) == 16
    under = check(app(tax=D("399.99")), rules)
    t = by_rule(under)["tax_per_mu"]
    assert t.status == FAIL and "低于要求（≥ 8万元/亩）" in t.zh and "隆府办发〔2022〕58号" in t.zh
    assert shown(t.value) == "8" and t.value < D(8)
    assert not under.passed and [f.rule for f in under.failed] == ["tax_per_mu"]


def test_every_failed_rule_is_listed_not_only_the_first():
    v = check(
        app(tax=D(100), fixed_investment=D(100), plot_ratio=D("3.5"), industry_code="2511"),
        rules_for(policy(), "P-1", "industrial"),
    )
    assert [f.rule for f in v.failed] == ["industry", "tax_per_mu", "investment_intensity", "plot_ratio"]
    assert "高于要求" in by_rule(v)["plot_ratio"].zh


def test_not_given_is_never_a_pass():
    v = check(app(tax=None, rd_expense=None), rules_for(policy(), "P-1", "industrial"))
    r = by_rule(v)
    assert r["tax_per_mu"].status == MISSING and "未提供达产年税收" in r["tax_per_mu"].zh
    assert r["rd_share"].status == MISSING
    assert not v.passed
    missing_land = by_rule(check(app(land_mu=None), rules_for(policy(), "P-1", "industrial")))
    assert missing_land["tax_per_mu"].status == MISSING and "申请用地面积" in missing_land["tax_per_mu"].zh
    no_code = by_rule(check(app(industry_code=""), rules_for(policy(), "P-1", "industrial")))["industry"]
    assert no_code.status == MISSING


def test_layers_kind_overrides_default_and_negative_lists_add_up():
    micro = rules_for(policy(), "P-2", "micro")
    assert micro.thresholds["tax_per_mu"].min == D(10) and micro.thresholds["tax_per_mu"].layer == "kinds.micro"
    assert micro.thresholds["investment_intensity"].layer == "default"
    assert by_rule(check(app(), micro))["tax_per_mu"].status == FAIL  # 8 < 10 in a micro park
    plating = by_rule(check(app(industry_code="3360"), micro))["industry"]
    assert plating.status == FAIL and "电镀" in plating.zh and plating.source == "小微园负面清单"
    refining = by_rule(check(app(industry_code="2511"), micro))["industry"]
    assert refining.status == FAIL and refining.layer == "default"
    # the same plating firm is not refused by an industrial park's negative list
    assert (
        by_rule(check(app(industry_code="3360"), rules_for(policy(), "P-1", "industrial")))["industry"].status == PASS
    )


def test_a_prefix_listed_again_by_a_park_keeps_the_parks_reason_and_source():
    p3 = rules_for(policy(), "P-3", "micro")
    assert [e.prefix for e in p3.negative] == ["2511", "336", "2927"]  # one entry per prefix, in layer order
    plating = by_rule(check(app(industry_code="3360"), p3))["industry"]
    assert plating.status == FAIL and plating.source == "P-3 管理办法" and "本园区重申" in plating.zh
    assert by_rule(check(app(industry_code="2927"), p3))["industry"].status == FAIL
    assert by_rule(check(app(industry_code="2927"), rules_for(policy(), "P-2", "micro")))["industry"].status == PASS


def test_positive_list_by_prefix():
    p9 = rules_for(policy(), "P-9", "industrial")
    assert by_rule(check(app(industry_code="3481"), p9))["industry"].status == PASS  # division 34
    assert by_rule(check(app(industry_code="3511"), p9))["industry"].status == PASS  # class 3511
    other = by_rule(check(app(industry_code="3512"), p9))["industry"]
    assert other.status == FAIL and "不在本园区准入产业目录内" in other.zh
    banned = by_rule(check(app(industry_code="2511"), p9))["industry"]
    assert banned.status == FAIL and "负面清单" in banned.zh  # the negative list still applies
    assert p9.thresholds["plot_ratio"].min == D("1.5") and p9.thresholds["plot_ratio"].max is None
    assert by_rule(check(app(), p9))["plot_ratio"].status == FAIL


def test_minimums_for_the_land_asked():
    mins = {m.figure: m.amount for m in minimums(rules_for(policy(), "P-2", "micro"), D(12))}
    assert mins == {"tax": D("120.00"), "fixed_investment": D("1800.00")}


def test_figures_that_cannot_be_right():
    probs = figure_problems(app(fixed_investment=D(-1), green_share=D(120), total_investment=D(10)), parcel_mu=D(40))
    rules = {p.rule for p in probs}
    assert rules == {"admission.negative", "admission.share", "admission.land_above_parcel"}
    assert any(p.field == "land_mu" and "大于所申请地块" in p.zh for p in probs)
    assert {p.rule for p in figure_problems(app(total_investment=D(1000)))} == {"admission.fixed_above_total"}


def test_a_bad_policy_names_every_problem():
    with pytest.raises(PolicyError) as e:
        parse_policy(
            {
                "default": {
                    "rules": {
                        "tax_per_mu": {"min": -1, "source": "x"},
                        "nonsense": {"min": 1},
                        "plot_ratio": {"min": 3, "max": 1},
                    },
                    "industries": {"negative": [{"prefix": "X9"}]},
                },
                "kinds": {"shed": {}},
            }
        )
    rules = sorted(p.rule for p in e.value.problems)
    assert rules == sorted(
        [
            "policy.range",
            "policy.unknown_rule",
            "policy.range",
            "policy.source",
            "policy.industry",
            "policy.reason",
            "policy.kind",
        ]
    )


def test_the_shipped_rules_load_and_name_their_sources():
    shipped = load_policy()
    micro = rules_for(shipped, "ANY", "micro")
    assert all(t.source for t in micro.thresholds.values())
    assert any(e.prefix == "3360" for e in micro.negative)
    old = rules_for(shipped, "ANY", "old_block")
    assert old.positive is not None
