"""Writes to users. Audited like every other write."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from landcycle.audit.services import audit_record

from .models import Role, User

SYSTEM_USERNAME = "system"


def system_user() -> User:
    """The actor of command-line jobs (region loading, the sample county). It cannot sign in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"display_name": "系统", "is_superuser": True, "is_active": False, "role": Role.COUNTY_ADMIN},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _user_snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "region": user.region.code if user.region_id else None,
        "organisation": user.organisation,
        "is_active": user.is_active,
    }


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    region: Model | None,
    display_name: str = "",
    organisation: str = "",
) -> User:
    user = User(username=username, role=role, region=region, display_name=display_name, organisation=organisation)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        region_code=region.code if region else "",
        after=_user_snapshot(user),
    )
    return user


@transaction.atomic
def user_password_change(*, actor: User, user: User, password: str) -> User:
    """Set ``user``'s password (the caller has checked the old one and the password rules). The audit row
    says who changed it and when, never the password or its hash."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="user.password_change",
        obj=user,
        region_code=user.region.code if user.region_id else "",
        after={"username": user.username},
    )
    return user
