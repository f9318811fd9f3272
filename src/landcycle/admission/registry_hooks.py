"""What admission adds to the registry's pages: a park's entry rules in plain Chinese, a section of the park's file
(registry.hooks panels, slot ``park``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from landcycle.registry.hooks import Panel, register_panel
from landcycle.rules.admission.policy import rules_for

from .services.rules import policy_on
from .views.rules import rule_rows


def park_rules_panel(park, user) -> dict | None:
    policy, _rs = policy_on(timezone.localdate())
    return {"park": park, "rows": rule_rows(rules_for(policy, park.code, park.kind)), "version": policy.version}


def register() -> None:
    register_panel(
        Panel("park", 50, "admission/_park_panel.html", park_rules_panel, "entry-rules", gettext_lazy("准入规则"))
    )
