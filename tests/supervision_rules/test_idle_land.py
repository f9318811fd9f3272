"""Idle land, case by case from 《闲置土地处置办法》(国土资源部令第53号) Art. 2, 8 and 14.

"One full year after the agreed start D" ends on D's month and day one year later (民法典 §201/§202:
D is not counted, the corresponding day is the last day); the land is idle from the day after. D = 29
February ends on 28 February (month end), or 1 March with ``leap_day = "mar1"``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from landcycle.rules.supervision import (
    ALLOCATION,
    Contract,
    Development,
    Extension,
    GovernmentDelay,
    anniversary,
    evaluate_contract,
    load_policy,
    years_and_days,
)
from landcycle.rules.supervision.policy import parse_policy

D = dt.date
POLICY = load_policy()


def contract(start=D(2018, 3, 1), **kw) -> Contract:
    base = dict(
        number="HT-001",
        holder="慈溪市某某电器有限公司",
        price_wan=Decimal("600"),
        area_m2=Decimal("20000"),
        signed_on=D(2017, 12, 1),
        agreed_start=start,
        agreed_completion=D(2022, 3, 1),
    )
    base.update(kw)
    return Contract(**base)


def finding(a, rule):
    hits = [f for f in a.findings if f.rule == rule]
    return hits[0] if hits else None


@pytest.mark.parametrize("days, idle", [(364, False), (365, False), (366, True)])
def test_364_365_366_days_after_the_agreed_start(days, idle):
    start = D(2018, 3, 1)  # 2018-03-01 .. 2019-03-01 holds no 29 February: the year ends 365 days later
    as_of = start + dt.timedelta(days=days)
    a = evaluate_contract(contract(start), as_of, POLICY)
    f = finding(a, "idle.not_started")
    assert (f is not None) is idle and a.idle is idle
    assert a.colour == "red"  # not idle yet, but the start is > 90 days overdue
    if idle:
        assert f.colour == "red" and f.days_overdue == 366 and f.fee_wan == Decimal("120.00")
        assert f.zh == (
            "约定开工日2018-03-01已过1年零1天仍未开工，属闲置土地，应征收闲置费=出让价款×20%=600.00万元×20%=120.00万元"
        )
        assert "idle land" in f.en and "120.00 万元" in f.en
        assert f.figures["idle_from"] == D(2019, 3, 2)
    else:
        start_f = finding(a, "start.overdue")
        assert start_f.days_overdue == days and "2019-03-01后仍未开工将认定为闲置土地" in start_f.zh
        assert a.fee_wan is None


def test_the_example_of_the_brief_one_year_and_three_days():
    a = evaluate_contract(contract(), D(2019, 3, 4), POLICY)
    f = finding(a, "idle.not_started")
    assert f.zh.startswith("约定开工日2018-03-01已过1年零3天仍未开工，属闲置土地，应征收闲置费=出让价款×20%")
    assert f.zh.endswith("=120.00万元") and a.fee_wan == Decimal("120.00") and not a.take_back


def test_a_year_holding_29_february_takes_366_days():
    start = D(2019, 3, 1)  # the year 2019-03-01 .. 2020-03-01 holds 2020-02-29
    assert anniversary(start, 1) == D(2020, 3, 1) and (D(2020, 3, 1) - start).days == 366
    assert not evaluate_contract(contract(start), start + dt.timedelta(days=366), POLICY).idle
    assert evaluate_contract(contract(start), start + dt.timedelta(days=367), POLICY).idle


def test_start_on_28_february_before_a_leap_day():
    start = D(2019, 2, 28)
    assert anniversary(start, 1) == D(2020, 2, 28)  # 365 days: 2020-02-29 comes after it
    assert not evaluate_contract(contract(start), D(2020, 2, 28), POLICY).idle
    a = evaluate_contract(contract(start), D(2020, 2, 29), POLICY)
    assert a.idle and finding(a, "idle.not_started").figures["idle_from"] == D(2020, 2, 29)


def test_start_on_a_leap_day():
    start = D(2020, 2, 29)
    signed = dict(signed_on=D(2019, 12, 1))
    # feb28 (default, 民法典 §202 month end): the year ends on 2021-02-28, idle from 1 March
    assert anniversary(start, 1) == D(2021, 2, 28)
    assert not evaluate_contract(contract(start, **signed), D(2021, 2, 28), POLICY).idle
    assert evaluate_contract(contract(start, **signed), D(2021, 3, 1), POLICY).idle
    assert years_and_days(start, D(2021, 3, 1)) == (1, 1)
    # two years: 2022-02-28 is the last day, take-back from 2022-03-01
    assert not evaluate_contract(contract(start, **signed), D(2022, 2, 28), POLICY).take_back
    assert evaluate_contract(contract(start, **signed), D(2022, 3, 1), POLICY).take_back
    # four years later there is a 29 February again
    assert anniversary(start, 4) == D(2024, 2, 29)


def test_leap_day_rule_mar1_is_a_policy_choice():
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("landcycle.policies").joinpath("warnings.toml").read_text("utf-8"))
    data["idle_land"]["leap_day"] = "mar1"
    policy = parse_policy(data)
    start = D(2020, 2, 29)
    assert anniversary(start, 1, "mar1") == D(2021, 3, 1)
    assert not evaluate_contract(contract(start, signed_on=D(2019, 12, 1)), D(2021, 3, 1), policy).idle
    assert evaluate_contract(contract(start, signed_on=D(2019, 12, 1)), D(2021, 3, 2), policy).idle


def test_two_full_years_may_be_taken_back_without_compensation():
    c = contract()
    assert not evaluate_contract(c, D(2020, 3, 1), POLICY).take_back  # the second year's last day
    a = evaluate_contract(c, D(2020, 3, 2), POLICY)
    back = finding(a, "idle.take_back")
    assert back.colour == "red" and back.take_back and a.take_back
    assert back.zh == "约定开工日2018-03-01已过2年零1天仍未开工，满2年，可无偿收回国有建设用地使用权"
    assert a.fee_wan == Decimal("120.00")  # the fee is counted once, not once per rule
    assert a.days_overdue == (D(2020, 3, 2) - D(2018, 3, 1)).days == 732


def test_started_on_time_is_not_idle():
    a = evaluate_contract(contract(actual_start=D(2018, 2, 20)), D(2021, 1, 1), POLICY)
    assert not a.idle and not [f for f in a.findings if f.rule.startswith(("idle", "start"))]


def test_a_start_reported_after_the_as_of_date_does_not_count_yet():
    a = evaluate_contract(contract(actual_start=D(2019, 6, 1)), D(2019, 3, 4), POLICY)
    assert a.idle


def test_a_completed_project_has_started_even_without_a_start_date():
    a = evaluate_contract(contract(actual_completion=D(2019, 1, 10)), D(2020, 4, 15), POLICY)
    assert not a.idle


def test_no_price_no_fee_figure_but_still_idle():
    a = evaluate_contract(contract(kind=ALLOCATION, price_wan=None), D(2019, 6, 1), POLICY)
    f = finding(a, "idle.not_started")
    assert a.idle and f.fee_wan is None and a.fee_wan is None and a.fee_unknown
    assert "划拨价款未填，无法计算" in f.zh


def test_allocated_land_fee_is_on_the_allocation_price():
    a = evaluate_contract(contract(kind=ALLOCATION, price_wan=Decimal("12.2422")), D(2019, 6, 1), POLICY)
    assert "划拨价款×20%=12.24万元×20%=2.45万元" in finding(a, "idle.not_started").zh
    assert a.fee_wan == Decimal("2.45")  # 2.44844 rounded half-up to the fen... of 万元


def test_an_extension_moves_the_agreed_start():
    c = contract(extensions=(Extension("start", D(2019, 1, 1), D(2018, 12, 1), "规划调整"),))
    assert not evaluate_contract(c, D(2019, 3, 4), POLICY).idle
    a = evaluate_contract(c, D(2020, 1, 2), POLICY)
    assert a.idle and "约定开工日（延期后）2019-01-01已过1年零1天" in finding(a, "idle.not_started").zh


def test_government_delay_exempts_within_its_length_then_the_fee_applies():
    # a recorded cause without a length counts at the Art. 12 limit: one year (2018-03-01 -> 2019-03-01)
    delay = GovernmentDelay("late_delivery", "区自然资源局2018-05-10函（交地延期说明）", "拆迁未完成")
    a = evaluate_contract(contract(government_delays=(delay,)), D(2019, 4, 1), POLICY)
    idle = finding(a, "idle.not_started")
    assert finding(a, "start.overdue").days_overdue == 31  # the moved start is 31 days behind: yellow
    assert a.idle and a.exempt and idle.exempt and idle.colour == "yellow" and a.colour == "yellow"
    assert idle.fee_wan is None and a.fee_wan is None and not a.take_back and not a.fee_unknown
    assert "未按约定期限、条件交付土地：拆迁未完成，佐证：区自然资源局2018-05-10函" in idle.zh
    assert "顺延后的开工日为2019-03-01，2020-03-01后仍未开工即征收闲置费" in idle.zh
    a = evaluate_contract(contract(government_delays=(delay,)), D(2020, 6, 1), POLICY)
    idle = finding(a, "idle.not_started")
    assert not idle.exempt and idle.colour == "red" and idle.fee_wan == Decimal("120.00")
    assert idle.zh.startswith("约定开工日（顺延后）2019-03-01已过1年零92天仍未开工，属闲置土地")
    assert "约定开工日因政府原因" in idle.zh and "2018-03-01→2019-03-01" in idle.zh


def test_late_delivery_on_record_is_a_government_cause():
    c = contract(agreed_delivery=D(2017, 12, 15), actual_delivery=D(2018, 9, 1))
    a = evaluate_contract(c, D(2019, 6, 1), POLICY)
    f = finding(a, "idle.not_started")
    assert f.exempt and "约定2017-12-15交地，实际2018-09-01交地" in f.zh


def test_partial_development_stopped_for_a_year_is_idle():
    dev = Development(
        developed_area_share=Fraction(1, 4), investment_share=Decimal("0.40"), stopped_since=D(2019, 5, 1)
    )
    c = contract(actual_start=D(2018, 3, 1), development=dev)
    watch = evaluate_contract(c, D(2020, 5, 1), POLICY)  # a full year ends on 2020-05-01
    f = finding(watch, "idle.stalled_watch")
    assert (
        not watch.idle and f.colour == "yellow" and "2020-05-01后" in f.zh and "已开发面积占比25.0%不足三分之一" in f.zh
    )
    a = evaluate_contract(c, D(2020, 5, 2), POLICY)
    s = finding(a, "idle.stalled")
    assert a.idle and s.colour == "red" and s.fee_wan == Decimal("120.00") and s.days_overdue == 367
    assert s.zh.startswith("已动工但已开发面积占比25.0%不足三分之一，自2019-05-01起中止开发建设1年零1天，属闲置土地")
    assert not evaluate_contract(c, D(2021, 5, 2), POLICY).take_back  # Art. 14(2): a county's choice, off
    county = dataclasses.replace(POLICY, idle_land=dataclasses.replace(POLICY.idle_land, stalled_take_back=True))
    assert evaluate_contract(c, D(2021, 5, 2), county).take_back


@pytest.mark.parametrize(
    "area, investment, idle",
    [
        (Fraction(1, 3), Decimal("0.25"), False),  # exactly 1/3 and exactly 25 %: not "less than"
        (Decimal("0.3333"), Decimal("0.9"), True),  # 33.33 % < 1/3
        (Decimal("0.8"), Decimal("0.2499"), True),  # investment below 25 %
        (None, Decimal("0.30"), False),
    ],
)
def test_partial_development_thresholds(area, investment, idle):
    dev = Development(area, investment, D(2018, 9, 1))
    a = evaluate_contract(contract(actual_start=D(2018, 3, 1), development=dev), D(2019, 9, 2), POLICY)
    assert a.idle is idle


def test_stopped_without_shares_cannot_be_judged():
    a = evaluate_contract(
        contract(actual_start=D(2018, 3, 1), development=Development(stopped_since=D(2018, 6, 1))),
        D(2020, 1, 2),
        POLICY,
    )
    assert not a.idle and [u.rule for u in a.unchecked] == ["idle.stalled"]


def test_no_agreed_start_is_reported_as_unchecked():
    a = evaluate_contract(contract(start=None, agreed_completion=None), D(2020, 1, 2), POLICY)
    assert a.colour == "grey" and [u.rule for u in a.unchecked] == ["idle.not_started"]  # not judged is not green
    assert a.findings[-1].rule == "contract.not_judged" and "无约定开工日期" in a.findings[-1].zh


def test_fee_share_comes_from_the_policy():
    policy = dataclasses.replace(POLICY, idle_land=dataclasses.replace(POLICY.idle_land, fee_share=Decimal("0.15")))
    a = evaluate_contract(contract(), D(2019, 3, 4), policy)
    assert a.fee_wan == Decimal("90.00") and "出让价款×15%=600.00万元×15%=90.00万元" in a.findings[0].zh
