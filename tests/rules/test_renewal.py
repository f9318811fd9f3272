"""Renewal rules (rules/renewal.py), each figure computed by hand in the comment next to it."""

import datetime as dt
from decimal import Decimal as D

import pytest

from landcycle.rules import renewal as r
from landcycle.rules.supervision import load_policy
from landcycle.rules.supervision.policy import DeadlineRule, ProgressRule

POLICY = load_policy()
PROG, DATES = POLICY.progress, POLICY.contract_dates
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)  # 364 days


def colour(as_of, percent, milestones=(), state=r.UNDER_WAY):
    return r.project_colour(state, START, END, as_of, percent, milestones, PROG, DATES)


def test_policy_thresholds_are_the_supervision_ones():
    assert (PROG.yellow_behind, PROG.red_behind) == (D(10), D(30))
    assert DATES.grace == 90


def test_time_proportional_progress_colours():
    # 2025-07-02: 182 of 364 days = 50 % planned
    mid = dt.date(2025, 7, 2)
    assert colour(mid, 45).colour == "green"  # 5 points behind
    assert colour(mid, 40).colour == "yellow"  # 10 points: yellow from 10
    assert colour(mid, 20).colour == "yellow"  # exactly 30: still yellow
    assert colour(mid, 19).colour == "red"  # 31 points behind
    c = colour(mid, 19)
    assert (c.planned_percent, c.done_percent) == (D("50.0"), D("19.0"))
    assert "滞后31.0个百分点" in c.zh


def test_own_thresholds_are_used():
    c = r.project_colour(r.UNDER_WAY, START, END, dt.date(2025, 7, 2), 45, (), ProgressRule(D(5), D(8)), DATES)
    assert c.colour == "yellow"  # 5 points behind with a county's own 5/8 thresholds


def test_milestone_late_yellow_then_red_after_three_months():
    m = r.MilestoneRow(r.M_DEMOLITION, dt.date(2025, 3, 1))
    assert colour(dt.date(2025, 3, 1), 100, [m]).colour == "green"  # on its day: not late
    assert colour(dt.date(2025, 3, 2), 100, [m]).colour == "yellow"  # 1 day late
    assert colour(dt.date(2025, 5, 30), 100, [m]).colour == "yellow"  # 90 days late: within grace
    late = colour(dt.date(2025, 5, 31), 100, [m])  # 91 days late
    assert late.colour == "red"
    assert late.reasons[0].rule == "milestone.late" and "逾期91天" in late.zh
    done = r.MilestoneRow(r.M_DEMOLITION, dt.date(2025, 3, 1), dt.date(2025, 4, 1))
    assert colour(dt.date(2025, 5, 31), 100, [done]).colour == "green"  # done (late) is done


def test_worst_of_progress_and_milestones_and_states():
    m = r.MilestoneRow(r.M_DEMOLITION, dt.date(2025, 6, 1))
    assert colour(dt.date(2025, 7, 2), 19, [m]).colour == "red"  # red progress wins over a yellow milestone
    assert colour(dt.date(2025, 7, 2), 19, state=r.DRAFT).colour == "grey"
    assert colour(dt.date(2025, 7, 2), 19, state=r.DONE).colour == "green"
    assert colour(dt.date(2024, 12, 1), 0).planned_percent == D("0.0")  # before the start nothing is due


def test_plan_checks():
    plan = r.Plan(D(100), START, END, demolish_mu=D("100.01"), rebuild_mu=D(80), illegal_m2=D(-1))
    rules = {(p.field, p.rule) for p in r.plan_problems(plan)}
    assert rules == {("demolish_mu", "renewal.more_than_covered"), ("illegal_m2", "renewal.negative")}
    assert r.plan_problems(r.Plan(D(100), START, END, demolish_mu=D(100))) == []
    bad = r.plan_problems(r.Plan(D(0), END, START))
    assert {p.rule for p in bad} == {"renewal.area", "renewal.dates"}


def test_report_checks_demolished_more_than_covered_and_cumulative():
    plan = r.Plan(D("1171"), START, END)
    ok = r.Achieved(30, demolished_mu=D(118))
    assert r.report_problems(plan, ok) == []
    p = r.report_problems(plan, r.Achieved(30, demolished_mu=D("1171.5")))
    assert [x.rule for x in p] == ["renewal.demolished_more_than_covered"]
    assert "1171.5" in p[0].zh and "1171" in p[0].en
    p = r.report_problems(plan, r.Achieved(25, demolished_mu=D(100)), previous=ok)
    assert {(x.field, x.rule) for x in p} == {
        ("percent_done", "renewal.cumulative_down"),
        ("demolished_mu", "renewal.cumulative_down"),
    }
    assert [x.rule for x in r.report_problems(plan, r.Achieved(101))] == ["renewal.percent"]


def test_milestone_order():
    deps = r.default_dependencies([r.M_APPROVAL, r.M_DEMOLITION, r.M_COMPLETION])
    assert deps == {r.M_APPROVAL: None, r.M_DEMOLITION: r.M_APPROVAL, r.M_COMPLETION: r.M_DEMOLITION}
    today = dt.date(2025, 9, 1)
    rows = [
        r.MilestoneRow(r.M_APPROVAL, dt.date(2025, 1, 1), dt.date(2025, 2, 1)),
        r.MilestoneRow(r.M_DEMOLITION, dt.date(2025, 3, 1), dt.date(2025, 1, 15), r.M_APPROVAL),
        r.MilestoneRow(r.M_COMPLETION, dt.date(2025, 9, 1), dt.date(2025, 8, 1), r.M_DEMOLITION),
    ]
    problems = r.milestone_problems(rows, today)
    assert [(p.field, p.rule) for p in problems] == [("milestone.demolition", "renewal.milestone_order")]
    assert "早于其前置节点“方案批复”（2025-02-01）" in problems[0].zh
    waiting = [rows[0], r.MilestoneRow(r.M_DEMOLITION, dt.date(2025, 3, 1), None, r.M_APPROVAL), rows[2]]
    assert "尚未完成" in r.milestone_problems(waiting, today)[0].zh
    future = [r.MilestoneRow(r.M_APPROVAL, dt.date(2025, 1, 1), dt.date(2025, 9, 2))]
    assert [p.rule for p in r.milestone_problems(future, today)] == ["renewal.milestone_future"]


def test_fate_checks():
    assert r.fate_problems("甲公司", True, r.F_STAYS, None) == []
    assert [p.rule for p in r.fate_problems("甲公司", False, r.F_STAYS, None)] == ["renewal.firm_not_on_block"]
    assert [p.rule for p in r.fate_problems("甲公司", True, r.F_MOVES, None)] == ["renewal.no_destination"]
    assert [p.rule for p in r.fate_problems("甲公司", True, r.F_MOVES, "东区", True)] == [
        "renewal.destination_on_block"
    ]
    assert r.LEAVES == {r.F_MOVES, r.F_CLOSED}


def test_payoff_before_and_after():
    years = {
        2022: r.BlockYear(2022, D(900), D(20000), 12),  # two years before: not shown
        2023: r.BlockYear(2023, D(1000), D(30000), 10),  # the year before a 2024 start
        2024: r.BlockYear(2024, D(800), D(25000), 6),
        2026: r.BlockYear(2026, D(2500), D(50000), 8),  # 2025 has no figures: left out, not zero
    }
    p = r.block_payoff(D(200), 2024, years, until=2026)
    assert p.before_year == 2023
    assert p.before.tax_per_mu == D("5.00")  # 1000 / 200
    assert p.before.revenue_per_mu == D("150.00")  # 30000 / 200
    assert [(x.year, x.tax_per_mu, x.tax_per_mu_change) for x in p.after] == [
        (2024, D("4.00"), D("-1.00")),  # 800 / 200 = 4, 4 − 5
        (2026, D("12.50"), D("7.50")),  # 2500 / 200 = 12.5, 12.5 − 5
    ]
    assert p.latest_change == D("7.50")
    q = r.block_payoff(D(3), 2024, {2024: r.BlockYear(2024, D(10), D(0), 1)}, until=2024)
    assert q.before is None and q.after[0].tax_per_mu == D("3.33") and q.after[0].tax_per_mu_change is None
    with pytest.raises(ValueError):
        r.block_payoff(D(0), 2024, years, until=2026)


def test_area_arithmetic():
    assert r.renewed_mu(D("1171"), 30) == D("351.30")  # 1171 × 30 %
    assert r.planned_mu(D("1171"), START, END, dt.date(2025, 7, 2)) == D("585.50")  # 1171 × 182/364
    assert r.planned_mu(D(10), START, END, dt.date(2026, 3, 1)) == D("10.00")  # past the end: all of it
    assert r.planned_share(START, END, dt.date(2024, 1, 1)) == 0


def test_deadline_rule_other_grace():
    m = r.MilestoneRow(r.M_FIRMS_IN, dt.date(2025, 3, 1))
    assert r.milestone_reason(m, dt.date(2025, 3, 3), DeadlineRule(notice=0, grace=1)).colour == "red"
