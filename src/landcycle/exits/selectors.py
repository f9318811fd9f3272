"""Reads of the exits app: cases in scope, their colours, what came after on their parcels, free land."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Min, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from landcycle.accounts.scope import scoped
from landcycle.admission.models import Application
from landcycle.registry.models import Occupancy, Parcel
from landcycle.registry.selectors import held_q
from landcycle.rules.exits import CaseColour, case_colour
from landcycle.supervision.models import Contract

from .models import Case


def today() -> dt.date:
    return timezone.localdate()


def cases_for_source(obj: Model) -> QuerySet:
    """The cases opened from ``obj`` (a warning, a task …)."""
    ct = ContentType.objects.get_for_model(obj)
    return Case.objects.filter(source_type=ct, source_id=obj.pk)


def cases(user) -> QuerySet:
    return scoped(Case.objects.select_related("town", "source_type"), user)


def colour_of(case: Case, as_of: dt.date | None = None) -> CaseColour:
    """The case's colour on ``as_of`` (today by default); reads its steps (prefetch ``steps`` for many)."""
    return case_colour(
        kind=case.kind,
        state=case.state,
        steps=[s.kind for s in case.steps.all()],
        planned_start=case.planned_start,
        deadline=case.deadline,
        handover=case.handover_on,
        as_of=as_of or today(),
    )


def with_colours(qs: Iterable[Case], as_of: dt.date | None = None) -> list[Case]:
    out = []
    for case in qs:
        case.colour = colour_of(case, as_of)
        out.append(case)
    return out


def free_parcels(user, on: dt.date | None = None) -> QuerySet:
    """可供地: parcels in the land reserve (储备) that nobody holds on ``on`` — where a closed case's parcels go
    and what admission can offer again."""
    held = Occupancy.objects.filter(parcel_id=OuterRef("pk")).filter(held_q(on or today()))
    return (
        scoped(Parcel.objects.select_related("park__town"), user)
        .filter(status=Parcel.Status.RESERVE)
        .exclude(Exists(held))
    )


def came_after(case: Case) -> dict:
    """What came after a closed case on its parcels: the applications and contracts on them since the handover."""
    if case.handover_on is None:
        return {"applications": [], "contracts": []}
    parcels = list(case.parcels.values_list("pk", flat=True))
    # an application counts from its first submission (its registration when never submitted)
    apps = (
        Application.objects.filter(parcels__in=parcels)
        .annotate(first=Min("revisions__submitted_on"))
        .filter(Q(first__gte=case.handover_on) | Q(first__isnull=True, created_at__date__gte=case.handover_on))
        .distinct()
        .order_by("created_at")
    )
    contracts = (
        Contract.objects.filter(parcels__in=parcels, signed_on__gte=case.handover_on).distinct().order_by("signed_on")
    )
    return {"applications": list(apps), "contracts": list(contracts)}


def item_totals(case: Case) -> dict:
    """The inventory's totals: items by category and by owner determination, disposal cost; money by kind."""
    items = list(case.items.all())
    money = list(case.money.all())
    cost = sum((m.amount_wan for m in money if not m.is_recovery), Decimal(0))
    recovered = sum((m.amount_wan for m in money if m.is_recovery), Decimal(0))
    unpaid = sum((m.amount_wan for m in money if not m.is_recovery and not m.paid), Decimal(0))
    return {
        "items": len(items),
        "determined": sum(1 for i in items if i.determined_owner),
        "disputed": sum(1 for i in items if not i.determined_owner),
        "disposed": sum(1 for i in items if i.disposal),
        "hazardous": sum(1 for i in items if i.category == "hazardous"),
        "disposal_cost_wan": sum((i.disposal_cost_wan or Decimal(0) for i in items), Decimal(0)),
        "cost_wan": cost,
        "recovered_wan": recovered,
        "net_wan": cost - recovered,
        "unpaid_wan": unpaid,
    }
