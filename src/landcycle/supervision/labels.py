"""Names of the warning rules, colours and subjects as the pages show them (gettext: Chinese first)."""

from __future__ import annotations

from django.utils.translation import get_language

from landcycle.kit import i18n
from landcycle.rules.supervision.names import rule_name
from landcycle.rules.supervision.policy import WarningPolicy

from .convert import policy

# the names of the rules live with the rules (rules/supervision/names.py): one mapping for pages and reports
COMMITMENT_PREFIX = "commitment."

# the colours of the three-colour warning, as CSS custom properties of web/app.css
COLOUR_HEX = {"red": "#d93b3b", "yellow": "#e0a100", "green": "#2e9d5b", "blue": "#3b78b8", "grey": "#8a919c"}
NO_WARNING_HEX = "#b8bec8"


def rule_label(rule: str, rules: WarningPolicy | None = None) -> str:
    """A warning rule's name (竣工逾期 for ``completion.overdue``) in the reader's language: the shared name of
    ``rules.supervision.names``, a commitment rule named by its kind in ``rules`` (the warning policy of the
    subject's county, 本县政策; None: the shipped file)."""
    return i18n.pick(*rule_name(rule, (rules or policy()).commitment_kinds))


def rule_choices(names, rules: WarningPolicy | None = None) -> list[tuple[str, str]]:
    """The rules ``names`` as choices, named by ``rules`` (the reader's county's policy; None: the shipped file)."""
    return sorted(((r, rule_label(r, rules)) for r in set(names)), key=lambda x: (not x[0].startswith("idle"), x[0]))


def cause_name(cause: str, rules: WarningPolicy, fallback: str) -> str:
    """A government cause (Art. 8, ``late_delivery``) named by ``rules`` (the contract's county's policy, 本县政策) in
    the reader's language; ``fallback`` (the model's label) for a cause the policy does not name."""
    names = rules.idle_land.causes.get(cause)
    return i18n.pick(*names) if names else fallback


def commitment_name(kind: str, label_zh: str = "", label_en: str = "", rules: WarningPolicy | None = None) -> str:
    """A commitment's name: its kind's name in ``rules`` (the contract's county's policy; None: the shipped file),
    else the commitment's own label."""
    en = get_language() == "en"
    k = (rules or policy()).commitment_kinds.get(kind)
    if k:
        return k.en if en else k.zh
    return (label_en if en else label_zh) or label_zh or kind
