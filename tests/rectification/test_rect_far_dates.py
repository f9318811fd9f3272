"""Issue 10: the dates of the rectification ledger are checked for a plausible range (policies/registry.toml
``[dates]``: from 1949-10-01 to 70 years from today) by the services, with the field named in both
languages and nothing written; before the check a task due in year 9999 was saved."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import COUNTY, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rectification.models import Finding, Inspection, Round, Task
from landcycle.rectification.services.ledger import check_record, finding_create, task_create
from landcycle.rectification.services.rounds import round_close, round_open
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
FAR, EARLY = dt.date(9999, 12, 31), dt.date(1900, 1, 1)


def _counts():
    return [m.objects.count() for m in (Inspection, Finding, Task, Round, AuditEntry)]


def test_far_dates_of_the_rectification_ledger_are_refused(rectification_data, personas, regions):
    sup, d = personas["supervisor"], rectification_data[XINPU]
    cases = [
        (
            lambda: check_record(actor=sup, held_on=FAR, regions=[d["town"]], body="市纪委"),
            "started_on ended_on",
        ),
        (
            lambda: finding_create(actor=sup, inspection=d["inspection"], found_on=FAR, summary="问题"),
            "found_on",
        ),
        (
            lambda: task_create(
                actor=sup,
                finding=d["finding"],
                town=d["town"],
                title="任务",
                measures="措施",
                deadline=FAR,
                assigned_on=dt.date(2026, 9, 15),
            ),
            "deadline",
        ),
        (
            lambda: task_create(
                actor=sup,
                finding=d["finding"],
                town=d["town"],
                title="任务",
                measures="措施",
                deadline=dt.date(2026, 12, 31),
                assigned_on=EARLY,
            ),
            "assigned_on",
        ),
        (lambda: round_close(actor=sup, round=d["round"], on=FAR), "on"),
        (lambda: round_open(actor=sup, county=regions[COUNTY], on=FAR), "on"),
    ]
    before = _counts()
    for write, field in cases:
        with pytest.raises(RuleError) as exc:
            write()
        problems = [p for p in exc.value.problems if p.rule.startswith("date.")]
        assert [p.field for p in problems] == field.split(), exc.value.problems
        assert "9999-12-31" in problems[0].zh or "1900-01-01" in problems[0].zh, problems[0]
        assert _counts() == before
