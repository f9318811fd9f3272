"""Names from a run's policy (groups, classes, indicators, rules) in the language of the page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from landcycle.rules.evaluation import EvaluationPolicy
from landcycle.rules.evaluation.policy.parse import policy_of


def english() -> bool:
    return (get_language() or "").startswith("en")


@dataclass
class Labels:
    policy: EvaluationPolicy
    groups: dict[str, str]
    classes: dict[str, str]
    class_keys: list[str]
    indicators: dict[str, dict]
    rules: dict[str, dict[str, str]]  # {"exemption" | "veto" | "protection": {rule key: label}}

    @property
    def title(self) -> str:
        return (self.policy.title_en or self.policy.title_zh) if english() else self.policy.title_zh

    def group(self, key: str) -> str:
        return self.groups.get(key, key or "—")

    def reason(self, result) -> str:
        return result.reason_en if english() and result.reason_en else result.reason_zh


def labels_of(text_or_policy) -> Labels:
    """Labels of a policy (an ``EvaluationPolicy`` or its TOML text)."""
    p = text_or_policy if isinstance(text_or_policy, EvaluationPolicy) else policy_of(text_or_policy)
    en = english()
    pick = (lambda o: o.en or o.zh) if en else (lambda o: o.zh or o.en)
    indicators = {k: {"label": pick(i), "unit": i.unit, "direction": i.direction} for k, i in p.indicators().items()}
    rules = {
        "exemption": {r.key: pick(r) for r in p.exemptions},
        "veto": {r.key: pick(r) for r in p.vetoes},
        "protection": {r.key: pick(r) for r in p.protections},
    }
    return Labels(
        policy=p,
        groups={g.key: pick(g) for g in p.groups},
        classes={c.key: pick(c) for c in p.classes},
        class_keys=[c.key for c in p.classes],
        indicators=indicators,
        rules=rules,
    )
