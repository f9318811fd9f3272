"""`landcycle warnings refresh [--as-of DATE]`: recomputes everything, says what changed, changes nothing on
a second run, refuses a date it cannot read."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from landcycle.audit.models import AuditEntry
from landcycle.supervision.models import Warning, WarningEvent

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("warnings", "refresh", *args, stdout=out)
    return out.getvalue()


def test_command_refreshes_idempotently(supervision_data):
    Warning.objects.all().delete()
    text = _run("--as-of", "2026-11-29")
    raised = Warning.objects.count()
    assert raised > 0 and f"新增预警{raised}条" in text and f"{raised} raised" in text
    counts = (WarningEvent.objects.count(), AuditEntry.objects.count())
    text = _run("--as-of", "2026-11-29")
    assert "新增预警0条，颜色变化0条" in text and f"未变{raised}条" in text
    assert (WarningEvent.objects.count(), AuditEntry.objects.count()) == counts
    entry = AuditEntry.objects.filter(action="warning.raise").latest("seq")
    assert entry.actor_name == "system"


def test_command_reports_skipped_contracts_and_bad_dates(supervision_data):
    text = _run("--as-of", "2023-01-01")  # before the contracts were signed
    assert "跳过2份合同" in text and "skipped HT330282" in text
    with pytest.raises(CommandError):
        _run("--as-of", "2026/11/29")
