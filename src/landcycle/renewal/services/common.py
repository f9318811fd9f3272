"""What every renewal write shares: who may write (the county plans and approves, a town reports), the name of the
actor."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from landcycle.accounts.models import Role, User
from landcycle.accounts.scope import Area, can_write, require_write


def is_county(user: Any) -> bool:
    """The county's administrator (or a superuser): registers and approves plans."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or (user.role == Role.COUNTY_ADMIN and can_write(user, Area.RENEWAL))
    )


def require_county(actor: User) -> None:
    require_write(actor, Area.RENEWAL)
    if not is_county(actor):
        raise PermissionDenied("改造项目方案由县级登记和批准 / Renewal plans are registered and approved by the county")


def actor_name(actor: Any) -> str:
    return (getattr(actor, "display_name", "") or getattr(actor, "username", None) or "system")[:150]
