"""What people do with a warning (预警处置, DOMAIN §10; docs/warnings.md).

The responsible town (a user who writes ``Area.WARNING_ANSWER`` in the warning's town: its officers, and the
county administrator on its behalf) verifies a warning (核实: ``warning_verify``, confirmed, or disputed with a
reason and evidence), records its handling (处置: ``warning_handle`` — measures, responsible person, deadline —
then ``warning_progress`` notes, the last one submitting it for acceptance). The county (a county-level user who
writes ``Area.SUPERVISION``) accepts the handling (``warning_accept``: 办结) or sends it back
(``warning_send_back``), and decides a dispute (``warning_decide_dispute``: accepted → closed as not a problem;
rejected → back to the town to handle). ``warning_close`` closes a warning whose rule no longer fires (销号), or,
while it still fires, as a recorded exception with its reason. A closed warning whose cause is still there at
the next refresh reopens (``supervision.refresh``).

Each step checks role, scope and state, writes a ``WarningEvent`` (with its evidence files) and an audit row in
one transaction; a refused step (``PermissionDenied`` for the role, ``RuleError`` for scope, state or input)
writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, can_write, in_scope, require_write
from landcycle.audit.services import audit_record
from landcycle.registry.models import Region
from landcycle.rules.dates import date_problems
from landcycle.rules.problems import Problem, RuleError

from ..convert import rules_of
from ..evidence import evidence_problems, store
from ..maintained import sync_subjects
from ..models import Warning, WarningEvent, WarningEvidence

S = Warning.Status
TEXT_MAX = 2000


def may_answer(user: Any, warning: Warning) -> bool:
    """May ``user`` verify and handle this warning (the responsible town's officers, the county administrator)?"""
    return can_write(user, Area.WARNING_ANSWER) and in_scope(user, warning.town)


def may_decide(user: Any, warning: Warning) -> bool:
    """May ``user`` accept the handling, send it back, decide a dispute (a county-level supervision writer)?"""
    if not (can_write(user, Area.SUPERVISION) and in_scope(user, warning.town)):
        return False
    return bool(user.is_superuser or (user.region is not None and user.region.level != Region.Level.TOWN))


def _snap(w: Warning) -> dict[str, object]:
    return {
        "rule": w.rule,
        "colour": w.colour,
        "status": w.status,
        "assignee": w.assignee_id,
        "verify_due": w.verify_due.isoformat() if w.verify_due else None,
        "dispute_reason": w.dispute_reason,
        "measures": w.measures,
        "handling_due": w.handling_due.isoformat() if w.handling_due else None,
        "closure": w.closure,
        "closed_reason": w.closed_reason,
        "closed_exception": w.closed_exception,
    }


def _problem(field: str, rule: str, zh: str, en: str) -> RuleError:
    return RuleError([Problem(field, rule, zh, en)])


def _require_state(w: Warning, allowed: Sequence[str], zh_verb: str, en_verb: str) -> None:
    if w.status not in allowed:
        raise _problem(
            "status",
            "warning.state",
            f"该预警当前为“{w.get_status_display()}”，不能{zh_verb}",
            f"the warning is '{w.status}': it cannot be {en_verb}",
        )


def _require_answer(actor: User, w: Warning, field: str) -> None:
    require_write(actor, Area.WARNING_ANSWER, w.town, field=field)


def _require_decide(actor: User, w: Warning, field: str) -> None:
    require_write(actor, Area.SUPERVISION, w.town, field=field)
    if not may_decide(actor, w):
        raise PermissionDenied("只有县级监管人员可以验收和裁定 / only the county accepts handling and decides disputes")


def _text(value: str, field: str, zh: str, en: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _problem(field, "warning.required", f"请填写{zh}", f"{en} is required")
    if len(value) > TEXT_MAX:
        raise _problem(field, "warning.too_long", f"{zh}不超过{TEXT_MAX}字", f"{en}: at most {TEXT_MAX} characters")
    return value


def _files(files: Sequence[Any], w: Warning) -> list[Any]:
    """The files allowed by the warning's county's policy (本县政策: its own number and size of files)."""
    files = [f for f in files or () if f]
    problems = evidence_problems(files, rules_of(w)) if files else []
    if problems:
        raise RuleError(problems)
    return files


def _record(
    *,
    actor: User,
    w: Warning,
    kind: Any,  # a WarningEvent.Kind (no Django stubs: mypy sees its (value, label) tuple)
    before: dict[str, object],
    zh: str,
    en: str,
    action: str,
    files: Sequence[Any] = (),
) -> Warning:
    w.save()
    sync_subjects([(w.subject_type, w.subject_id)])  # the board's row and the contract's worst (maintained)
    event = WarningEvent.objects.create(
        warning=w,
        kind=kind,
        at=timezone.now(),
        as_of=timezone.localdate(),
        from_colour=w.colour,
        to_colour=w.colour,
        reason_zh=zh,
        reason_en=en,
        actor=actor,
        actor_name=actor.username,
    )
    stored = [store(f) for f in files]
    WarningEvidence.objects.bulk_create(
        [
            WarningEvidence(
                warning=w,
                event=event,
                name=s.name,
                extension=s.extension,
                size=s.size,
                sha256=s.sha256,
                path=s.path,
                uploaded_by=actor,
            )
            for s in stored
        ]
    )
    after: dict[str, object] = _snap(w)
    if stored:
        after["evidence_files"] = [{"name": s.name, "sha256": s.sha256, "size": s.size} for s in stored]
    audit_record(actor=actor, action=action, obj=w, region_code=w.town.code, before=before, after=after)
    return w


def _with(zh: str, en: str, note: str) -> tuple[str, str]:
    """The event's text: the person's own words when they wrote some (the event's kind says the step)."""
    return (note, note) if note else (zh, en)


@transaction.atomic
def warning_verify(
    *, actor: User, warning: Warning, confirmed: bool, reason: str = "", files: Sequence[Any] = ()
) -> Warning:
    """核实: the town confirms the warning (it then waits for its handling) or disputes it with a reason (and
    evidence), for the county to decide."""
    _require_answer(actor, warning, "reason")
    _require_state(warning, (S.OPEN,), "核实", "verified")
    reason = _text(reason, "reason", "异议理由", "the reason of the dispute", required=not confirmed)
    files = _files(files, warning)
    before = _snap(warning)
    warning.verified_on, warning.verified_by = timezone.localdate(), actor
    if confirmed:
        warning.status = S.CONFIRMED
        zh, en = _with("核实属实", "verified: confirmed", reason)
        kind, action = WarningEvent.Kind.VERIFY, "warning.verify"
    else:
        warning.status, warning.dispute_reason = S.DISPUTED, reason
        zh, en = _with("提出异议", "disputed", reason)
        kind, action = WarningEvent.Kind.DISPUTE, "warning.dispute"
    return _record(actor=actor, w=warning, kind=kind, before=before, zh=zh, en=en, action=action, files=files)


@transaction.atomic
def warning_decide_dispute(*, actor: User, warning: Warning, accept: bool, note: str = "") -> Warning:
    """The county decides a dispute: accepted → closed as not a problem; rejected → back to the town to handle."""
    _require_decide(actor, warning, "note")
    _require_state(warning, (S.DISPUTED,), "裁定异议", "decided")
    note = _text(note, "note", "不予采纳的理由", "the reason for rejecting the dispute", required=not accept)
    before = _snap(warning)
    if accept:
        warning.status, warning.closure = S.CLOSED, Warning.Closure.DISPUTE
        warning.closed_by, warning.closed_at, warning.closed_reason = actor, timezone.now(), note or "异议成立"
        zh, en = _with("异议成立，不属问题，办结", "dispute accepted: not a problem, closed", note)
        kind, action = WarningEvent.Kind.DISPUTE_OK, "warning.dispute_accept"
    else:
        warning.status = S.CONFIRMED
        zh, en = _with("异议不成立，退回镇街处置", "dispute rejected: back to the town to handle", note)
        kind, action = WarningEvent.Kind.DISPUTE_NO, "warning.dispute_reject"
    return _record(actor=actor, w=warning, kind=kind, before=before, zh=zh, en=en, action=action)


def _check_assignee(warning: Warning, assignee: User | None) -> User:
    if assignee is None or not assignee.is_active or not may_answer(assignee, warning):
        raise _problem(
            "assignee",
            "warning.assignee_scope",
            "责任人须为在岗用户，且能处置该镇街的预警（本镇街人员或县级管理员）",
            "the responsible person must be an active user who can act on the warnings of its town",
        )
    return assignee


@transaction.atomic
def warning_handle(
    *,
    actor: User,
    warning: Warning,
    measures: str,
    assignee: User | None,
    due: dt.date | None,
    files: Sequence[Any] = (),
) -> Warning:
    """处置: the town records (or revises) its measures, the responsible person and the deadline."""
    _require_answer(actor, warning, "measures")
    _require_state(warning, (S.CONFIRMED, S.HANDLING), "登记处置", "handled")
    measures = _text(measures, "measures", "处置措施", "the measures")
    assignee = _check_assignee(warning, assignee)
    if due is None:
        raise _problem("due", "warning.required", "请填写处置期限", "the deadline is required")
    problems = date_problems("due", due, "处置期限", "deadline")
    if due < timezone.localdate():
        problems.append(
            Problem("due", "warning.due_past", "处置期限不能早于今天", "the deadline cannot be in the past")
        )
    if problems:
        raise RuleError(problems)
    files = _files(files, warning)
    before = _snap(warning)
    warning.status, warning.measures, warning.assignee, warning.handling_due = S.HANDLING, measures, assignee, due
    zh = f"{measures}；责任人：{assignee}；期限：{due.isoformat()}"
    en = f"measures: {measures}; responsible: {assignee.username}; deadline: {due.isoformat()}"
    return _record(
        actor=actor,
        w=warning,
        kind=WarningEvent.Kind.HANDLE,
        before=before,
        zh=zh,
        en=en,
        action="warning.handle",
        files=files,
    )


@transaction.atomic
def warning_progress(
    *, actor: User, warning: Warning, note: str, files: Sequence[Any] = (), submit: bool = False
) -> Warning:
    """A progress note of the handling (with photos); ``submit``: handling done, for the county to accept."""
    _require_answer(actor, warning, "note")
    _require_state(warning, (S.HANDLING,), "报送处置进展", "reported on")
    note = _text(note, "note", "处置进展", "the progress note")
    files = _files(files, warning)
    before = _snap(warning)
    if submit:
        warning.status = S.SUBMITTED
        zh, en = _with("处置完成，申请办结", "handling done, submitted for acceptance", note)
        kind, action = WarningEvent.Kind.SUBMIT, "warning.submit"
    else:
        zh, en = _with("处置进展", "progress", note)
        kind, action = WarningEvent.Kind.PROGRESS, "warning.progress"
    return _record(actor=actor, w=warning, kind=kind, before=before, zh=zh, en=en, action=action, files=files)


@transaction.atomic
def warning_accept(*, actor: User, warning: Warning, note: str = "") -> Warning:
    """办结: the county accepts the handling. Should the cause still be there at the next refresh, it reopens."""
    _require_decide(actor, warning, "note")
    _require_state(warning, (S.SUBMITTED,), "验收", "accepted")
    note = _text(note, "note", "验收意见", "the note", required=False)
    before = _snap(warning)
    warning.status, warning.closure = S.CLOSED, Warning.Closure.ACCEPTED
    warning.closed_by, warning.closed_at, warning.closed_reason = actor, timezone.now(), note
    zh, en = _with("验收通过，办结", "handling accepted: closed", note)
    return _record(
        actor=actor, w=warning, kind=WarningEvent.Kind.ACCEPT, before=before, zh=zh, en=en, action="warning.accept"
    )


@transaction.atomic
def warning_send_back(*, actor: User, warning: Warning, reason: str) -> Warning:
    """The county sends the handling back to the town, with its reason."""
    _require_decide(actor, warning, "reason")
    _require_state(warning, (S.SUBMITTED,), "退回", "sent back")
    reason = _text(reason, "reason", "退回理由", "the reason")
    before = _snap(warning)
    warning.status = S.HANDLING
    return _record(
        actor=actor,
        w=warning,
        kind=WarningEvent.Kind.SEND_BACK,
        before=before,
        zh=f"退回重新处置：{reason}",
        en=f"sent back: {reason}",
        action="warning.send_back",
    )


@transaction.atomic
def warning_assign(*, actor: User, warning: Warning, assignee: User | None) -> Warning:
    """Name the responsible person (责任人): only someone who can act on the town's warnings."""
    if not may_decide(actor, warning):
        _require_answer(actor, warning, "assignee")
    if warning.status == S.CLOSED:
        raise _problem("assignee", "warning.closed", "已办结的预警不能指派", "a closed warning cannot be assigned")
    assignee = _check_assignee(warning, assignee)
    before = _snap(warning)
    warning.assignee = assignee
    return _record(
        actor=actor,
        w=warning,
        kind=WarningEvent.Kind.ASSIGN,
        before=before,
        zh=f"指派给{assignee}",
        en=f"assigned to {assignee.username}",
        action="warning.assign",
    )


@transaction.atomic
def warning_close(*, actor: User, warning: Warning, reason: str = "", exception: bool = False) -> Warning:
    """销号. A green warning (its rule no longer fires) may be closed; one that still fires only as an
    exception by a county administrator, with a reason."""
    require_write(actor, Area.SUPERVISION, warning.town, field="reason")
    reason = (reason or "").strip()
    if warning.status == S.CLOSED:
        raise _problem("reason", "warning.closed", "该预警已办结", "the warning is already closed")
    fires = warning.colour != Warning.Colour.GREEN
    if fires and not exception:
        raise _problem(
            "reason",
            "warning.still_fires",
            "该预警的规则仍在触发（仍为" + warning.get_colour_display() + "色），不能销号；确有特殊情况的，"
            "由县级管理员填写理由作例外销号",
            f"the warning's rule still fires ({warning.colour}): it cannot be closed, except as a "
            "recorded exception by a county administrator with its reason",
        )
    if fires and not may_decide(actor, warning):
        raise _problem(
            "reason",
            "warning.exception_role",
            "只有县级管理员可以作例外销号",
            "only a county administrator may close a warning as an exception",
        )
    if fires and not reason:
        raise _problem("reason", "warning.exception_reason", "例外销号必须填写理由", "an exception needs its reason")
    before = _snap(warning)
    warning.status = S.CLOSED
    warning.closed_by, warning.closed_at = actor, timezone.now()
    warning.closed_reason, warning.closed_exception = reason, fires
    warning.closure = Warning.Closure.EXCEPTION if fires else Warning.Closure.RESOLVED
    zh = ("例外销号（规则仍触发）：" if fires else "销号（规则不再触发）") + (
        f"：{reason}" if reason and not fires else reason
    )
    en = ("closed as an exception (the rule still fires): " if fires else "closed (the rule no longer fires)") + (
        f": {reason}" if reason and not fires else reason
    )
    return _record(
        actor=actor,
        w=warning,
        kind=WarningEvent.Kind.CLOSE,
        before=before,
        zh=zh,
        en=en,
        action="warning.close_exception" if fires else "warning.close",
    )
