"""Writing a county's own policy: a new version, checked by the parser of the app that reads it."""

from __future__ import annotations

import tomllib
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from landcycle.accounts.models import Role, User
from landcycle.audit.services import audit_record
from landcycle.registry.models import Region
from landcycle.rules.policy import PolicySource, read_policy
from landcycle.rules.problems import Problem, RuleError

from .kinds import kind
from .models import CountyPolicy

MAX_TEXT = 200_000  # characters: the shipped files are a few thousand


def may_set(user: User, county: Region) -> bool:
    """The county's own administrator (or a superuser) keeps its policies; nobody else, the province included."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.role == Role.COUNTY_ADMIN and user.region_id == county.pk


def _refuse(field: str, rule: str, zh: str, en: str) -> NoReturn:
    raise RuleError([Problem(field, rule, zh, en)])


def policy_check(name: str, text: str) -> PolicySource:
    """Read and check a county's text of policy ``name`` with the parser its app registered. Raises ``RuleError``
    with every problem (a TOML mistake names its line and column)."""
    k = kind(name)
    if k is None:
        _refuse(
            "name", "countypolicy.name", f"没有应用读取政策“{name}”", f"No part of the product reads a policy '{name}'"
        )
    if not text.strip():
        _refuse("toml", "countypolicy.empty", "政策文本为空", "The policy text is empty")
    if len(text) > MAX_TEXT:
        _refuse("toml", "countypolicy.too_long", "政策文本过长", "The policy text is too long")
    try:
        source = read_policy(name, text)
    except tomllib.TOMLDecodeError as e:
        _refuse("toml", "policy.syntax", f"政策文本不是有效的 TOML：{e}", f"The policy text is not valid TOML: {e}")
    k.parse(source)  # raises RuleError (each app's PolicyError) with every problem
    return source


def _in_force_locked(county: Region, name: str) -> CountyPolicy | None:
    return CountyPolicy.objects.select_for_update().filter(county=county, name=name, superseded_at__isnull=True).first()


@transaction.atomic
def county_policy_set(*, actor: User, county: Region, name: str, text: str, note: str = "") -> CountyPolicy:
    """A new version of the county's own policy ``name``, in force for the county from now on (the previous one is
    marked superseded). Only the county's own administrator; the text must pass the reading app's parser (nothing
    is written otherwise). One audit entry."""
    if county.level != Region.Level.COUNTY:
        _refuse("county", "countypolicy.county", "请选择一个县（市、区）", "Choose a county")
    if not may_set(actor, county):
        raise PermissionDenied(
            f"只有{county.name}的县级管理员可以修改本县政策 / Only the administrator of {county.code} may change its policies"
        )
    text = text.replace("\r\n", "\n")
    source = policy_check(name, text)
    previous = _in_force_locked(county, name)
    if previous is not None:  # one version in force per county and policy (a database constraint): it steps aside
        previous.superseded_at = timezone.now()
        previous.save(update_fields=["superseded_at"])
    row = CountyPolicy(
        county=county,
        name=name,
        toml=text,
        version=source.version[:40],
        hash=source.hash,
        note=note.strip()[:1000],
        created_by=actor if actor.pk else None,
    )
    row.full_clean(validate_constraints=False)  # the one-in-force constraint: the database, below
    try:
        with transaction.atomic():  # a savepoint: another version saved meanwhile breaks the one-in-force constraint
            row.save()
    except IntegrityError:
        _refuse(
            "toml",
            "countypolicy.concurrent",
            "刚有人保存了本县此项政策的新版本，请刷新页面后再保存",
            "Someone has just saved a new version of this policy for the county: reload the page and save again",
        )
    before = None if previous is None else {"id": previous.pk, "version": previous.version, "hash": previous.hash}
    audit_record(
        actor=actor,
        action="countypolicy.set",
        obj=row,
        region_code=county.code,
        before=before,
        after={"name": name, "version": row.version, "hash": row.hash, "note": row.note},
    )
    return row
