"""Deadlines in working days on the official calendar (National Day 2025: 10-01..10-08 off, Sunday
09-28 and Saturday 10-11 worked; 2026: 10-01..10-07 off, Sunday 09-20 and Saturday 10-10 worked), and
progress against the time-proportional plan (10–30 points behind yellow, more than 30 red)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from landcycle.rules.supervision import CalendarError, WorkCalendar, deadline_colour, load_policy, progress_colour
from landcycle.rules.supervision.policy import CalendarTable, DeadlineRule

D = dt.date
POLICY = load_policy()
CAL = WorkCalendar(POLICY.calendar)


def test_the_official_calendar_around_national_day_2025():
    assert CAL.is_workday(D(2025, 9, 28))  # Sunday, 调休 working day
    assert not CAL.is_workday(D(2025, 10, 1)) and not CAL.is_workday(D(2025, 10, 8))  # Wednesday, holiday
    assert CAL.is_workday(D(2025, 10, 11))  # Saturday, 调休 working day
    assert not CAL.is_workday(D(2025, 10, 12))  # an ordinary Sunday
    # five working days after Friday 09-26: 09-28 (Sun), 09-29, 09-30, 10-09, 10-10
    assert CAL.add(D(2025, 9, 26), 5) == D(2025, 10, 10)
    assert CAL.count(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert CAL.add(D(2026, 9, 30), 1) == D(2026, 10, 8) and CAL.is_workday(D(2026, 10, 10))


def test_deadline_within_five_working_days_across_the_holiday_is_yellow():
    # calendar days: 14 left; working days: 5 (09-28, 09-29, 09-30, 10-09, 10-10) -> notice reached
    st = deadline_colour(D(2025, 10, 10), D(2025, 9, 26), False, POLICY)
    assert (st.colour, st.state, st.days_left) == ("yellow", "due_soon", 5)
    assert st.zh == "期限2025-10-10临近，剩余5个工作日"
    st = deadline_colour(D(2025, 10, 10), D(2025, 9, 25), False, POLICY)
    assert (st.colour, st.days_left) == ("green", 6)
    cal = deadline_colour(D(2025, 10, 10), D(2025, 9, 26), False, POLICY, working_days=False)
    assert (cal.colour, cal.days_left) == ("green", 14)


def test_a_deadline_on_a_holiday_moves_to_the_next_working_day():
    st = deadline_colour(D(2025, 10, 3), D(2025, 9, 30), False, POLICY)
    assert st.effective == D(2025, 10, 9) and st.days_left == 1 and st.colour == "yellow"
    assert "2025-10-03为休息日，顺延至2025-10-09" in st.zh
    # on 10-08 (still a holiday) it is not overdue yet
    assert deadline_colour(D(2025, 10, 3), D(2025, 10, 8), False, POLICY).state == "due_soon"
    assert deadline_colour(D(2025, 10, 3), D(2025, 10, 10), False, POLICY).state == "overdue"


def test_overdue_working_days_skip_the_holiday_and_count_the_working_saturday():
    st = deadline_colour(D(2025, 9, 30), D(2025, 10, 11), False, POLICY)
    assert (st.colour, st.state, st.days_overdue) == ("red", "overdue", 3)  # 10-09, 10-10, 10-11 (Sat)
    assert st.zh == "期限2025-09-30已逾期3个工作日"
    # overdue during the holiday: no working day missed yet, still overdue (at least 1) and red with grace 0
    st = deadline_colour(D(2025, 9, 30), D(2025, 10, 5), False, POLICY)
    assert (st.colour, st.days_overdue) == ("red", 1)


def test_grace_in_working_days():
    rule = DeadlineRule(notice=5, grace=3, roll_forward=True)
    assert deadline_colour(D(2025, 9, 30), D(2025, 10, 11), False, rule).colour == "yellow"  # 3 working days
    assert deadline_colour(D(2025, 9, 30), D(2025, 10, 12), False, rule).colour == "yellow"  # Sunday: still 3
    st = deadline_colour(D(2025, 9, 30), D(2025, 10, 13), False, rule)
    assert (st.colour, st.days_overdue) == ("red", 4)


def test_done_is_green_and_a_later_done_date_is_not_done_yet():
    assert deadline_colour(D(2025, 9, 30), D(2025, 10, 13), True, POLICY).colour == "green"
    assert deadline_colour(D(2025, 9, 30), D(2025, 10, 13), D(2025, 9, 29), POLICY).state == "done"
    assert deadline_colour(D(2025, 9, 30), D(2025, 10, 13), D(2025, 10, 20), POLICY).state == "overdue"


def test_deadline_today_is_due_soon_and_calendar_days_grace():
    rule = POLICY.contract_dates  # calendar days: notice 30, grace 90
    assert deadline_colour(D(2025, 5, 1), D(2025, 5, 1), None, rule, working_days=False).state == "due_soon"
    st = deadline_colour(D(2025, 5, 1), D(2025, 3, 31), None, rule, working_days=False)
    assert (st.colour, st.days_left) == ("green", 31)
    st = deadline_colour(D(2025, 5, 1), D(2025, 4, 1), None, rule, working_days=False)
    assert (st.colour, st.days_left, st.zh) == ("yellow", 30, "期限2025-05-01临近，剩余30天")
    assert deadline_colour(D(2025, 5, 1), D(2025, 7, 30), None, rule, working_days=False).colour == "yellow"  # 90 d
    st = deadline_colour(D(2025, 5, 1), D(2025, 7, 31), None, rule, working_days=False)
    assert (st.colour, st.days_overdue) == ("red", 91)


def test_a_date_beyond_every_calendar_is_an_error_not_a_guess():
    with pytest.raises(CalendarError) as exc:
        deadline_colour(D(2027, 1, 8), D(2026, 12, 28), False, POLICY)
    p = exc.value.problems[0]
    assert p.rule == "calendar.out_of_range"
    assert "2027-01-08 超出法定节假日数据范围" in p.zh and "2004–2026" in p.zh and "请在调整表中加入 2027 年" in p.zh
    assert "Add the holidays and working weekend days of 2027" in p.en


def test_the_local_table_covers_a_later_year_and_corrects_a_known_one():
    table = CalendarTable(
        years=frozenset({2027}),
        holidays=frozenset({D(2027, 1, 1), D(2025, 9, 29)}),
        workdays=frozenset({D(2027, 1, 2)}),
    )
    policy = dataclasses.replace(POLICY, calendar=table)
    cal = WorkCalendar(table)
    assert not cal.is_workday(D(2027, 1, 1)) and cal.is_workday(D(2027, 1, 2)) and not cal.is_workday(D(2027, 1, 3))
    assert cal.is_workday(D(2027, 1, 4))  # a Monday, by the weekday rule of a year the table covers
    assert not cal.is_workday(D(2025, 9, 29))  # a local correction of a year the package knows
    st = deadline_colour(D(2027, 1, 8), D(2026, 12, 28), False, policy)
    # 12-29, 12-30, 12-31 (2026), 01-02 (worked Saturday), 01-04 .. 01-08
    assert (st.colour, st.days_left) == ("green", 9)


@pytest.mark.parametrize(
    "done, colour, behind",
    [
        ("50.1", "green", "9.9"),
        ("50", "yellow", "10.0"),
        ("30", "yellow", "30.0"),
        ("29.9", "red", "30.1"),
        ("80", "green", "-20.0"),
    ],
)
def test_progress_thresholds(done, colour, behind):
    # 100 planned days; on day 60 the plan says 60 %
    st = progress_colour(D(2025, 1, 1), D(2025, 4, 11), D(2025, 3, 2), Decimal(done), POLICY)
    assert st.planned_percent == Decimal("60.0") and st.colour == colour and st.behind_points == Decimal(behind)


def test_progress_reason_and_edges():
    st = progress_colour(D(2025, 1, 1), D(2025, 4, 11), D(2025, 3, 2), 40, POLICY)
    assert st.zh == "序时进度应达60.0%，实际完成40.0%，滞后20.0个百分点"
    assert st.en == "planned 60.0% by 2025-03-02, done 40.0%: 20.0 points behind"
    assert progress_colour(D(2025, 1, 1), D(2025, 4, 11), D(2024, 12, 1), 0, POLICY).colour == "green"
    late = progress_colour(D(2025, 1, 1), D(2025, 4, 11), D(2026, 1, 1), 75, POLICY)
    assert late.planned_percent == Decimal("100.0") and late.colour == "yellow"
    with pytest.raises(ValueError):
        progress_colour(D(2025, 4, 11), D(2025, 1, 1), D(2025, 3, 2), 40, POLICY)
