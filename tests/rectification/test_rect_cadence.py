"""The cadence of reconciliation rounds (每月两次对账): periods across month ends and February (common and leap
years), other cadences from the policy, and the day updates are due on the official calendar (public
holidays, 调休 working weekends, a year not configured yet)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import COUNTY
from landcycle.rectification.cadence import due_day, next_period, period_containing, periods_between, previous_period
from landcycle.rectification.colours import work_calendar
from landcycle.rectification.policy import parse_policy, rectification_policy
from landcycle.rectification.services.rounds import round_open
from landcycle.rules.policy import load_default
from landcycle.rules.problems import RuleError

D = dt.date
TWICE = (1, 16)


@pytest.mark.parametrize(
    "day, start, end, label",
    [
        (D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 15), "2026年1月上半月"),
        (D(2026, 1, 15), D(2026, 1, 1), D(2026, 1, 15), "2026年1月上半月"),
        (D(2026, 1, 16), D(2026, 1, 16), D(2026, 1, 31), "2026年1月下半月"),
        (D(2026, 4, 30), D(2026, 4, 16), D(2026, 4, 30), "2026年4月下半月"),
        (D(2026, 2, 20), D(2026, 2, 16), D(2026, 2, 28), "2026年2月下半月"),
        (D(2024, 2, 29), D(2024, 2, 16), D(2024, 2, 29), "2024年2月下半月"),
        (D(2026, 12, 31), D(2026, 12, 16), D(2026, 12, 31), "2026年12月下半月"),
    ],
)
def test_twice_a_month_across_month_ends_and_february(day, start, end, label):
    p = period_containing(day, TWICE)
    assert (p.start, p.end, p.label_zh) == (start, end, label)
    assert p.label_en.startswith(day.strftime("%B %Y"))


def test_periods_follow_each_other_without_gap_over_a_year_end_and_a_leap_february():
    periods = periods_between(D(2023, 12, 20), D(2024, 3, 2), TWICE)
    assert [(p.start.isoformat(), p.end.isoformat()) for p in periods] == [
        ("2023-12-16", "2023-12-31"),
        ("2024-01-01", "2024-01-15"),
        ("2024-01-16", "2024-01-31"),
        ("2024-02-01", "2024-02-15"),
        ("2024-02-16", "2024-02-29"),
        ("2024-03-01", "2024-03-15"),
    ]
    for a, b in zip(periods, periods[1:], strict=False):
        assert b.start == a.end + dt.timedelta(days=1)
        assert next_period(a, TWICE) == b and previous_period(b, TWICE) == a


def test_other_cadences_from_the_policy():
    monthly = period_containing(D(2026, 2, 10), (1,))
    assert (monthly.start, monthly.end, monthly.label_zh) == (D(2026, 2, 1), D(2026, 2, 28), "2026年2月")
    third = period_containing(D(2026, 2, 25), (1, 11, 21))
    assert (third.start, third.end, third.label_zh) == (D(2026, 2, 21), D(2026, 2, 28), "2026年2月第3期")
    assert period_containing(D(2026, 3, 31), (1, 11, 21)).start == D(2026, 3, 21)


@pytest.mark.parametrize(
    "day, due, why",
    [
        (D(2026, 9, 10), D(2026, 9, 15), "a Tuesday: due that day"),
        (D(2026, 2, 10), D(2026, 2, 24), "2026-02-15 falls in the Spring Festival (02-15 … 02-23): due 02-24"),
        (D(2026, 2, 20), D(2026, 2, 28), "2026-02-28 is a Saturday worked in exchange (调休): due that day"),
        (D(2026, 10, 20), D(2026, 11, 2), "2026-10-31 is a Saturday: due Monday 11-02"),
        (D(2026, 5, 20), D(2026, 6, 1), "2026-05-31 is a Sunday: due 06-01"),
        (D(2026, 1, 20), D(2026, 2, 2), "2026-01-31 is a Saturday: due 02-02"),
    ],
)
def test_the_due_day_on_the_official_calendar(day, due, why):
    assert due_day(period_containing(day, TWICE), work_calendar()) == due, why


def test_the_due_day_on_a_holiday_of_a_three_period_cadence():
    # 2026-10-01 … 10-10: ends on Saturday 10-10, a working day in exchange for National Day
    p = period_containing(D(2026, 10, 3), (1, 11, 21))
    assert (p.end, due_day(p, work_calendar())) == (D(2026, 10, 10), D(2026, 10, 10))
    assert due_day(p, work_calendar(), roll_forward=False) == D(2026, 10, 10)
    p = period_containing(D(2026, 5, 1), (1, 6))  # 05-01 … 05-05 is Labour Day
    assert due_day(p, work_calendar()) == D(2026, 5, 6)


@pytest.mark.django_db
def test_a_round_records_its_period_and_due_day(regions, personas):
    rnd = round_open(actor=personas["supervisor"], county=regions[COUNTY], on=D(2026, 2, 5))
    assert (rnd.period_start, rnd.period_end, rnd.due_on) == (D(2026, 2, 1), D(2026, 2, 15), D(2026, 2, 24))
    assert rnd.policy_version == f"rectification {rectification_policy().version}"


@pytest.mark.django_db
def test_a_year_without_official_holidays_is_refused_not_guessed(regions, personas):
    with pytest.raises(RuleError) as exc:
        round_open(actor=personas["supervisor"], county=regions[COUNTY], on=D(2027, 1, 20))
    (p,) = exc.value.problems
    assert p.rule == "calendar.out_of_range" and "2027" in p.zh and "2027" in p.en


def test_the_shipped_policy_and_a_broken_copy():
    policy = rectification_policy()
    assert policy.period_start_days == (1, 16) and policy.notice_working_days == 5
    assert policy.red_after_missed == 2 and policy.max_size_bytes == 20 * 1024 * 1024 and "pdf" in policy.extensions
    data = load_default("rectification") | {
        "rounds": {"period_start_days": [3, 16]},
        "evidence": {"extensions": [], "max_size_mb": 0},
    }
    with pytest.raises(RuleError) as exc:
        parse_policy(data)
    fields = {p.field for p in exc.value.problems}
    assert {"rounds.period_start_days", "evidence.extensions", "evidence.max_size_mb"} <= fields
    assert all(p.zh and p.en for p in exc.value.problems)
