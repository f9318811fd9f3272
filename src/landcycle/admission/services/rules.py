"""Each county's entry rules: its saved versions (TOML text with history) and the rules in force on a day. A
version is one county's (issue 18): saving one for a county changes nothing for another."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import Role, User
from landcycle.accounts.scope import Area, can_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.countypolicy.models import CountyPolicy
from landcycle.countypolicy.selectors import COUNTY_DIGITS, in_force
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


def county_code(county: Region | str | None) -> str | None:
    """The 6-digit code of the county ``county`` lies in (a county, a town of it, or a code), else None."""
    if county is None:
        return None
    code = county if isinstance(county, str) else county.code
    return code[:COUNTY_DIGITS] if len(code) >= COUNTY_DIGITS else None


def rule_set_on(day: dt.date, county: Region | str | None) -> RuleSet | None:
    """The county's saved version in force on ``day`` (its latest saved whose effective date has come), or None.
    Another county's versions never count; no county: None."""
    code = county_code(county)
    if code is None:
        return None
    return (
        RuleSet.objects.select_related("saved_by", "county")
        .filter(county__code=code, effective_from__lte=day)
        .order_by("-effective_from", "-pk")
        .first()
    )


def policy_on(day: dt.date, county: Region | str | None = None) -> tuple[EntryPolicy, RuleSet | None]:
    """The entry rules in force on ``day`` for ``county`` (a county, a region inside it, or a code), all the
    county's own: of its 本县政策 version (in force from the day it was saved) and its versions saved on the entry
    rules page (each from its effective date), the one that took effect last (the same day: the one saved last);
    with neither, the shipped file. No county: the shipped file."""
    own = in_force("admission", county)
    rs = rule_set_on(day, county)
    if own is not None and (rs is None or _took_effect(own) >= (rs.effective_from, rs.saved_at)):
        return load_policy(own.toml), None
    if rs is not None:
        return load_policy(rs.text), rs
    return load_policy(), None


def _took_effect(own: CountyPolicy) -> tuple[dt.date, dt.datetime]:
    return timezone.localdate(own.created_at), own.created_at


def park_rules(park: Park, day: dt.date) -> tuple[ParkRules, RuleSet | None]:
    """The rules in force for the park on ``day``: those of the park's county."""
    policy, rs = policy_on(day, park.town.code if park.town_id else None)
    return rules_for(policy, park.code, park.kind), rs


def may_keep(user: User, county: Region) -> bool:
    """Does ``user`` keep ``county``'s entry rules? Its own county administrator, or a superuser."""
    if not is_county_admin(user):
        return False
    return user.is_superuser or (user.region_id is not None and county_code(user.region) == county.code)


def text_problems(text: str) -> list[Problem]:
    """Every problem of a TOML text of entry rules (none: it can be saved)."""
    try:
        load_policy(text)
    except PolicyError as e:
        return list(e.problems)
    return []


@transaction.atomic
def ruleset_save(
    *,
    actor: User,
    text: str,
    effective_from: dt.date | None = None,
    note: str = "",
    county: Region | None = None,
) -> RuleSet:
    """A new version of ``county``'s entry rules (by default the actor's own county). Its own county administrator
    only (or a superuser naming the county); a text with problems raises ``PolicyError`` (nothing written). The
    effective date: the one given, else the text's ``effective_from``."""
    require_county(actor)
    if county is None:
        code = county_code(actor.region) if actor.region_id else None
        county = Region.objects.filter(code=code, level=Region.Level.COUNTY).first() if code else None
    if county is None or county.level != Region.Level.COUNTY:
        raise PolicyError([Problem("county", "admission.county", "请选择一个县（市、区）", "Choose a county")])
    if not may_keep(actor, county):
        raise PermissionDenied(
            f"只有{county.name}的县级管理员可以修改本县准入规则 / Only the administrator of {county.code} may change "
            "its entry rules"
        )
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
        county=county,
        version=policy.version,
        text=text,
        hash=policy.hash,
        effective_from=day,
        note=note.strip()[:300],
        saved_by=actor,
    )
    after = {k: v for k, v in snapshot(rs).items() if k != "text"}
    audit_record(actor=actor, action="admission.rules_save", obj=rs, region_code=county.code, after=after)
    return rs
