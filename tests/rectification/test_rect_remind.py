"""``landcycle rectification remind``: the reminder a timer runs each morning before a round's due day — one line
per responsible unit whose reports are still missing, nothing when every report is in or the day is far."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import QIAOTOU, XINPU
from landcycle.rectification.models import RoundItem

pytestmark = pytest.mark.django_db


def remind(*args: str) -> str:
    out = io.StringIO()
    call_command("rectification", "remind", *args, stdout=out)
    return out.getvalue()


def test_reminders_name_the_units_whose_reports_are_missing_near_the_due_day(rectification_data):
    rnd = rectification_data[XINPU]["round"]
    assert rnd.due_on.isoformat() == "2026-11-30"
    # 新浦镇's report is not in (yet): its item has none; 桥头镇 reported
    RoundItem.objects.filter(pk=rectification_data[XINPU]["round_item"].pk).update(report=None)
    xinpu = rectification_data[XINPU]["task"].town.name
    qiaotou = rectification_data[QIAOTOU]["task"].town.name

    far = remind("--on", "2026-11-27")  # three days before: not yet
    assert not [line for line in far.splitlines() if line.startswith("提醒")] and "没有临近截止的未报送事项" in far

    near = remind("--on", "2026-11-28")
    lines = [line for line in near.splitlines() if line.startswith("提醒")]
    assert len(lines) == 1 and xinpu in lines[0] and qiaotou not in lines[0]
    assert "1 项未报送" in lines[0] and "还有2天截止" in lines[0] and "due in 2 day(s)" in lines[0]
    assert "1 个责任单位需要提醒" in near

    assert "今天截止" in remind("--on", "2026-11-30", "--days", "0")
    late = remind("--on", "2026-12-02", "--days", "0")
    assert "已逾期" in late and "overdue" in late and xinpu in late


def test_no_reminder_when_every_report_is_in(rectification_data):
    out = remind("--on", "2026-11-30")
    assert not [line for line in out.splitlines() if line.startswith("提醒")]
    assert "没有临近截止的未报送事项" in out


def test_the_days_are_bounded(rectification_data):
    with pytest.raises(CommandError):
        remind("--on", "2026-11-30", "--days", "400")
