"""What admission adds to the registry's pages (registry.hooks panels): a park's entry rules in plain Chinese, a
section of the park's file; an enterprise's applications (项目准入申请), a section of its file."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from landcycle.accounts.scope import scoped
from landcycle.registry.hooks import Panel, register_panel
from landcycle.rules.admission.policy import rules_for

from .models import Application
from .services.rules import policy_on
from .views.rules import rule_rows


def park_rules_panel(park, user) -> dict | None:
    policy, _rs = policy_on(timezone.localdate(), park.town.code if park.town_id else None)
    return {"park": park, "rows": rule_rows(rules_for(policy, park.code, park.kind)), "version": policy.version}


def enterprise_applications_panel(ent, user) -> dict:
    rows = list(scoped(Application.objects.filter(enterprise=ent), user).select_related("park").order_by("-created_at"))
    return {"applications": rows, "count": len(rows)}


def register() -> None:
    register_panel(
        Panel(
            "enterprise",
            25,
            "admission/_enterprise_panel.html",
            enterprise_applications_panel,
            "applications",
            gettext_lazy("准入申请"),
        )
    )
    register_panel(
        Panel("park", 50, "admission/_park_panel.html", park_rules_panel, "entry-rules", gettext_lazy("准入规则"))
    )
