"""What every renewal write shares: who may write (the county plans and approves, a town reports), the name of the
actor, the checked figures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from landcycle.accounts.models import Role, User
from landcycle.accounts.scope import Area, require_write


def require_county(actor: User) -> None:
    """Plans are made and approved by the county (县级管理员)."""
    require_write(actor, Area.RENEWAL)
    if not getattr(actor, "is_superuser", False) and actor.role != Role.COUNTY_ADMIN:
        raise PermissionDenied("改造项目方案由县级登记和批准 / Renewal plans are registered and approved by the county")


def actor_name(actor: Any) -> str:
    return (getattr(actor, "display_name", "") or getattr(actor, "username", None) or "system")[:150]
