"""The index the county ranks with: the shipped ``policies/ranking.toml`` (a county's own version replaces the
file; every run records the version, hash and text it used)."""

from __future__ import annotations

from landcycle.rules.policy import PolicySource, read_policy
from landcycle.rules.ranking.policy import IndexPolicy, parse_policy


def current_source() -> PolicySource:
    return read_policy("ranking")


def current_policy() -> IndexPolicy:
    source = current_source()
    return parse_policy(source.data, source.hash)


def policy_of_text(text: str) -> IndexPolicy:
    source = read_policy("ranking", text)
    return parse_policy(source.data, source.hash)
