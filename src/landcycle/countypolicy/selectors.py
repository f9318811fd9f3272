"""Reading a county's policies: the text in force (its own latest version, else the shipped file), the history,
and the counties a user reads."""

from __future__ import annotations

from django.db.models import QuerySet

from landcycle.accounts.scope import region_prefix
from landcycle.registry.models import Region
from landcycle.rules.policy import PolicySource, read_policy

from .models import CountyPolicy

COUNTY_DIGITS = 6


def _county_code(county: Region | str | None) -> str | None:
    """The 6-digit code of the county ``county`` lies in (a county, a town of it, or a code), else None."""
    if county is None:
        return None
    code = county if isinstance(county, str) else county.code
    return code[:COUNTY_DIGITS] if len(code) >= COUNTY_DIGITS else None


def in_force(name: str, county: Region | str | None) -> CountyPolicy | None:
    """The county's own version of policy ``name`` in force, or None (the shipped file is)."""
    code = _county_code(county)
    if code is None:
        return None
    return (
        CountyPolicy.objects.select_related("created_by")
        .filter(county__code=code, name=name, superseded_at__isnull=True)
        .first()
    )


def policy_source(name: str, county: Region | str | None) -> PolicySource:
    """The policy ``name`` in force for ``county`` (a county, any region inside it, or its code): the county's own
    latest version, else the shipped ``policies/<name>.toml``. ``None`` (no county): the shipped file."""
    own = in_force(name, county)
    return read_policy(name) if own is None else read_policy(name, own.toml)


def history(name: str, county: Region) -> QuerySet:
    """Every saved version of the county's policy ``name``, newest first."""
    return CountyPolicy.objects.select_related("created_by").filter(county=county, name=name)


def counties_for(user) -> QuerySet:
    """The counties whose policies the user reads: a county's or a town's user their own county, a city's or the
    province's user every county under it, a superuser without a region every county."""
    prefix = region_prefix(user)
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("code")
    if prefix is None:
        return counties.none()
    if len(prefix) >= COUNTY_DIGITS:
        return counties.filter(code=prefix[:COUNTY_DIGITS])
    return counties.filter(code__startswith=prefix)


def own_texts(name: str) -> dict[str, tuple[str, str]]:
    """Every county's own text of policy ``name`` in force: {county code: (hash, TOML text)} (one query)."""
    rows = CountyPolicy.objects.filter(name=name, superseded_at__isnull=True).values_list(
        "county__code", "hash", "toml"
    )
    return {code: (digest, text) for code, digest, text in rows}
