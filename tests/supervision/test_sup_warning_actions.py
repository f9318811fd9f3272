"""Acknowledge, assign and close (销号): closing only when the rule no longer fires, or as an audited
exception by a county administrator with its reason; every action in the history and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rules.problems import RuleError
from landcycle.supervision.models import Warning
from landcycle.supervision.refresh import warnings_refresh
from landcycle.supervision.services.contracts import contract_update
from landcycle.supervision.services.warnings import warning_acknowledge, warning_assign, warning_close

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 29)


def test_a_firing_warning_cannot_be_closed_except_as_an_audited_exception(supervision_data, personas):
    admin, w = personas["admin"], supervision_data[XINPU]["warning"]
    assert w.colour == "red"
    audits = AuditEntry.objects.count()
    with pytest.raises(RuleError) as exc:
        warning_close(actor=admin, warning=w, reason="已约谈")
    assert exc.value.problems[0].rule == "warning.still_fires" and "still fires" in exc.value.problems[0].en
    with pytest.raises(RuleError) as exc:
        warning_close(actor=admin, warning=w, exception=True, reason=" ")
    assert exc.value.problems[0].rule == "warning.exception_reason"
    assert AuditEntry.objects.count() == audits
    w.refresh_from_db()
    assert w.status == "open"
    warning_close(actor=admin, warning=w, exception=True, reason="县政府专题会议同意暂缓收回")
    w.refresh_from_db()
    assert (w.status, w.closed_exception, w.closed_by, w.closed_reason) == (
        "closed",
        True,
        admin,
        "县政府专题会议同意暂缓收回",
    )
    entry = AuditEntry.objects.get(action="warning.close_exception", object_id=str(w.pk))
    assert "县政府专题会议同意暂缓收回" in entry.after and entry.region_code == XINPU
    assert w.events.filter(kind="close").exists()


def test_a_green_warning_closes_and_reopens_when_it_fires_again(supervision_data, personas):
    admin, d = personas["admin"], supervision_data[XINPU]
    contract_update(actor=admin, contract=d["contract"], actual_start=dt.date(2026, 11, 1))
    warnings_refresh(actor=admin, as_of=DAY)
    w = Warning.objects.get(subject_type="contract", subject_id=d["contract"].pk, rule="idle.not_started")
    assert w.colour == "green"
    warning_close(actor=admin, warning=w)
    w.refresh_from_db()
    assert w.status == "closed" and not w.closed_exception
    assert AuditEntry.objects.filter(action="warning.close", object_id=str(w.pk)).count() == 1
    contract_update(actor=admin, contract=d["contract"], actual_start=None)  # the start was a mistake
    warnings_refresh(actor=admin, as_of=DAY)
    w.refresh_from_db()
    assert (w.colour, w.status) == ("red", "open")
    assert list(w.events.values_list("kind", flat=True)) == ["colour", "colour", "close", "colour", "reopen"]


def test_only_the_county_administrator_acts_on_warnings(supervision_data, personas):
    w = supervision_data[XINPU]["warning"]
    for who in ("xinpu", "leader", "supervisor", "analyst"):
        with pytest.raises(PermissionDenied):
            warning_acknowledge(actor=personas[who], warning=w)
        with pytest.raises(PermissionDenied):
            warning_close(actor=personas[who], warning=w, exception=True, reason="x")


def test_acknowledge_and_assign(supervision_data, personas):
    admin, w = personas["admin"], supervision_data[XINPU]["warning"]
    warning_acknowledge(actor=admin, warning=w, note="已电话通知")
    with pytest.raises(RuleError):
        warning_acknowledge(actor=admin, warning=w)
    with pytest.raises(RuleError) as exc:  # the officer of another town cannot be responsible for it
        warning_assign(actor=admin, warning=w, assignee=personas["qiaotou"])
    assert exc.value.problems[0].rule == "warning.assignee_scope"
    warning_assign(actor=admin, warning=w, assignee=personas["xinpu"])
    w.refresh_from_db()
    assert (w.status, w.assignee) == ("acknowledged", personas["xinpu"])
    assert set(
        AuditEntry.objects.filter(object_id=str(w.pk), object_type="supervision.warning").values_list(
            "action", flat=True
        )
    ) >= {"warning.acknowledge", "warning.assign"}
    other = supervision_data[QIAOTOU]["warning"]
    assert other.status == "open"
