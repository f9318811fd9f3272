"""Fetching what rows refer to, in bulk: no query per row.

``fetch_in`` splits an ``IN`` list into chunks (SQLite allows 999 variables in a statement); ``Towns``
resolves a town written as a 9-digit code, its 12-digit form, or its exact name, within the actor's scope.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from landcycle.accounts.scope import in_scope
from landcycle.registry.models import Region

CHUNK = 900


def fetch_in(qs: QuerySet, field: str, values: Iterable, chunk: int = CHUNK) -> list:
    values = sorted({v for v in values if v is not None}, key=str)
    out: list = []
    for i in range(0, len(values), chunk):
        out.extend(qs.filter(**{f"{field}__in": values[i : i + chunk]}))
    return out


def town_code_form(value: str) -> str | None:
    """The 9-digit code a cell means (330282112 or 330282112000), or None when it is not a code."""
    if value.isdigit():
        if len(value) == 12 and value.endswith("000"):
            return value[:9]
        return value
    return None


class Towns:
    """Towns the rows name. ``resolve`` returns (region, None) or (None, (rule, zh, en))."""

    def __init__(self, actor, values: Iterable[str]):
        self.actor = actor
        values = {v for v in values if v}
        codes = {c for c in map(town_code_form, values) if c}
        names = {v for v in values if town_code_form(v) is None}
        found: list[Region] = []
        for part, field in ((codes, "code"), (names, "name")):
            found += fetch_in(Region.objects.filter(level=Region.Level.TOWN), field, part)
        self.by_code = {r.code: r for r in found}
        self.by_name: dict[str, list[Region]] = {}
        for r in {r.pk: r for r in found}.values():
            self.by_name.setdefault(r.name, []).append(r)
        self.others = {r.code: r for r in fetch_in(Region.objects.exclude(level=Region.Level.TOWN), "code", codes)}

    def resolve(self, value: str) -> tuple[Region | None, tuple[str, str, str] | None]:
        code = town_code_form(value)
        if code is not None:
            town = self.by_code.get(code)
            if town is not None:
                return town, None
            if code in self.others:
                other = self.others[code]
                return None, (
                    "town.not_town",
                    f"“{value}”是{other.get_level_display()}（{other.name}），不是镇街",
                    f"'{value}' is a {other.level} ({other.name}), not a town",
                )
            return None, ("town.unknown", f"区划代码“{value}”不是已登记的镇街", f"'{value}' is not a registered town")
        candidates = self.by_name.get(value, [])
        mine = [t for t in candidates if in_scope(self.actor, t)]
        if len(mine) == 1:
            return mine[0], None
        if len(mine) > 1:
            codes = "、".join(t.code for t in mine)
            return None, (
                "town.ambiguous",
                f"有多个名为“{value}”的镇街（{codes}），请填写9位区划代码",
                f"Several towns are called '{value}' ({', '.join(t.code for t in mine)}): write the 9-digit code",
            )
        if candidates:
            return candidates[0], None  # outside the actor's scope: the caller's scope check says so
        return None, (
            "town.unknown",
            f"找不到名为“{value}”的镇街（请填写镇街全称或9位区划代码）",
            f"No town is called '{value}' (write the town's full name or its 9-digit code)",
        )
