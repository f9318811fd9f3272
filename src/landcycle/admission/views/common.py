"""What the admission pages share: the scoped applications and how a refused action is told."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet

from landcycle.accounts.scope import scoped

from ..models import Application


def applications(user) -> QuerySet:
    return scoped(Application.objects.select_related("town", "park", "enterprise", "contract"), user)


def tell_problems(request, problems) -> None:
    for p in problems:
        messages.error(request, p.zh)
