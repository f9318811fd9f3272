"""The answer to a warning (预警处置, DOMAIN §10): the town verifies (核实) — confirmed, or disputed with a reason
and evidence —, handles it (处置: measures, responsible person, deadline, progress), the county accepts (办结) or
sends it back, and decides disputes. Each step refuses an illegal state, a role that cannot act and a town out
of scope, and writes its history event and audit row in one transaction; a green warning is closed (销号), a
firing one only as an audited exception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rules.problems import RuleError
from landcycle.supervision.models import Warning, WarningEvidence
from landcycle.supervision.refresh import warnings_refresh
from landcycle.supervision.selectors import warning_answerers
from landcycle.supervision.services.contracts import contract_update
from landcycle.supervision.services.warnings import (
    warning_accept,
    warning_assign,
    warning_close,
    warning_decide_dispute,
    warning_handle,
    warning_progress,
    warning_send_back,
    warning_verify,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 29)
DUE = dt.date(2027, 3, 31)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def _photo(name: str = "现场.jpg", data: bytes = JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _actions(w: Warning) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="supervision.warning", object_id=str(w.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"


def test_raised_warnings_are_due_for_verification_in_working_days(supervision_data):
    w = supervision_data[XINPU]["warning"]
    # raised on Sunday 2026-11-29: five working days are Monday 11-30 to Friday 12-04
    assert (w.status, w.opened_on, w.verify_due) == ("open", DAY, dt.date(2026, 12, 4))


def test_verify_handle_submit_accept_each_audited_and_in_the_history(supervision_data, personas):
    officer, admin, w = personas["xinpu"], personas["admin"], supervision_data[XINPU]["warning"]
    warning_verify(actor=officer, warning=w, confirmed=True, reason="现场查看，确未动工")
    assert (w.status, w.verified_by) == ("confirmed", officer)
    warning_handle(actor=officer, warning=w, measures="约谈企业，限期开工", assignee=officer, due=DUE)
    assert (w.status, w.assignee, w.handling_due) == ("handling", officer, DUE)
    warning_progress(actor=officer, warning=w, note="已约谈", files=[_photo()])
    warning_progress(actor=officer, warning=w, note="已开工打桩", submit=True)
    assert w.status == "submitted"
    warning_accept(actor=admin, warning=w, note="现场复查属实")
    w.refresh_from_db()
    assert (w.status, w.closure, w.closed_by) == ("closed", "accepted", admin)
    assert _actions(w)[-5:] == [
        "warning.verify",
        "warning.handle",
        "warning.progress",
        "warning.submit",
        "warning.accept",
    ]
    kinds = list(w.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-5:] == ["verify", "handle", "progress", "submit", "accept"]
    (ev,) = WarningEvidence.objects.filter(warning=w)
    assert ev.event.kind == "progress" and Path(ev.path).suffix == ".jpg"
    entry = AuditEntry.objects.get(object_id=str(w.pk), action="warning.progress")
    assert ev.sha256 in entry.after and entry.region_code == XINPU


def test_send_back_returns_the_handling_to_the_town(supervision_data, personas):
    officer, admin, w = personas["xinpu"], personas["admin"], supervision_data[XINPU]["warning"]
    warning_verify(actor=officer, warning=w, confirmed=True)
    warning_handle(actor=officer, warning=w, measures="约谈", assignee=officer, due=DUE)
    warning_progress(actor=officer, warning=w, note="完成", submit=True)
    with pytest.raises(RuleError) as exc:
        warning_send_back(actor=admin, warning=w, reason=" ")
    assert exc.value.problems[0].rule == "warning.required"
    warning_send_back(actor=admin, warning=w, reason="未见开工照片")
    w.refresh_from_db()
    assert w.status == "handling" and _actions(w)[-1] == "warning.send_back"


def test_a_dispute_with_evidence_is_decided_by_the_county(supervision_data, personas):
    officer, admin = personas["qiaotou"], personas["admin"]
    w = supervision_data[QIAOTOU]["warning"]
    with pytest.raises(RuleError) as exc:  # a dispute needs its reason
        warning_verify(actor=officer, warning=w, confirmed=False, reason="")
    assert exc.value.problems[0].field == "reason"
    warning_verify(actor=officer, warning=w, confirmed=False, reason="土地未按期交付，属政府原因", files=[_photo()])
    assert (w.status, w.dispute_reason) == ("disputed", "土地未按期交付，属政府原因")
    assert WarningEvidence.objects.filter(warning=w, event__kind="dispute").count() == 1
    with pytest.raises(PermissionDenied):  # the town cannot decide its own dispute
        warning_decide_dispute(actor=officer, warning=w, accept=True)
    warning_decide_dispute(actor=admin, warning=w, accept=True, note="核对交地记录，异议成立")
    w.refresh_from_db()
    assert (w.status, w.closure) == ("closed", "dispute")
    assert _actions(w)[-2:] == ["warning.dispute", "warning.dispute_accept"]
    # rejected: back to the town to handle
    other = Warning.objects.filter(subject_id=w.subject_id, status="open").exclude(pk=w.pk).first()
    warning_verify(actor=officer, warning=other, confirmed=False, reason="已开工")
    with pytest.raises(RuleError):
        warning_decide_dispute(actor=admin, warning=other, accept=False, note="")  # a rejection says why
    warning_decide_dispute(actor=admin, warning=other, accept=False, note="无开工证明")
    assert other.status == "confirmed"


@pytest.mark.parametrize(
    "step",
    [
        lambda p, w: warning_handle(actor=p["xinpu"], warning=w, measures="x", assignee=p["xinpu"], due=DUE),
        lambda p, w: warning_progress(actor=p["xinpu"], warning=w, note="x"),
        lambda p, w: warning_accept(actor=p["admin"], warning=w),
        lambda p, w: warning_send_back(actor=p["admin"], warning=w, reason="x"),
        lambda p, w: warning_decide_dispute(actor=p["admin"], warning=w, accept=True),
    ],
)
def test_illegal_transitions_are_refused_and_write_nothing(supervision_data, personas, step):
    w = supervision_data[XINPU]["warning"]  # open: only verification may come first
    audits = AuditEntry.objects.count()
    with pytest.raises(RuleError) as exc:
        step(personas, w)
    assert exc.value.problems[0].rule == "warning.state"
    w.refresh_from_db()
    assert w.status == "open" and AuditEntry.objects.count() == audits


def test_a_step_done_twice_is_refused(supervision_data, personas):
    officer, w = personas["xinpu"], supervision_data[XINPU]["warning"]
    warning_verify(actor=officer, warning=w, confirmed=True)
    with pytest.raises(RuleError):
        warning_verify(actor=officer, warning=w, confirmed=True)
    with pytest.raises(RuleError):  # confirmed: a progress note needs the handling first
        warning_progress(actor=officer, warning=w, note="x")


def test_scope_and_roles(supervision_data, personas):
    w = supervision_data[XINPU]["warning"]
    with pytest.raises(RuleError) as exc:  # the other town's officer
        warning_verify(actor=personas["qiaotou"], warning=w, confirmed=True)
    assert exc.value.problems[0].rule == "scope.town"
    for who in ("leader", "supervisor", "analyst"):  # read-only for warnings
        with pytest.raises(PermissionDenied):
            warning_verify(actor=personas[who], warning=w, confirmed=True)
        with pytest.raises(PermissionDenied):
            warning_close(actor=personas[who], warning=w, exception=True, reason="x")
    warning_verify(actor=personas["xinpu"], warning=w, confirmed=True)
    warning_handle(actor=personas["xinpu"], warning=w, measures="约谈", assignee=personas["xinpu"], due=DUE)
    warning_progress(actor=personas["xinpu"], warning=w, note="完成", submit=True)
    with pytest.raises(PermissionDenied):  # the town does not accept its own handling
        warning_accept(actor=personas["xinpu"], warning=w)


def test_pages_answer_404_out_of_scope_and_to_read_only_roles(client, supervision_data, personas):
    other = supervision_data[QIAOTOU]["warning"]
    client.force_login(personas["xinpu"])
    url = reverse("warning_detail", args=[other.pk])
    assert client.post(url, {"action": "verify", "answer": "confirm"}).status_code == 404
    mine = supervision_data[XINPU]["warning"]
    for who in ("leader", "supervisor"):
        client.force_login(personas[who])
        resp = client.post(reverse("warning_detail", args=[mine.pk]), {"action": "verify", "answer": "confirm"})
        assert resp.status_code == 404
        assert 'data-form="verify"' not in client.get(reverse("warning_detail", args=[mine.pk])).content.decode()
    other.refresh_from_db()
    mine.refresh_from_db()
    assert other.status == mine.status == "open"


def test_the_town_officer_has_the_buttons_and_uploads_from_the_camera(client, supervision_data, personas):
    w = supervision_data[XINPU]["warning"]
    url = reverse("warning_detail", args=[w.pk])
    client.force_login(personas["xinpu"])
    html = client.get(url).content.decode()
    assert 'data-form="verify"' in html and "核实属实" in html and "提出异议" in html
    assert 'accept="image/*,application/pdf" capture="environment"' in html
    resp = client.post(url, {"action": "verify", "answer": "dispute", "reason": "已开工", "files": [_photo()]})
    assert resp.status_code == 302
    ev = WarningEvidence.objects.get(warning=w)
    assert client.get(reverse("warning_evidence", args=[ev.pk])).status_code == 200
    client.force_login(personas["qiaotou"])
    assert client.get(reverse("warning_evidence", args=[ev.pk])).status_code == 404


def test_evidence_that_is_not_a_photo_or_pdf_is_refused(supervision_data, personas):
    officer, w = personas["xinpu"], supervision_data[XINPU]["warning"]
    for upload, rule in (
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "evidence.type"),
        (_photo("fake.jpg", b"not a jpeg at all"), "evidence.content"),
    ):
        with pytest.raises(RuleError) as exc:
            warning_verify(actor=officer, warning=w, confirmed=False, reason="x", files=[upload])
        assert exc.value.problems[0].rule == rule
    assert not WarningEvidence.objects.exists() and w.status == "open"


def test_only_those_who_can_act_are_offered_as_responsible(supervision_data, personas):
    w = supervision_data[XINPU]["warning"]
    offered = {u.username for u in warning_answerers(w)}
    assert personas["xinpu"].username in offered and personas["admin"].username in offered
    for who in ("leader", "supervisor", "analyst", "qiaotou"):
        assert personas[who].username not in offered
    with pytest.raises(RuleError) as exc:
        warning_assign(actor=personas["admin"], warning=w, assignee=personas["leader"])
    assert exc.value.problems[0].rule == "warning.assignee_scope"
    warning_verify(actor=personas["xinpu"], warning=w, confirmed=True)
    with pytest.raises(RuleError):
        warning_handle(actor=personas["xinpu"], warning=w, measures="x", assignee=personas["supervisor"], due=DUE)
    warning_assign(actor=personas["xinpu"], warning=w, assignee=personas["xinpu"])
    assert _actions(w)[-1] == "warning.assign"


def test_an_accepted_warning_whose_cause_remains_reopens_at_the_next_refresh(supervision_data, personas):
    officer, admin, w = personas["xinpu"], personas["admin"], supervision_data[XINPU]["warning"]
    warning_verify(actor=officer, warning=w, confirmed=True)
    warning_handle(actor=officer, warning=w, measures="约谈", assignee=officer, due=DUE)
    warning_progress(actor=officer, warning=w, note="已约谈", submit=True)
    warning_accept(actor=admin, warning=w)
    closed_on = timezone.localdate(w.closed_at)
    result = warnings_refresh(actor=admin, as_of=closed_on)
    w.refresh_from_db()
    assert (w.status, w.opened_on, w.verified_on) == ("open", closed_on, None)
    assert w.verify_due > closed_on and result.reopened >= 1
    assert w.events.order_by("-pk").first().kind == "reopen" and _actions(w)[-1] == "warning.reopen"
    again = warnings_refresh(actor=admin, as_of=closed_on)  # idempotent
    assert again.reopened == 0 and _actions(w)[-1] == "warning.reopen"


def test_a_dispute_accepted_stays_closed_while_the_rule_fires(supervision_data, personas):
    w = supervision_data[XINPU]["warning"]
    warning_verify(actor=personas["xinpu"], warning=w, confirmed=False, reason="政府原因")
    warning_decide_dispute(actor=personas["admin"], warning=w, accept=True)
    warnings_refresh(actor=personas["admin"], as_of=DAY)
    w.refresh_from_db()
    assert w.status == "closed"


def test_a_firing_warning_cannot_be_closed_except_as_an_audited_exception(supervision_data, personas):
    admin, w = personas["admin"], supervision_data[XINPU]["warning"]
    assert w.colour == "red"
    audits = AuditEntry.objects.count()
    with pytest.raises(RuleError) as exc:
        warning_close(actor=admin, warning=w, reason="已约谈")
    assert exc.value.problems[0].rule == "warning.still_fires"
    with pytest.raises(RuleError) as exc:
        warning_close(actor=admin, warning=w, exception=True, reason=" ")
    assert exc.value.problems[0].rule == "warning.exception_reason"
    assert AuditEntry.objects.count() == audits
    warning_close(actor=admin, warning=w, exception=True, reason="县政府专题会议同意暂缓收回")
    w.refresh_from_db()
    assert (w.status, w.closed_exception, w.closure) == ("closed", True, "exception")
    entry = AuditEntry.objects.get(action="warning.close_exception", object_id=str(w.pk))
    assert "县政府专题会议同意暂缓收回" in entry.after and entry.region_code == XINPU


def test_a_green_warning_closes_and_reopens_when_it_fires_again(supervision_data, personas):
    admin, d = personas["admin"], supervision_data[XINPU]
    contract_update(actor=admin, contract=d["contract"], actual_start=dt.date(2026, 11, 1))
    warnings_refresh(actor=admin, as_of=DAY)
    w = Warning.objects.get(subject_type="contract", subject_id=d["contract"].pk, rule="idle.not_started")
    assert w.colour == "green"
    warning_close(actor=admin, warning=w)
    w.refresh_from_db()
    assert (w.status, w.closure) == ("closed", "resolved")
    contract_update(actor=admin, contract=d["contract"], actual_start=None)  # the start was a mistake
    warnings_refresh(actor=admin, as_of=DAY)
    w.refresh_from_db()
    assert (w.colour, w.status) == ("red", "open")
    assert list(w.events.values_list("kind", flat=True)) == ["colour", "colour", "close", "colour", "reopen"]
