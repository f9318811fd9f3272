"""The index a county ranks with: its own version (本县政策, ``countypolicy``) or else the shipped
``policies/ranking.toml``; every run records the version, hash and text it used."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from landcycle.countypolicy.kinds import PolicyKind, register
from landcycle.countypolicy.selectors import policy_source
from landcycle.registry.models import Region
from landcycle.rules.policy import PolicySource, read_policy
from landcycle.rules.ranking.policy import IndexPolicy, parse_policy


def current_source(county: Region | str | None = None) -> PolicySource:
    """The index in force for ``county`` (its own version, else the shipped file; no county: the shipped file)."""
    return policy_source("ranking", county)


def current_policy(county: Region | str | None = None) -> IndexPolicy:
    source = current_source(county)
    return parse_policy(source.data, source.hash)


def policy_of_text(text: str) -> IndexPolicy:
    source = read_policy("ranking", text)
    return parse_policy(source.data, source.hash)


def register_county_policy() -> None:
    register(PolicyKind("ranking", _("赛马指数"), lambda s: parse_policy(s.data, s.hash), order=40))
