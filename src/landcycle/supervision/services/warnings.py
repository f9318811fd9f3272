"""What people do with a warning: acknowledge it (确认), assign it to a person (指派), close it (销号).

Closing is allowed when the warning's rule no longer fires (it is green), or — while it still fires —
only as a recorded exception by a county administrator, with its reason; both are audited and kept in
the warning's history. "County administrator" is the role that writes ``Area.SUPERVISION`` (accounts.scope).
Each action writes a ``WarningEvent`` and an audit row in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, can_write, in_scope, require_write
from landcycle.audit.services import audit_record
from landcycle.rules.problems import Problem, RuleError

from ..models import Warning, WarningEvent


def _snap(w: Warning) -> dict[str, object]:
    return {
        "rule": w.rule,
        "colour": w.colour,
        "status": w.status,
        "assignee": w.assignee_id,
        "closed_reason": w.closed_reason,
        "closed_exception": w.closed_exception,
    }


def _record(
    *,
    actor: User,
    w: Warning,
    kind: Any,  # a WarningEvent.Kind (no Django stubs: mypy sees its (value, label) tuple)
    before: dict[str, object],
    zh: str,
    en: str,
    action: str,
) -> Warning:
    w.save()
    WarningEvent.objects.create(
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
    audit_record(actor=actor, action=action, obj=w, region_code=w.town.code, before=before, after=_snap(w))
    return w


@transaction.atomic
def warning_acknowledge(*, actor: User, warning: Warning, note: str = "") -> Warning:
    require_write(actor, Area.SUPERVISION, warning.town, field="status")
    if warning.status != Warning.Status.OPEN:
        raise RuleError(
            [
                Problem(
                    "status", "warning.not_open", "只有待处理的预警可以确认", "only an open warning can be acknowledged"
                )
            ]
        )
    before = _snap(warning)
    warning.status = Warning.Status.ACKNOWLEDGED
    warning.acknowledged_by, warning.acknowledged_at = actor, timezone.now()
    note = (note or "").strip()
    return _record(
        actor=actor,
        w=warning,
        kind=WarningEvent.Kind.ACKNOWLEDGE,
        before=before,
        zh="已确认" + (f"：{note}" if note else ""),
        en="acknowledged" + (f": {note}" if note else ""),
        action="warning.acknowledge",
    )


@transaction.atomic
def warning_assign(*, actor: User, warning: Warning, assignee: User | None) -> Warning:
    """Assign to a person who can see the warning (their region covers its town)."""
    require_write(actor, Area.SUPERVISION, warning.town, field="assignee")
    if assignee is None or not assignee.is_active or not in_scope(assignee, warning.town):
        raise RuleError(
            [
                Problem(
                    "assignee",
                    "warning.assignee_scope",
                    "责任人须为在岗用户，且其辖区包含该预警所在镇街",
                    "the assignee must be an active user whose region covers the warning's town",
                )
            ]
        )
    if warning.status == Warning.Status.CLOSED:
        raise RuleError(
            [Problem("assignee", "warning.closed", "已销号的预警不能指派", "a closed warning cannot be assigned")]
        )
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
    if warning.status == Warning.Status.CLOSED:
        raise RuleError([Problem("reason", "warning.closed", "该预警已销号", "the warning is already closed")])
    fires = warning.colour != Warning.Colour.GREEN
    if fires and not exception:
        raise RuleError(
            [
                Problem(
                    "reason",
                    "warning.still_fires",
                    "该预警的规则仍在触发（仍为" + warning.get_colour_display() + "色），不能销号；确有特殊情况的，"
                    "由县级管理员填写理由作例外销号",
                    f"the warning's rule still fires ({warning.colour}): it cannot be closed, except as a "
                    "recorded exception by a county administrator with its reason",
                )
            ]
        )
    if fires and not can_write(actor, Area.SUPERVISION):  # those who refresh the warnings: county administrators
        raise RuleError(
            [
                Problem(
                    "reason",
                    "warning.exception_role",
                    "只有县级管理员可以作例外销号",
                    "only a county administrator may close a warning as an exception",
                )
            ]
        )
    if fires and not reason:
        raise RuleError(
            [Problem("reason", "warning.exception_reason", "例外销号必须填写理由", "an exception needs its reason")]
        )
    before = _snap(warning)
    warning.status = Warning.Status.CLOSED
    warning.closed_by, warning.closed_at = actor, timezone.now()
    warning.closed_reason, warning.closed_exception = reason, fires
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
