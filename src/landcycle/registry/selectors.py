"""Reads of the registry, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.http import QueryDict
from django.utils.translation import gettext as _

from landcycle.accounts.scope import scoped
from landcycle.kit.cache import cached, scope_key
from landcycle.kit.listing import Filter, Listing, ListQuery, choice_list, code_prefix
from landcycle.rules.codes import industries
from landcycle.rules.units import m2_to_mu

from .models import Enterprise, Occupancy, Parcel, Park, Region


def active_q(on: dt.date, prefix: str = "") -> Q:
    """Occupancies running on ``on`` (the same test as Occupancy.active_on)."""
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}))


STILL_THERE = (Enterprise.Status.OPERATING, Enterprise.Status.SUSPENDED)


def overstaying_q(on: dt.date) -> Q:
    """Leases that ended before ``on`` while the firm is still there (租约到期未腾退): a lease (租赁) whose end
    has passed, of a firm still operating or suspended (not 迁出, not 注销), with no later occupancy of that
    parcel by anyone (no renewal, no new occupant) and no occupancy of the firm that started after the end
    (it has not moved elsewhere). The firm keeps this land (DOMAIN §2: land used) until it has left; the
    supervision raises "租约到期未腾退" on it — where vacating (腾退) starts."""
    later_here = Occupancy.objects.filter(parcel_id=OuterRef("parcel_id"), start__gt=OuterRef("end"))
    moved = Occupancy.objects.filter(enterprise_id=OuterRef("enterprise_id"), start__gt=OuterRef("end"))
    return (
        Q(kind=Occupancy.Kind.LEASED, end__lt=on, enterprise__status__in=STILL_THERE)
        & ~Q(Exists(later_here))
        & ~Q(Exists(moved))
    )


def held_q(on: dt.date) -> Q:
    """The occupancies whose land a firm holds on ``on``: running ones, and leases it overstays."""
    return active_q(on) | overstaying_q(on)


def land_used_m2(enterprise: Enterprise, on: dt.date) -> dict[str, Decimal]:
    """用地面积 per DOMAIN §2 on a given day: owned + leased − let to others, in m² (a lease that ended while
    the firm is still there counts until it has left: ``overstaying_q``)."""
    active = held_q(on)
    own = Occupancy.objects.filter(active, enterprise=enterprise)
    owned = own.filter(kind=Occupancy.Kind.OWNED).aggregate(s=Sum("area_m2"))["s"] or Decimal(0)
    leased = own.filter(kind=Occupancy.Kind.LEASED).aggregate(s=Sum("area_m2"))["s"] or Decimal(0)
    let = Occupancy.objects.filter(active, lessor=enterprise).aggregate(s=Sum("area_m2"))["s"] or Decimal(0)
    used = owned + leased - let
    return {"owned": owned, "leased": leased, "let": let, "used": used}


def land_used_mu(enterprise: Enterprise, on: dt.date) -> Decimal:
    return m2_to_mu(land_used_m2(enterprise, on)["used"])


def towns_in_scope(user):
    """The towns (and subdistricts, zones) the user may see."""
    return scoped(Region.objects.filter(level=Region.Level.TOWN), user)


def town_overview(user) -> list[dict]:
    """Per town in scope: parks, parcels, land area, enterprises (规上 among them). Kept in the cache per scope
    until a registry write commits (kit.cache; three grouped queries over every parcel and enterprise of the scope)."""
    return cached(("registry",), f"town_overview:{scope_key(user)}", lambda: _town_overview(user))


def _town_overview(user) -> list[dict]:
    towns = list(towns_in_scope(user).order_by("code"))
    codes = [t.code for t in towns]
    parks = dict(Park.objects.filter(town__code__in=codes).values_list("town__code").annotate(n=Count("id")))
    parcel_rows = (
        Parcel.objects.filter(park__town__code__in=codes)
        .values("park__town__code")
        .annotate(n=Count("id"), m2=Sum("area_m2"), idle=Count("id", filter=Q(status=Parcel.Status.IDLE)))
    )
    parcels = {r["park__town__code"]: r for r in parcel_rows}
    ent_rows = (
        Enterprise.objects.filter(town__code__in=codes)
        .values("town__code")
        .annotate(n=Count("id"), above=Count("id", filter=Q(scale=Enterprise.Scale.ABOVE)))
    )
    ents = {r["town__code"]: r for r in ent_rows}
    out = []
    for t in towns:
        p = parcels.get(t.code, {})
        e = ents.get(t.code, {})
        out.append(
            {
                "town": t,
                "parks": parks.get(t.code, 0),
                "parcels": p.get("n", 0),
                "idle": p.get("idle", 0),
                "area_mu": m2_to_mu(p.get("m2") or 0),
                "enterprises": e.get("n", 0),
                "above": e.get("above", 0),
            }
        )
    return out


def land_used_many(enterprise_ids: list[int], on: dt.date) -> dict[int, Decimal]:
    """selectors.land_used_m2(...)["used"] for many enterprises in two grouped queries (list pages).

    Same definition (DOMAIN §2: owned + leased − let to others); tests/web check the two agree.
    """
    if not enterprise_ids:
        return {}
    held = dict(
        Occupancy.objects.filter(held_q(on), enterprise_id__in=enterprise_ids)
        .order_by()
        .values("enterprise_id")
        .annotate(s=Sum("area_m2"))
        .values_list("enterprise_id", "s")
    )
    let = dict(
        Occupancy.objects.filter(held_q(on), lessor_id__in=enterprise_ids)
        .order_by()
        .values("lessor_id")
        .annotate(s=Sum("area_m2"))
        .values_list("lessor_id", "s")
    )
    return {i: (held.get(i) or Decimal(0)) - (let.get(i) or Decimal(0)) for i in enterprise_ids}


def town_choices(user) -> list[tuple[str, str]]:
    return [(code, name) for code, name in towns_in_scope(user).order_by("code").values_list("code", "name")]


def park_choices(user, town_code: str | None = None) -> list[tuple[str, str]]:
    qs = scoped(Park.objects.all(), user)
    if town_code:
        qs = qs.filter(town__code=town_code)
    return [
        (str(pk), f"{name}（{code}）")
        for pk, name, code in qs.order_by("town__code", "name").values_list("pk", "name", "code")
    ]


# ------------------------------------------------------------------ the list pages (and their exports)


def park_listing(user, query: QueryDict) -> tuple[Listing, QuerySet]:
    """The park list's listing (search, filters, sorts from ``query``) and its scoped, filtered rows."""
    listing = Listing(
        ListQuery(user, query),
        search_fields=("name", "code"),
        search_label=_("园区名称或编号"),
        filters=[
            Filter("town", _("镇街"), town_choices(user), "town__code"),
            Filter("kind", _("园区类型"), choice_list(Park.Kind), "kind"),
        ],
        sorts={
            "code": ("code",),
            "name": ("name",),
            "town": ("town__code", "code"),
            "parcels": ("n_parcels",),
            "area": ("total_m2",),
        },
        default_order=("town__code", "code"),
    )
    return listing, listing.filtered(scoped(Park.objects.all(), user))


def park_totals(qs: QuerySet) -> QuerySet:
    """Parks with their number of parcels and total area (``n_parcels``, ``total_m2``)."""
    parcels = Parcel.objects.filter(park=OuterRef("pk")).order_by().values("park")
    return qs.annotate(
        n_parcels=Coalesce(Subquery(parcels.annotate(c=Count("id")).values("c"), output_field=IntegerField()), 0),
        total_m2=Subquery(parcels.annotate(s=Sum("area_m2")).values("s")),
    )


def park_rows(user, query: QueryDict) -> QuerySet:
    """The parks the list shows (scope, filters, order): what its export writes."""
    listing, qs = park_listing(user, query)
    if listing.sort.lstrip("-") in ("parcels", "area"):
        qs = park_totals(qs)
    rows = listing.ordered(qs)
    rows.listing = listing  # the export job describes its filters in words
    return rows


def parcel_listing(user, query: QueryDict) -> tuple[Listing, QuerySet]:
    """The parcel list's listing (search, filters, sorts from ``query``) and its scoped, filtered rows."""
    listing = Listing(
        ListQuery(user, query),
        search_fields=("number", "address", "park__name"),
        search_label=_("地块编号、坐落或园区"),
        filters=[
            Filter("town", _("镇街"), town_choices(user), "park__town__code"),
            Filter("park", _("园区"), park_choices(user, query.get("town")), "park_id"),
            Filter("status", _("状态"), choice_list(Parcel.Status), "status"),
            Filter("tenure", _("供地方式"), choice_list(Parcel.Tenure), "tenure"),
            Filter("land_use", _("用途"), choice_list(Parcel.LandUse), "land_use"),
        ],
        sorts={
            "number": ("number",),
            "park": ("park__name", "number"),
            "area": ("area_m2",),
            "status": ("status", "number"),
        },
    )
    return listing, listing.filtered(scoped(Parcel.objects.defer("geometry"), user))


def parcel_rows(user, query: QueryDict) -> QuerySet:
    """The parcels the list shows (scope, filters, order): what its export writes."""
    listing, qs = parcel_listing(user, query)
    rows = listing.ordered(qs)
    rows.listing = listing  # the export job describes its filters in words
    return rows


def division_choices(qs) -> list[tuple[str, str]]:
    table = industries()
    codes = qs.order_by().annotate(div=Substr("industry_code", 1, 2)).values_list("div", flat=True).distinct()
    return sorted((c, f"{c} {table[c].name}" if c in table else c) for c in codes if c)


def enterprise_listing(user, query: QueryDict) -> tuple[Listing, QuerySet]:
    """The enterprise list's listing (search, filters, sorts from ``query``) and its scoped, filtered rows."""
    base = scoped(Enterprise.objects.all(), user)
    listing = Listing(
        ListQuery(user, query),
        search_fields=("name", "uscc", "contact"),
        search_label=_("企业名称、信用代码或联系人"),
        filters=[
            Filter("town", _("镇街"), town_choices(user), "town__code"),
            Filter(
                "park",
                _("园区"),
                park_choices(user, query.get("town")),
                lambda qs, v: qs.filter(occupancies__parcel__park_id=v).distinct(),
            ),
            Filter("scale", _("规模"), choice_list(Enterprise.Scale), "scale"),
            Filter("status", _("状态"), choice_list(Enterprise.Status), "status"),
            Filter(
                "division",
                _("行业大类"),
                # every enterprise of the scope's industry: from the cache until a write of the registry
                cached(("registry",), f"divisions:{scope_key(user)}", lambda: division_choices(base)),
                lambda qs, v: qs.filter(code_prefix("industry_code", v)),  # a range of the industry index
            ),
        ],
        sorts={
            "name": ("name",),
            "registered": ("registered_on",),
            "industry": ("industry_code", "name"),
            "town": ("town__code", "name"),
        },
    )
    if listing.q:
        listing.q = listing.q.upper() if listing.q.isascii() else listing.q
    return listing, listing.filtered(base)


def enterprise_rows(user, query: QueryDict) -> QuerySet:
    """The enterprises the list shows (scope, filters, order): what its export writes."""
    listing, qs = enterprise_listing(user, query)
    rows = listing.ordered(qs)
    rows.listing = listing  # the export job describes its filters in words
    return rows
