"""What admission has to do today, for the home page (web/home.py): applications the town must finish or amend,
applications waiting for the county's review, admitted projects whose contract is not signed yet. Scoped."""

from __future__ import annotations

from django.db.models import QuerySet

from landcycle.accounts.models import User
from landcycle.accounts.scope import scoped

from .models import Application

S = Application.Status


def _mine(user: User) -> QuerySet:
    return scoped(Application.objects.select_related("town", "park"), user)


def applications_to_finish(user: User) -> QuerySet:
    """Drafts not submitted yet and applications returned for changes: the town's to do, returned first."""
    return _mine(user).filter(status__in=(S.RETURNED, S.DRAFT)).order_by("-status", "created_at")


def applications_to_review(user: User) -> QuerySet:
    """Submitted applications waiting for the joint review and the decision, oldest first."""
    return _mine(user).filter(status=S.SUBMITTED).order_by("created_at")


def admitted_unsigned(user: User) -> QuerySet:
    """Admitted projects whose land contract is not signed yet: supervision starts on signing."""
    return _mine(user).filter(status=S.ADMITTED, contract__isnull=True).order_by("created_at")
