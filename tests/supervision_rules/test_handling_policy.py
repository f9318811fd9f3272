"""The [handling] table of the warning policy: verification due in working days, evidence limits; a county's older
copy without it takes the defaults, a wrong value is named."""

from __future__ import annotations

import datetime as dt

import pytest

from landcycle.rules.policy import read_policy
from landcycle.rules.supervision import WorkCalendar, load_policy
from landcycle.rules.supervision.policy import PolicyError, parse_policy


def test_shipped_values():
    h = load_policy().handling
    assert (h.verify_working_days, h.evidence_max_mb, h.evidence_max_files) == (5, 20, 9)


def test_an_older_copy_without_the_table_takes_the_defaults():
    data = {k: v for k, v in read_policy("warnings").data.items() if k != "handling"}
    assert parse_policy(data).handling.verify_working_days == 5


def test_a_wrong_value_is_named():
    data = dict(read_policy("warnings").data)
    data["handling"] = {"verify_working_days": "five"}
    with pytest.raises(PolicyError) as exc:
        parse_policy(data)
    assert any("handling.verify_working_days" in p.field for p in exc.value.problems)


def test_five_working_days_skip_the_national_day_holiday():
    cal = WorkCalendar(load_policy().calendar)
    # raised on 2026-09-30: 1–7 October are holidays (and 8 October a rest day in 2026), so the fifth working day
    # is after the week of the National Day
    due = cal.add(dt.date(2026, 9, 30), 5)
    assert due > dt.date(2026, 10, 8) and cal.count(dt.date(2026, 9, 30), due) == 5
