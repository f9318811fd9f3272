"""Parsed policies, cached by their text (runs and versions keep the TOML text itself)."""

from __future__ import annotations

import tomllib
from functools import lru_cache

from landcycle.rules.evaluation import EvaluationPolicy, parse_policy


@lru_cache(maxsize=32)
def policy_of(text: str) -> EvaluationPolicy:
    """The policy of a TOML text (a run's or a version's); raises ``PolicyError`` when it cannot be used."""
    return parse_policy(tomllib.loads(text))


def indicator_table(policy: EvaluationPolicy) -> dict[str, dict[str, dict]]:
    """{group key: {indicator key: {zh, en, unit, weight, cap, direction, benchmark method}}}."""
    return {
        g.key: {
            i.key: {
                "zh": i.zh,
                "en": i.en,
                "unit": i.unit,
                "weight": i.weight,
                "cap": i.cap,
                "direction": i.direction,
                "method": i.benchmark.method,
            }
            for i in g.indicators
        }
        for g in policy.groups
    }
