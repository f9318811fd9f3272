"""Small read helpers shared by the registry's pages (all scoped)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, Sum

from landcycle.accounts.scope import scoped

from .models import Occupancy, Park
from .selectors import towns_in_scope


def active_q(on: dt.date, prefix: str = "") -> Q:
    """Occupancies running on ``on`` (the same test as Occupancy.active_on)."""
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}))


def land_used_many(enterprise_ids: list[int], on: dt.date) -> dict[int, Decimal]:
    """selectors.land_used_m2(...)["used"] for many enterprises in two grouped queries (list pages).

    Same definition (DOMAIN §2: owned + leased − let to others); tests/web check the two agree.
    """
    if not enterprise_ids:
        return {}
    held = dict(Occupancy.objects.filter(active_q(on), enterprise_id__in=enterprise_ids).order_by()
                .values("enterprise_id").annotate(s=Sum("area_m2")).values_list("enterprise_id", "s"))
    let = dict(Occupancy.objects.filter(active_q(on), lessor_id__in=enterprise_ids).order_by()
               .values("lessor_id").annotate(s=Sum("area_m2")).values_list("lessor_id", "s"))
    return {i: (held.get(i) or Decimal(0)) - (let.get(i) or Decimal(0)) for i in enterprise_ids}


def town_choices(user) -> list[tuple[str, str]]:
    return [(code, name) for code, name in towns_in_scope(user).order_by("code").values_list("code", "name")]


def park_choices(user, town_code: str | None = None) -> list[tuple[str, str]]:
    qs = scoped(Park.objects.all(), user)
    if town_code:
        qs = qs.filter(town__code=town_code)
    return [(str(pk), f"{name}（{code}）") for pk, name, code in qs.order_by("town__code", "name").values_list(
        "pk", "name", "code")]
