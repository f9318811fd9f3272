"""Hand-computed cases of the per-mu evaluation (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from eval_helpers import HUANGYAN_2022, at_benchmark, by_uscc, code, fixed_policy, frame, policy_dict, small

from landcycle.rules.evaluation import default_policy, evaluate, evaluate_years, output_columns


def test_a_firm_exactly_at_the_benchmark_earns_every_weight():
    result = evaluate(frame([at_benchmark(1)]), fixed_policy(), year=2025)
    row = result.frame.row(0, named=True)
    weights = {
        "tax_per_mu": 30,
        "value_added_per_mu": 20,
        "value_added_per_energy": 20,
        "value_added_per_emission": 10,
        "labour_productivity": 10,
        "rnd_share": 10,
    }
    for key, weight in weights.items():
        assert row[f"{key}_value"] == pytest.approx(HUANGYAN_2022[key])
        assert row[f"{key}_benchmark"] == HUANGYAN_2022[key]
        assert row[f"{key}_contribution"] == pytest.approx(weight)
    assert row["score"] == 100.0
    assert row["group"] == "above" and row["land_mu"] == 10.0
    assert row["tax_per_kwh_value"] is None  # not an indicator of 规上


def test_an_indicator_is_capped_at_one_and_a_half_times_its_weight():
    rich = at_benchmark(1, tax=HUANGYAN_2022["tax_per_mu"] * 10 * 4)  # 4 × the benchmark
    row = evaluate(frame([rich]), fixed_policy(), year=2025).frame.row(0, named=True)
    assert row["tax_per_mu_contribution"] == 45.0  # 30 × 4 = 120, capped at 1.5 × 30
    assert row["score"] == pytest.approx(115.0)


def test_a_loss_contributes_nothing_rather_than_negative_points():
    row = evaluate(frame([at_benchmark(1, tax=-50.0)]), fixed_policy(), year=2025).frame.row(0, named=True)
    assert row["tax_per_mu_contribution"] == 0.0


def test_a_cap_can_be_set_in_points_per_indicator():
    data = fixed_policy()
    data["groups"][0]["indicators"][0]["cap"] = 33
    rich = at_benchmark(1, tax=HUANGYAN_2022["tax_per_mu"] * 10 * 4)
    assert evaluate(frame([rich]), data, year=2025).frame["tax_per_mu_contribution"][0] == 33.0


def test_the_group_mean_benchmark_is_the_ratio_of_sums_not_the_mean_of_ratios():
    # tax per mu: 100/10 = 10 and 10/0.5 = 20; ratio of sums 110/10.5, mean of ratios would be 15
    firms = [small(1, tax=100.0, land=10.0), small(2, tax=10.0, land=3.5, land_leased_mu=0.0)]
    firms[1]["land_owned_mu"] = 3.0
    firms[1]["land_leased_mu"] = 0.5
    result = evaluate(frame(firms), policy_dict(), year=2025)
    rows = by_uscc(result)
    bench = 110.0 / 13.5
    assert rows[code(1)]["tax_per_mu_benchmark"] == pytest.approx(bench)
    assert rows[code(2)]["tax_per_mu_value"] == pytest.approx(10 / 3.5)
    assert rows[code(1)]["tax_per_mu_contribution"] == pytest.approx(min(50 * 10 / bench, 75))
    table = result.benchmarks.filter(pl.col("group") == "below_large", pl.col("indicator") == "tax_per_mu")
    assert table["benchmark"][0] == pytest.approx(bench) and table["firms"][0] == 2


def test_land_used_is_owned_plus_leased_minus_let():
    firm = small(1, tax=60.0, land=10.0, land_leased_mu=2.0, land_let_mu=4.0)
    row = evaluate(frame([firm]), fixed_policy(), year=2025).frame.row(0, named=True)
    assert row["land_mu"] == 8.0 and row["tax_per_mu_value"] == 7.5


def test_groups_follow_cixi_with_the_3_mu_threshold_and_tenants():
    firms = [
        at_benchmark(1),
        small(2, tax=30.0, land=3.0),
        small(3, tax=20.0, land=2.99),
        small(4, tax=20.0, land=0.0, land_leased_mu=2.0),
    ]
    rows = by_uscc(evaluate(frame(firms), fixed_policy(), year=2025))
    assert [rows[code(i)]["group"] for i in range(1, 5)] == ["above", "below_large", "below_small", "tenant"]
    assert rows[code(4)]["group_zh"] == "无自有用地的租赁企业"


def test_class_quotas_by_rank_round_the_cumulative_shares():
    firms = [small(i, tax=float(100 - i)) for i in range(20)]
    result = evaluate(frame(firms), fixed_policy(), year=2025)
    counts = dict(result.frame.group_by("class").len().iter_rows())
    assert counts == {"A": 4, "B": 8, "C": 7, "D": 1}  # 淮安 2024: 20 / 40 / 35 / 5 of 20 firms
    one = evaluate(frame([small(1, tax=5.0)]), fixed_policy(), year=2025).frame.row(0, named=True)
    assert one["class"] == "B" and one["rank"] == 1 and one["percentile"] == 100.0


def test_equal_scores_at_a_class_boundary_are_ordered_by_tax_per_mu_then_credit_code():
    # five firms: A takes round(5 × 20%) = 1. Firms 1 and 2 have the same published score (the tax per
    # kWh makes up for the tax per mu) — firm 2 has the higher tax per mu and takes A.
    firms = [
        small(1, tax=40.0, electricity=20.0),
        small(2, tax=50.0, electricity=50.0),
        small(3, tax=10.0),
        small(4, tax=10.0),
        small(5, tax=5.0),
    ]
    data = fixed_policy()
    result = evaluate(frame(firms), data, year=2025)
    rows = by_uscc(result)
    # firm 1: 50 × 8/10 + 50 × 2/1 → 40 + 75 (capped) = 115; firm 2: 50 × 10/10 + 50 × 1/1 → 50 + 50 = 100
    assert rows[code(1)]["score"] == 115.0 and rows[code(1)]["class"] == "A"
    firms[0] = small(1, tax=40.0, electricity=40.0)  # 40 + 50 = 90
    firms[1] = small(2, tax=45.0, electricity=45.0 / 0.9)  # 45 + 45 = 90
    rows = by_uscc(evaluate(frame(firms), data, year=2025))
    assert rows[code(1)]["score"] == rows[code(2)]["score"] == 90.0
    assert rows[code(2)]["rank"] == 1 and rows[code(2)]["class"] == "A"  # tax per mu 9 beats 8
    assert rows[code(1)]["rank"] == 2 and rows[code(1)]["class"] == "B"
    # same score and same tax per mu: the credit code decides, whatever the order of the ledger
    firms[1] = small(2, tax=40.0, electricity=40.0)
    for order in (firms, list(reversed(firms))):
        rows = by_uscc(evaluate(frame(order), data, year=2025))
        assert rows[code(1)]["rank"] == 1 and rows[code(2)]["rank"] == 2
        assert rows[code(1)]["class"] == "A" and rows[code(2)]["class"] == "B"


def test_a_veto_puts_an_a_firm_in_c_and_says_why():
    firms = [small(i, tax=float(100 - 10 * i)) for i in range(1, 6)]
    firms[0]["veto_safety"] = True
    rows = by_uscc(evaluate(frame(firms), fixed_policy(), year=2025))
    top = rows[code(1)]
    assert top["rank"] == 1 and top["class_by_rank"] == "A" and top["class"] == "C"
    assert top["vetoed"] and top["vetoes"] == "safety_accident"
    assert "一票否决：发生重大安全生产事故" in top["reason_zh"] and "定为 C 类" in top["reason_zh"]
    assert "veto: a major work-safety accident" in top["reason_en"]
    assert rows[code(2)]["class"] == "B"  # ranks and quotas are not recomputed: nobody moves up
    assert top["electricity_surcharge_yuan_per_kwh"] == 0.10


def test_a_protection_lifts_a_d_firm_to_c():
    firms = [small(i, tax=float(200 - 10 * i)) for i in range(1, 21)]
    firms[-1]["construction"] = True
    rows = by_uscc(evaluate(frame(firms), fixed_policy(), year=2025))
    last = rows[code(20)]
    assert last["rank"] == 20 and last["class_by_rank"] == "D" and last["class"] == "C"
    assert last["protected"] and last["protections"] == "major_construction"
    assert "保护：处于重大项目建设期，不低于 C 类" in last["reason_zh"]
    assert "protected: in a major construction period" in last["reason_en"]
    new = [dict(f) for f in firms]
    new[-1].update(construction=False, registered_on=dt.date(2023, 6, 1))  # < 3 years: new-firm protection
    assert by_uscc(evaluate(frame(new), fixed_policy(), year=2025))[code(20)]["class"] == "C"


def test_exempt_firms_are_listed_with_their_rule_and_not_ranked():
    firms = [
        small(1, tax=50.0),
        small(2, tax=40.0, industry_code="4411"),
        small(3, tax=30.0, registered_on=dt.date(2024, 3, 1)),
        small(4, tax=20.0, relocated=True),
        small(5, tax=None, registered_on=dt.date(2025, 1, 1)),
    ]  # exempt: no figures needed
    result = evaluate(frame(firms), fixed_policy(), year=2025)
    rows = by_uscc(result)
    assert rows[code(1)]["group_size"] == 1 and not rows[code(1)]["exempt"]
    assert [rows[code(i)]["exemption"] for i in (2, 3, 4, 5)] == ["utility", "new_firm", "relocated", "new_firm"]
    assert all(
        rows[code(i)]["exempt"] and rows[code(i)]["class"] is None and rows[code(i)]["rank"] is None
        for i in (2, 3, 4, 5)
    )
    assert rows[code(2)]["reason_zh"].startswith("不参评（豁免）：电力、热力、燃气及水")
    assert rows[code(3)]["reason_en"] == (
        "Not evaluated (exempt): registered less than 2 years before the end of the evaluation year"
    )
    assert result.problems == []
    # registered 2023-12-31 is 2 years before the end of 2025: evaluated (and protected as a new firm)
    on_edge = evaluate(frame([small(1, tax=5.0, registered_on=dt.date(2023, 12, 31))]), fixed_policy(), year=2025)
    assert not on_edge.frame["exempt"][0] and on_edge.frame["protected"][0]


def test_a_firm_in_its_construction_period_is_exempt_by_its_grant_date():
    firms = pl.concat([frame([small(1, tax=50.0)]), frame([small(2, tax=40.0)])]).with_columns(
        land_granted_on=pl.Series([dt.date(2010, 1, 1), dt.date(2023, 5, 1)])
    )
    rows = by_uscc(evaluate(firms, fixed_policy(), year=2025))
    assert not rows[code(1)]["exempt"] and rows[code(2)]["exemption"] == "construction_period"


def test_missing_emissions_get_the_groups_average_score():
    firms = [
        at_benchmark(1),
        at_benchmark(2, emissions_t=at_benchmark(2)["emissions_t"] / 2),
        at_benchmark(3, emissions_t=None),
    ]
    rows = by_uscc(evaluate(frame(firms), fixed_policy(), year=2025))
    # firm 1: 10 points; firm 2: twice the benchmark → 20, capped at 15; average 12.5
    assert rows[code(2)]["value_added_per_emission_contribution"] == 15.0
    third = rows[code(3)]
    assert third["value_added_per_emission_value"] is None
    assert third["value_added_per_emission_contribution"] == pytest.approx(12.5)
    assert third["value_added_per_emission_imputed"] and third["missing_data"]
    assert third["imputed"] == "value_added_per_emission"
    assert third["score"] == pytest.approx(102.5)
    assert "单位排放增加值缺少数据，按组内平均得分计" in third["reason_zh"]


def test_rows_that_cannot_be_evaluated_are_problems_with_their_source_row_never_zeros():
    firms = [
        small(1, tax=50.0),
        small(2, tax=None),
        small(3, tax=30.0, land_owned_mu=0.0),
        small(4, tax=30.0, industry_code="9999"),
        small(5, tax=30.0, uscc=code(1)),
        small(6, tax=30.0, uscc=code(6)[:-1] + ("0" if code(6)[-1] != "0" else "1")),
        small(7, tax=30.0, electricity_10k_kwh=0.0),
        small(8, tax=30.0),
    ]
    result = evaluate(frame(firms), fixed_policy(), year=2025)
    got = {(p.row, p.rule) for p in result.problems}
    assert got == {
        (2, "uscc.duplicate"),
        (3, "figure.missing"),
        (4, "land.none"),
        (5, "industry.unknown"),
        (6, "uscc.duplicate"),
        (7, "uscc.invalid"),
        (8, "figure.not_positive"),
    }
    assert result.frame["uscc"].to_list() == [code(8)]  # only the clean firm is scored
    p = next(p for p in result.problems if p.rule == "figure.missing")
    assert p.column == "tax" and "实缴税收（万元）为空，无法计算亩均税收" in p.zh and "tax paid" in p.en
    assert next(p for p in result.problems if p.rule == "land.none").value == "0.0"


def test_firms_sharing_a_parcel_are_merged_and_share_one_result():
    owner = small(1, tax=60.0, land=8.0, electricity=30.0, merge_key="P-01")
    tenant = small(2, tax=20.0, land=0.0, land_leased_mu=0.0, electricity=10.0, merge_key="P-01")
    other = small(3, tax=40.0, land=8.0, electricity=40.0)
    result = evaluate(frame([owner, tenant, other]), fixed_policy(), year=2025)
    rows = by_uscc(result)
    a, b = rows[code(1)], rows[code(2)]
    assert a["land_mu"] == b["land_mu"] == 8.0 and a["tax_per_mu_value"] == 10.0  # (60 + 20) / 8
    assert a["tax_per_kwh_value"] == 2.0 and a["members"] == b["members"] == 2
    assert (a["score"], a["rank"], a["class"]) == (b["score"], b["rank"], b["class"])
    assert a["group_size"] == 2  # the unit counts once
    assert "与同一地块的其他 1 家企业合并评价" in a["reason_zh"]
    assert a["electricity_10k_kwh"] == 30.0 and b["electricity_10k_kwh"] == 10.0  # costs stay per firm


def _priced() -> dict:
    """The fixed policy with the commented example numbers of the shipped TOML."""
    data = fixed_policy()
    for lv, (elec, water, relief) in zip(
        data["classes"]["levels"], [(0, 0, 100), (0, 0, 50), (0.10, 15, 0), (0.15, 30, 0)], strict=False
    ):
        lv.update(electricity_surcharge_yuan_per_kwh=elec, water_surcharge_pct=water, land_use_tax_relief_pct=relief)
    return data


def test_a_tenant_without_land_of_its_own_gets_no_land_use_tax_relief():
    owner = small(1, tax=500.0, electricity=200.0)
    tenant = {**small(2, tax=400.0, electricity=200.0), "land_owned_mu": None, "land_leased_mu": 5.0}
    rows = by_uscc(evaluate(frame([owner, tenant]), _priced(), year=2025))
    for r in rows.values():
        assert r["class"] in ("A", "B")
    assert rows[owner["uscc"]]["land_use_tax_relief_pct"] > 0
    assert rows[tenant["uscc"]]["land_use_tax_relief_pct"] == 0.0


def test_what_a_class_costs_is_the_surcharge_times_the_electricity_used():
    firms = [small(i, tax=float(100 - 10 * i), electricity=200.0) for i in range(1, 6)]
    rows = by_uscc(evaluate(frame(firms), _priced(), year=2025))
    c = next(r for r in rows.values() if r["class"] == "C")
    assert c["electricity_surcharge_yuan_per_kwh"] == 0.10 and c["electricity_surcharge_wan"] == pytest.approx(20.0)
    assert c["water_surcharge_pct"] == 15.0
    a = next(r for r in rows.values() if r["class"] == "A")
    assert a["electricity_surcharge_wan"] == 0.0 and a["land_use_tax_relief_pct"] == 100.0


def test_score_thresholds_and_a_lower_is_better_indicator():
    data = fixed_policy()
    data["classes"]["method"] = "score_thresholds"
    for level, min_score in zip(data["classes"]["levels"], (110, 90, 60, None), strict=False):
        level.pop("share")
        if min_score is not None:
            level["min_score"] = min_score
    below = data["groups"][2]["indicators"]
    below[1] = {
        "key": "energy_per_tax",
        "zh": "单位税收能耗",
        "en": "Energy per tax",
        "numerator": "energy_tce",
        "denominator": "tax",
        "unit": "吨标准煤/万元",
        "direction": "lower",
        "weight": 50,
        "benchmark": {"method": "fixed", "value": 2.0},
    }
    firms = [
        small(1, tax=100.0, energy_tce=100.0),
        small(2, tax=50.0, energy_tce=200.0),
        small(3, tax=25.0, energy_tce=0.0),
    ]
    rows = by_uscc(evaluate(frame(firms), data, year=2025))
    assert rows[code(1)]["energy_per_tax_contribution"] == 75.0  # 50 × 2/1, capped at 75
    assert rows[code(2)]["energy_per_tax_contribution"] == 25.0  # 50 × 2/4
    assert rows[code(3)]["energy_per_tax_contribution"] == 75.0  # no energy at all: the cap
    assert [rows[code(i)]["score"] for i in (1, 2, 3)] == [150.0, 75.0, 100.0]  # tax per mu 20, 10, 5 vs 10
    assert [rows[code(i)]["class"] for i in (1, 2, 3)] == ["A", "C", "B"]


def test_an_industry_mean_benchmark_falls_back_to_the_group_when_a_division_is_small():
    data = policy_dict()
    for ind in data["groups"][2]["indicators"]:
        ind["benchmark"] = {"method": "industry_mean", "min_firms": 2}
    firms = [
        small(1, tax=10.0, industry_code="3851"),
        small(2, tax=30.0, industry_code="3852"),
        small(3, tax=100.0, industry_code="1311"),
    ]
    result = evaluate(frame(firms), data, year=2025)
    rows = by_uscc(result)
    assert rows[code(1)]["tax_per_mu_benchmark"] == pytest.approx(40 / 10)  # division 38: (10 + 30) / 10 mu
    assert rows[code(3)]["tax_per_mu_benchmark"] == pytest.approx(140 / 15)  # division 13 alone: the group's
    assert set(result.benchmarks.filter(pl.col("method") == "industry_mean")["division"]) == {None, "38"}


def test_only_the_evaluation_year_is_read_and_years_can_be_evaluated_together():
    firms = frame([small(1, tax=50.0), small(2, tax=40.0)])
    both = pl.concat([firms.with_columns(year=pl.lit(2024)), firms.with_columns(year=pl.lit(2025), tax=pl.lit(5.0))])
    result = evaluate(both, fixed_policy(), year=2025)
    assert result.frame.height == 2 and result.frame["tax_per_mu_value"].to_list() == [1.0, 1.0]
    per_year = evaluate_years(both, fixed_policy())
    assert sorted(per_year) == [2024, 2025] and per_year[2024].frame["tax_per_mu_value"].to_list() == [10.0, 8.0]


def test_input_typing_scale_from_revenue_and_normalised_codes():
    firm = small(1, tax=50.0, scale=None, revenue=2500.0)
    raw = frame([firm]).with_columns(uscc=pl.lit("  " + code(1).lower() + " "), industry_code=pl.lit(" 3851.0"))
    row = evaluate(raw, fixed_policy(), year=2025).frame.row(0, named=True)
    assert row["group"] == "above" and row["uscc"] == code(1) and row["industry_code"] == "3851"


def test_the_result_has_every_column_and_records_in_the_json_shape_of_the_command():
    firms = [at_benchmark(1), small(2, tax=50.0), small(3, tax=None), small(4, tax=1.0, relocated=True)]
    result = evaluate(frame(firms), fixed_policy(), year=2025)
    assert result.frame.columns == output_columns(result.policy)
    records = json.loads(json.dumps(result.to_records(), ensure_ascii=False))
    assert records["policy"]["version"] == "2026.1" and len(records["policy"]["hash"]) == 16
    assert records["policy"]["year"] == 2025
    first = next(e for e in records["enterprises"] if e["uscc"] == code(1))
    assert first["row"] == 2 and first["class"] in "ABCD" and first["group"] == "above"
    assert set(first["indicators"]) == set(HUANGYAN_2022)
    assert first["indicators"]["tax_per_mu"] == {
        "value": pytest.approx(24.097),
        "benchmark": 24.097,
        "contribution": 30.0,
        "imputed": False,
    }
    assert set(first["flags"]) >= {"vetoed", "protected", "exempt", "missing_data", "imputed"}
    assert first["reasons"]["zh"].startswith("规上企业，得分 100.0，组内第 1/1 名")
    exempt = next(e for e in records["enterprises"] if e["uscc"] == code(4))
    assert exempt["flags"]["exempt"] and exempt["indicators"] == {} and exempt["class"] is None
    assert records["problems"] == [
        {
            "sheet": "",
            "row": 4,
            "column": "tax",
            "value": None,
            "rule": "figure.missing",
            "message": records["problems"][0]["message"],
            "zh": records["problems"][0]["zh"],
            "en": records["problems"][0]["en"],
        }
    ]


def test_reasons_can_be_left_out_for_a_quick_what_if():
    firms = [small(i, tax=float(10 * i)) for i in range(1, 6)]
    firms[4]["veto_illegal_land"] = True
    quick = evaluate(frame(firms), fixed_policy(), year=2025, reasons=False)
    full = evaluate(frame(firms), fixed_policy(), year=2025)
    assert quick.frame["reason_zh"].null_count() == 5
    assert quick.frame["class"].to_list() == full.frame["class"].to_list()
    assert quick.frame["vetoes"].to_list() == full.frame["vetoes"].to_list() == [None] * 4 + ["illegal_land_use"]


def test_an_empty_ledger_gives_an_empty_result():
    result = evaluate(frame([]), fixed_policy(), year=2025)
    assert result.frame.height == 0 and result.problems == []
    assert result.frame.columns == output_columns(result.policy)


def test_a_below_size_firm_without_land_is_a_problem_not_a_crash():
    """Such a firm fits no group; the group statistics must leave it out (it once crashed them)."""
    rows = [small(1, tax=10), small(2, tax=10, land_owned_mu=None, land_leased_mu=None, land_let_mu=None)]
    result = evaluate(frame(rows), default_policy(), year=2025)
    assert {p.row for p in result.problems} == {3}
