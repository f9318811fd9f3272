"""What the exits services share: the write check (area + town), the county check of take-backs, problems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from landcycle.accounts.models import Role, User
from landcycle.accounts.scope import Area, can_write, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.rules.problems import Problem, RuleError

from ..models import Case


def is_county(user: User) -> bool:
    """The county decides take-backs of idle land (收回): its administrator, or a superuser."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or (user.role == Role.COUNTY_ADMIN and can_write(user, Area.EXITS))
    )


def require_case_write(actor: User, case: Case) -> None:
    """The case's town officer (or the county) may write; a take-back only the county."""
    require_write(actor, Area.EXITS, case.town)
    if case.kind == Case.Kind.TAKEBACK:
        require_county(actor)


def require_county(actor: User) -> None:
    if not is_county(actor):
        raise RuleError(
            [
                Problem(
                    "kind",
                    "exits.takeback_county",
                    "闲置土地收回由县（市、区）决定，只有县级管理员可以登记和办理",
                    "a take-back of idle land is decided by the county: only the county administrator may record it",
                )
            ]
        )


def require_open(case: Case) -> None:
    if case.state != Case.State.OPEN:
        raise RuleError(
            [
                Problem(
                    "state",
                    "exits.case_not_open",
                    f"案件{case.number}状态为“{case.get_state_display()}”，不能再修改",
                    f"case {case.number} is {case.state}: it cannot be changed",
                )
            ]
        )


def problem(field: str, rule: str, zh: str, en: str) -> Problem:
    return Problem(field, f"exits.{rule}", zh, en)


def not_before_opening(case: Case, field: str, day: dt.date | None, label_zh: str, label_en: str) -> list[Problem]:
    if day is not None and day < case.opened_on:
        return [
            problem(
                field,
                "before_opening",
                f"{label_zh}{day}早于立案日期{case.opened_on}",
                f"{label_en} {day} is before the case was opened ({case.opened_on})",
            )
        ]
    return []


def audited(actor: User, obj: Any, action: str, before: dict | None, case: Case) -> None:
    audit_record(actor=actor, action=action, obj=obj, region_code=case.town.code, before=before, after=snapshot(obj))
