"""Issue 11, supervision: official answers the rules give, and only those.

- a government-caused delay (Art. 8) moves the agreed dates by its length, an extension counts at most one
  year (Art. 12), and once the moved date has passed the fee and take-back apply again;
- "not judged" is grey, never green; Art. 30's fallback (no agreed start: one year after actual delivery);
- implausible dates are flagged and a verdict built on them says so;
- no idle-land fee on a lease; take-back after a stall is a county's choice; a near date is a reminder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from landcycle.rules.supervision import (
    LEASE,
    Contract,
    Extension,
    GovernmentDelay,
    evaluate_contract,
    load_policy,
    parse_policy,
)

D = dt.date
POLICY = load_policy()


def contract(**kw) -> Contract:
    base = dict(
        number="HT-011",
        holder="慈溪市某某机械有限公司",
        price_wan=Decimal("500"),
        area_m2=Decimal("20000"),
        signed_on=D(2020, 1, 10),
        agreed_delivery=D(2020, 2, 1),
        agreed_start=D(2020, 6, 1),
        agreed_completion=D(2022, 6, 1),
    )
    base.update(kw)
    return Contract(**base)


def by_rule(a):
    return {f.rule: f for f in a.findings}


# ------------------------------------------------------------------ Art. 8 bounded
def test_a_delivery_one_day_late_does_not_exempt_land_unstarted_for_years():
    c = contract(actual_delivery=D(2020, 2, 2))  # one day late: a government cause (Art. 8(1))
    a = evaluate_contract(c, D(2024, 1, 1), POLICY)
    idle, back = by_rule(a)["idle.not_started"], by_rule(a)["idle.take_back"]
    assert not idle.exempt and idle.colour == "red" and idle.fee_wan == Decimal("100.00")
    assert back.take_back and a.take_back and a.colour == "red"
    assert idle.figures["agreed_start"] == D(2020, 6, 2)  # moved by the one day
    assert (
        "约定开工日因政府原因（未按约定期限、条件交付土地（约定2020-02-01交地，实际2020-02-02交地））顺延1天" in idle.zh
    )
    assert "2020-06-01→2020-06-02" in idle.zh and "moved by 1 days" in idle.en


def test_within_the_moved_period_the_land_is_exempt_and_says_until_when():
    c = contract(actual_delivery=D(2020, 8, 1))  # 182 days late
    a = evaluate_contract(c, D(2021, 8, 1), POLICY)  # a year after the original start, not after the moved one
    f = by_rule(a)["idle.not_started"]
    assert f.exempt and f.colour == "yellow" and f.fee_wan is None and not a.take_back
    assert f.figures["moved_start"] == D(2020, 11, 30) and f.figures["fee_from"] == D(2021, 12, 1)
    a = evaluate_contract(c, D(2021, 12, 1), POLICY)
    f = by_rule(a)["idle.not_started"]
    assert not f.exempt and f.colour == "red" and f.fee_wan == Decimal("100.00")


def test_a_recorded_cause_counts_its_length_and_at_most_one_year():
    short = GovernmentDelay("plan_change", "慈规〔2020〕12号", days=60)
    a = evaluate_contract(contract(government_delays=(short,)), D(2021, 8, 1), POLICY)
    assert by_rule(a)["idle.not_started"].colour == "red"  # moved to 2020-07-31: idle from 2021-08-01
    long = GovernmentDelay("plan_change", "慈规〔2020〕12号", days=900)
    a = evaluate_contract(contract(government_delays=(long,)), D(2022, 6, 2), POLICY)
    f = by_rule(a)["idle.not_started"]
    assert f.colour == "red" and f.figures["agreed_start"] == D(2021, 6, 1)  # capped at one year (Art. 12)


def test_an_extension_for_a_government_cause_counts_at_most_one_year():
    delay = GovernmentDelay("policy_change", "省厅通知")
    ext = Extension("start", D(2021, 12, 1), D(2020, 12, 1), "补充协议")
    a = evaluate_contract(contract(government_delays=(delay,), extensions=(ext,)), D(2022, 6, 2), POLICY)
    f = by_rule(a)["idle.not_started"]
    assert f.colour == "red" and f.fee_wan == Decimal("100.00") and f.figures["agreed_start"] == D(2021, 6, 1)
    assert "超过第十二条“延长动工开发期限最长不得超过一年”的上限，按2021-06-01计" in f.zh


def test_the_warning_says_which_dates_moved():
    c = contract(actual_delivery=D(2020, 3, 2), agreed_production=D(2023, 6, 1))  # 30 days late
    a = evaluate_contract(c, D(2023, 9, 1), POLICY)
    comp, prod = by_rule(a)["completion.overdue"], by_rule(a)["production.overdue"]
    assert "约定竣工日因政府原因" in comp.zh and "2022-06-01→2022-07-01" in comp.zh
    assert "约定达产日因政府原因" in prod.zh and "2023-06-01→2023-07-01" in prod.zh


# ------------------------------------------------------------------ not judged, Art. 30
def test_no_agreed_start_is_grey_not_green():
    a = evaluate_contract(contract(agreed_start=None, agreed_completion=None), D(2021, 1, 1), POLICY)
    assert a.colour == "grey" and [f.rule for f in a.findings] == ["contract.not_judged"]
    assert a.findings[0].zh.startswith("未能判定：无约定开工日期")


def test_no_agreed_start_counts_one_year_from_the_actual_delivery_art_30():
    c = contract(agreed_start=None, agreed_completion=None, agreed_delivery=None, actual_delivery=D(2020, 3, 1))
    a = evaluate_contract(c, D(2022, 3, 2), POLICY)
    f = by_rule(a)["idle.not_started"]
    assert f.colour == "red" and f.figures["agreed_start"] == D(2021, 3, 1) and "contract.not_judged" not in by_rule(a)
    assert "依《闲置土地处置办法》第三十条以实际交地日2020-03-01起1年即2021-03-01为动工开发日期" in f.zh
    off = dataclasses.replace(POLICY, idle_land=dataclasses.replace(POLICY.idle_land, start_from_delivery_years=0))
    assert evaluate_contract(c, D(2022, 3, 2), off).colour == "grey"


# ------------------------------------------------------------------ implausible dates
def test_start_before_signing_is_supervised_and_flagged():
    c = contract(signed_on=D(2021, 5, 1), agreed_start=D(2019, 1, 1), agreed_completion=D(2022, 6, 1))  # 补办出让
    a = evaluate_contract(c, D(2022, 12, 1), POLICY)
    comp = by_rule(a)["completion.overdue"]
    assert comp.colour == "red" and "存疑" not in comp.zh  # the completion is supervised, not dropped
    idle = by_rule(a)["idle.not_started"]
    assert (
        idle.colour == "red"
        and "（所依据的日期存疑：约定开工日期2019-01-01早于合同签订日期2021-05-01（补办出让常见）" in idle.zh
    )
    assert "built on a flagged date" in idle.en and idle.figures["flagged_dates"]
    assert "约定开工日期2019-01-01早于合同签订日期2021-05-01" in by_rule(a)["contract.not_judged"].zh


def test_start_equal_completion_equal_signing_day_is_a_placeholder():
    d = D(2020, 1, 10)
    a = evaluate_contract(contract(agreed_start=d, agreed_completion=d), D(2020, 3, 1), POLICY)
    f = by_rule(a)["completion.overdue"]
    assert "（所依据的日期存疑：约定开工、竣工日期均为合同签订当日，疑为占位日期）" in f.zh
    assert "contract.not_judged" in by_rule(a)


def test_a_date_beyond_the_term_is_flagged():
    # a 30-year term: beyond the term, but within the plausible range (registry.toml [dates]: 50 years after
    # signing, beyond which the date is refused outright, not flagged)
    c = contract(term_years=30, agreed_completion=D(2055, 1, 1))
    a = evaluate_contract(c, D(2020, 7, 1), POLICY)
    g = by_rule(a)["contract.not_judged"]
    assert "约定竣工日期2055-01-01晚于签订日加使用年限30年（2050-01-10）" in g.zh and a.colour != "green"


# ------------------------------------------------------------------ lease, stall, reminder
def test_a_lease_not_started_gets_its_own_warning_without_a_fee():
    a = evaluate_contract(contract(kind=LEASE, price_wan=Decimal("30")), D(2022, 6, 2), POLICY)
    rules = by_rule(a)
    assert "idle.not_started" not in rules and "idle.take_back" not in rules and not a.idle
    f = rules["lease.not_started"]
    assert f.colour == "red" and f.fee_wan is None and a.fee_wan is None and not a.take_back
    assert "租赁价款不适用" in f.zh


def test_take_back_after_a_stall_is_off_by_default_and_a_county_may_turn_it_on():
    from landcycle.rules.supervision import Development

    c = contract(actual_start=D(2020, 6, 1), development=Development(Decimal("0.1"), None, D(2020, 9, 1)))
    assert POLICY.idle_land.stalled_take_back is False
    a = evaluate_contract(c, D(2022, 9, 2), POLICY)
    assert a.idle and not a.take_back
    county = dataclasses.replace(POLICY, idle_land=dataclasses.replace(POLICY.idle_land, stalled_take_back=True))
    b = evaluate_contract(c, D(2022, 9, 2), county)
    assert b.take_back and "本县规则" in by_rule(b)["idle.take_back"].zh


def test_a_near_date_is_a_reminder_not_yellow():
    a = evaluate_contract(contract(actual_start=D(2020, 6, 1)), D(2022, 5, 20), POLICY)
    f = by_rule(a)["completion.due_soon"]
    assert f.colour == "blue" and a.colour == "blue"


def test_policy_keys_parse_and_old_files_without_them_still_load():
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("landcycle.policies").joinpath("warnings.toml").read_text("utf-8"))
    for key in ("delay_shift_max_years", "start_from_delivery_years", "fee_kinds"):
        data["idle_land"].pop(key)
    data["contract_dates"].pop("notice_colour")
    p = parse_policy(data)
    assert p.idle_land.delay_shift_max_years == 1 and p.idle_land.start_from_delivery_years == 0
    assert p.contract_dates.notice_colour == "blue"


# ------------------------------------------------------------------ enterprises
def test_tax_exemptions_follow_the_evaluation_policy_counting():
    from landcycle.rules.supervision.enterprise import Exemption, tax_exemption

    rules = (
        Exemption("new_firm", "registered_within_years", 2, "新办", "new"),
        Exemption("construction_period", "granted_within_years", 3, "建设期", "construction"),
    )
    assert tax_exemption(2025, rules, D(2024, 1, 1), None).key == "new_firm"  # after 2023-12-31
    assert tax_exemption(2025, rules, D(2023, 12, 31), None) is None  # exactly two years: evaluated
    assert tax_exemption(2025, rules, D(2010, 1, 1), D(2023, 5, 1)).key == "construction_period"
    assert tax_exemption(2025, rules, D(2010, 1, 1), D(2022, 12, 31)) is None


def test_old_figures_are_no_current_data_not_red():
    from landcycle.rules.supervision.enterprise import stale_figures_finding

    assert stale_figures_finding(2025, D(2026, 11, 29), POLICY) is None
    f = stale_figures_finding(2023, D(2026, 11, 29), POLICY)
    assert f.colour == "grey" and f.zh.startswith("无当期数据：最近的亩均税收数据为2023年度，早于2025年度")


def test_an_ended_lease_finding_names_the_parcel_the_end_and_the_evaluation():
    from landcycle.rules.supervision.enterprise import ended_lease_finding

    f = ended_lease_finding("330282112-0007", D(2026, 6, 30), D(2026, 11, 29), "慈溪市某纺织厂", True)
    assert f.rule == "lease.ended_not_vacated" and f.colour == "yellow" and f.days_overdue == 152
    assert "租约已于2026-06-30到期" in f.zh and "地块已列入腾退" in f.zh and "仍计入亩均评价" in f.zh
