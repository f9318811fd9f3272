"""The county's entry rules: saved versions (TOML text with history) and the rules in force on a day."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from landcycle.accounts.models import Role, User
from landcycle.accounts.scope import Area, can_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.countypolicy.selectors import in_force
from landcycle.registry.models import Park, Region
from landcycle.rules.admission.policy import EntryPolicy, ParkRules, PolicyError, load_policy, rules_for
from landcycle.rules.policy import shipped_text as read_shipped
from landcycle.rules.problems import Problem

from ..models import RuleSet


def is_county_admin(user: User) -> bool:
    """The county's administrator (or a superuser): keeps the entry rules, reviews and decides."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or (user.role == Role.COUNTY_ADMIN and can_write(user, Area.ADMISSION))
    )


def require_county(user: User) -> None:
    if not is_county_admin(user):
        raise PermissionDenied("只有县级管理员可以进行此操作 / Only the county administrator may do this")


def shipped_text() -> str:
    return read_shipped("admission")


def rule_set_on(day: dt.date) -> RuleSet | None:
    """The saved version in force on ``day`` (the latest saved whose effective date has come), or None."""
    return RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from", "-pk").first()


def policy_on(day: dt.date, county: Region | str | None = None) -> tuple[EntryPolicy, RuleSet | None]:
    """The entry rules in force on ``day`` for ``county`` (a county, a region inside it, or a code): the county's
    own version (本县政策) when it keeps one, else a saved version of this page, else the shipped file."""
    own = in_force("admission", county)
    if own is not None:
        return load_policy(own.toml), None
    rs = rule_set_on(day)
    if rs is None:
        return load_policy(), None
    return load_policy(rs.text), rs


def park_rules(park: Park, day: dt.date) -> tuple[ParkRules, RuleSet | None]:
    """The rules in force for the park on ``day``: those of the park's county."""
    policy, rs = policy_on(day, park.town.code if park.town_id else None)
    return rules_for(policy, park.code, park.kind), rs


def text_problems(text: str) -> list[Problem]:
    """Every problem of a TOML text of entry rules (none: it can be saved)."""
    try:
        load_policy(text)
    except PolicyError as e:
        return list(e.problems)
    return []


@transaction.atomic
def ruleset_save(*, actor: User, text: str, effective_from: dt.date | None = None, note: str = "") -> RuleSet:
    """A new version of the entry rules. The county administrator only; a text with problems raises
    ``PolicyError`` (nothing written). The effective date: the one given, else the text's ``effective_from``."""
    require_county(actor)
    policy = load_policy(text)  # raises PolicyError with every problem
    day = effective_from or policy.effective_from
    if day is None:
        raise PolicyError(
            [
                Problem(
                    "effective_from",
                    "admission.no_effective_date",
                    "请填写生效日期",
                    "give the date the rules take effect",
                )
            ]
        )
    rs = RuleSet.objects.create(
        version=policy.version,
        text=text,
        hash=policy.hash,
        effective_from=day,
        note=note.strip()[:300],
        saved_by=actor,
    )
    after = {k: v for k, v in snapshot(rs).items() if k != "text"}
    audit_record(actor=actor, action="admission.rules_save", obj=rs, region_code="", after=after)
    return rs
