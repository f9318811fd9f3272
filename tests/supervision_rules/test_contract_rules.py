"""Contract dates, commitments, development progress, enterprises, and the validation of contract input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from landcycle.rules.problems import RuleError
from landcycle.rules.supervision import (
    STANDARD,
    Commitment,
    Contract,
    Development,
    EnterpriseStanding,
    Extension,
    GovernmentDelay,
    evaluate_contract,
    evaluate_enterprise,
    load_policy,
    tax_per_mu_finding,
    validate_contract,
)

D = dt.date
POLICY = load_policy()


def contract(**kw) -> Contract:
    base = dict(
        number="CX-2021-07",
        holder="慈溪市新浦镇某电器有限公司",
        kind=STANDARD,
        price_wan=Decimal("1500"),
        area_m2=Decimal("40000"),
        signed_on=D(2021, 1, 10),
        agreed_start=D(2021, 6, 1),
        actual_start=D(2021, 5, 20),
        agreed_completion=D(2023, 6, 1),
        agreed_production=D(2024, 6, 1),
    )
    base.update(kw)
    return Contract(**base)


def rules(a) -> dict:
    return {f.rule: f for f in a.findings}


# --- agreed dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, colour, rule",
    [
        (D(2023, 5, 1), None, None),  # 31 days before the agreed completion: nothing yet
        (D(2023, 5, 2), "blue", "completion.due_soon"),  # 30 days left: a reminder, not yellow
        (D(2023, 6, 1), "blue", "completion.due_soon"),  # the day itself
        (D(2023, 6, 2), "yellow", "completion.overdue"),  # 1 day late
        (D(2023, 8, 30), "yellow", "completion.overdue"),  # 90 days: within the grace
        (D(2023, 8, 31), "red", "completion.overdue"),  # 91 days: past the grace
    ],
)
def test_completion_thresholds(as_of, colour, rule):
    a = evaluate_contract(contract(), as_of, POLICY)
    got = {k: v for k, v in rules(a).items() if k.startswith("completion")}
    assert (next(iter(got.values())).colour if got else None) == colour
    assert (next(iter(got)) if got else None) == rule


def test_overdue_reason_figures():
    a = evaluate_contract(contract(), D(2023, 8, 31), POLICY)
    f = rules(a)["completion.overdue"]
    assert f.zh == "约定竣工日2023-06-01已过91天仍未竣工，超过宽限期90天" and f.days_overdue == 91
    assert f.en == "not completed 91 days after the agreed date 2023-06-01, past the 90-day grace"
    assert a.days_overdue == 91 and a.colour == "red"


def test_production_overdue_and_done():
    c = contract(actual_completion=D(2023, 5, 1))
    assert rules(evaluate_contract(c, D(2024, 6, 2), POLICY))["production.overdue"].colour == "yellow"
    done = evaluate_contract(
        contract(actual_completion=D(2023, 5, 1), actual_production=D(2024, 5, 1)), D(2025, 1, 1), POLICY
    )
    assert done.colour == "green" and done.findings == ()


def test_start_not_yet_idle_but_overdue_red_after_the_grace():
    c = contract(actual_start=None)
    assert rules(evaluate_contract(c, D(2021, 8, 30), POLICY))["start.overdue"].colour == "yellow"  # 90 days
    f = rules(evaluate_contract(c, D(2021, 8, 31), POLICY))["start.overdue"]
    assert f.colour == "red" and "2022-06-01后仍未开工将认定为闲置土地" in f.zh


def test_an_extension_replaces_the_agreed_completion():
    c = contract(extensions=(Extension("completion", D(2024, 3, 1), D(2023, 5, 1), "疫情"),))
    a = evaluate_contract(c, D(2023, 8, 31), POLICY)
    assert "completion.overdue" not in rules(a)
    f = rules(evaluate_contract(c, D(2024, 3, 2), POLICY))["completion.overdue"]
    assert f.zh.startswith("约定竣工日（延期后）2024-03-01已过1天") and f.figures["extended"]


def test_government_delay_moves_the_dates_by_its_length():
    delay = GovernmentDelay("plan_change", "县规划局2022-11-03批复", days=120)
    a = evaluate_contract(contract(government_delays=(delay,)), D(2023, 9, 1), POLICY)
    assert "completion.overdue" not in rules(a)  # 2023-06-01 + 120 days = 2023-09-29
    f = rules(evaluate_contract(contract(government_delays=(delay,)), D(2024, 3, 1), POLICY))["completion.overdue"]
    assert f.colour == "red" and f.figures["agreed"] == D(2023, 9, 29)
    assert "约定竣工日因政府原因（土地利用总体规划、城乡规划依法修改，佐证：县规划局2022-11-03批复）顺延120天" in f.zh
    assert "2023-06-01→2023-09-29" in f.zh and "moved by 120 days" in f.en


def test_development_behind_the_time_proportional_plan():
    # 2021-06-01 .. 2023-06-01 is 730 days; on 2022-06-01 (365 days) the plan says 50 %
    for share, colour in (
        (Decimal("0.41"), None),
        (Decimal("0.40"), "yellow"),
        (Decimal("0.20"), "yellow"),
        (Decimal("0.19"), "red"),
    ):
        a = evaluate_contract(contract(development=Development(developed_area_share=share)), D(2022, 6, 1), POLICY)
        f = rules(a).get("progress.behind")
        assert (f.colour if f else None) == colour, share
    f = rules(evaluate_contract(contract(development=Development(Decimal("0.19"))), D(2022, 6, 1), POLICY))[
        "progress.behind"
    ]
    assert f.zh == "开发建设序时进度应达50.0%，实际完成19.0%，滞后31.0个百分点（2021-06-01至2023-06-01）"


# --- commitments -----------------------------------------------------------------------------------


def tax(measured, committed="30") -> Contract:
    return contract(
        actual_completion=D(2023, 5, 1),
        actual_production=D(2024, 5, 1),
        commitments=(
            Commitment("tax_per_mu", Decimal(committed), "万元/亩", None if measured is None else Decimal(measured)),
        ),
    )


@pytest.mark.parametrize(
    "measured, colour",
    [("30", None), ("31", None), ("29.99", "yellow"), ("24", "yellow"), ("23.99", "red"), ("0", "red")],
)
def test_commitment_thresholds(measured, colour):
    f = rules(evaluate_contract(tax(measured), D(2025, 1, 1), POLICY)).get("commitment.tax_per_mu")
    assert (f.colour if f else None) == colour


def test_commitment_reason():
    f = rules(evaluate_contract(tax("18"), D(2025, 1, 1), POLICY))["commitment.tax_per_mu"]
    assert f.zh == "达产复核亩均税收18万元/亩，为承诺值30万元/亩的60.0%（低于80%）"
    assert f.en == "tax per mu at the production review: 18万元/亩, 60.0% of the committed 30万元/亩 (below 80%)"


def test_a_maximum_commitment_is_met_from_below():
    def energy(measured):
        c = Commitment("energy_per_value_added", Decimal("0.50"), "吨标准煤/万元", Decimal(measured))
        return rules(evaluate_contract(contract(commitments=(c,)), D(2025, 1, 1), POLICY)).get(
            "commitment.energy_per_value_added"
        )

    assert energy("0.50") is None and energy("0.45") is None
    assert energy("0.55").colour == "yellow"  # 0.50 / 0.55 = 90.9 %
    assert energy("0.625").colour == "yellow"  # exactly 80 %
    f = energy("0.63")
    assert f.colour == "red" and "超过承诺上限0.5吨标准煤/万元（达成率79.4%，低于80%）" in f.zh


def test_reached_stage_without_a_measured_value_is_not_reviewed():
    f = rules(evaluate_contract(tax(None), D(2025, 1, 1), POLICY))["commitment.tax_per_mu"]
    assert f.colour == "yellow" and f.zh.startswith("已于2024-05-01达产，但未录入达产复核的亩均税收实测值")
    # not reached yet: nothing to review
    early = contract(commitments=(Commitment("tax_per_mu", Decimal(30), "万元/亩"),))
    assert "commitment.tax_per_mu" not in rules(evaluate_contract(early, D(2022, 1, 1), POLICY))


def test_plot_ratio_is_dimensionless_and_rnd_share_a_percentage():
    c = contract(
        actual_completion=D(2023, 5, 1),
        commitments=(
            Commitment("plot_ratio", Decimal("1.2"), "", Decimal("1.0")),
            Commitment("rnd_share", Decimal("0.03"), "%", Decimal("0.02")),
        ),
    )
    got = rules(evaluate_contract(c, D(2025, 1, 1), POLICY))
    assert got["commitment.plot_ratio"].zh == "竣工验收容积率1，为承诺值1.2的83.3%（低于100%）"
    assert got["commitment.rnd_share"].zh.startswith("达产复核研发经费占营业收入比重2.0%，为承诺值3.0%的66.7%")


# --- enterprises -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, colour", [("15", None), ("14.99", "yellow"), ("12", "yellow"), ("11.99", "red")])
def test_tax_per_mu_under_the_park_minimum(value, colour):
    f = tax_per_mu_finding(Decimal(value), Decimal(15), POLICY, 2025)
    assert (f.colour if f else None) == colour


def test_enterprise_d_class_is_red():
    e = EnterpriseStanding("91330282MA2XXXXXX1", "慈溪市某塑料厂", Decimal("8"), Decimal("15"), "d", 2025)
    a = evaluate_enterprise(e, D(2026, 4, 1), POLICY)
    assert a.colour == "red" and [f.rule for f in a.findings] == ["enterprise.tax_per_mu", "enterprise.class"]
    assert a.findings[0].zh == "2025年度亩均税收8万元/亩，为园区最低标准15万元/亩的53.3%（低于80%）"
    assert a.findings[1].zh == "2025年度亩均效益综合评价为D类（限制整治类）"
    assert evaluate_enterprise(EnterpriseStanding("x", evaluation_class="C"), D(2026, 4, 1), POLICY).colour == "green"


# --- validation ------------------------------------------------------------------------------------


def problems(c) -> list[tuple[str, str]]:
    return [(p.field, p.rule) for p in validate_contract(c, POLICY)]


def test_contradicting_dates():
    # a start before signing is flagged by the rules, not refused (补办出让): see test_supervision_issue11
    assert problems(contract(agreed_start=D(2020, 12, 1))) == []
    assert problems(contract(actual_start=D(2020, 12, 1))) == []
    assert problems(contract(agreed_completion=D(2021, 5, 1))) == [
        ("agreed_completion", "contract.completion_before_start")
    ]
    assert problems(contract(agreed_production=D(2023, 1, 1))) == [
        ("agreed_production", "contract.production_before_completion")
    ]
    p = validate_contract(contract(actual_completion=D(2021, 5, 1)), POLICY)[0]
    assert p.rule == "contract.completion_before_start" and p.field == "actual_completion"
    assert p.zh == "实际竣工日期（2021-05-01）早于实际开工日期（2021-05-20）"
    assert p.en == "actual completion (2021-05-01) is before the actual start (2021-05-20)"


def test_numbers_units_and_evidence():
    got = problems(contract(price_wan="一千万", area_m2=Decimal(-5)))
    assert got == [("price_wan", "contract.not_a_number"), ("area_m2", "contract.negative")]
    assert problems(contract(commitments=(Commitment("tax_per_mu", Decimal(30), None),))) == [
        ("commitments[0].unit", "contract.commitment_unit")
    ]
    assert problems(contract(commitments=(Commitment("tax_per_mu", Decimal(450), "万元/公顷"),))) == [
        ("commitments[0].unit", "contract.commitment_unit_mismatch")
    ]
    assert problems(contract(commitments=(Commitment("plot_ratio", Decimal("1.2"), None),))) == []
    assert problems(contract(commitments=(Commitment("green_building", Decimal(1), "星"),))) == [
        ("commitments[0].kind", "contract.commitment_kind")
    ]
    assert problems(contract(government_delays=(GovernmentDelay("plan_change", " "),))) == [
        ("government_delays[0].evidence", "contract.delay_evidence")
    ]
    assert problems(contract(development=Development(Decimal("33"), None))) == [
        ("developed_area_share", "contract.share_range")
    ]
    assert problems(contract(development=Development(Fraction(1, 3), None, D(2021, 1, 1)))) == [
        ("stopped_since", "contract.stopped_before_start")
    ]


def test_an_invalid_contract_is_refused_and_a_future_one_is_not_supervised():
    with pytest.raises(RuleError) as exc:
        evaluate_contract(contract(price_wan="abc"), D(2025, 1, 1), POLICY)
    assert exc.value.problems[0].zh == "成交价格（万元）“abc”不是数字"
    with pytest.raises(RuleError) as exc:
        evaluate_contract(contract(), D(2021, 1, 9), POLICY)
    assert exc.value.problems[0].rule == "contract.signed_after_as_of"


def test_an_extension_that_contradicts_the_other_dates():
    c = contract(extensions=(Extension("production", D(2023, 1, 1)),))
    got = validate_contract(c, POLICY)
    assert [(p.field, p.rule) for p in got] == [("extensions.production", "contract.production_before_completion")]
    assert got[0].zh == "延期后约定达产日期（2023-01-01）早于约定竣工日期（2023-06-01）"
