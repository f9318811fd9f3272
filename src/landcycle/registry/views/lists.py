"""The registry's list pages: parks, parcels, enterprises. Reads only, always through the user's scope.

Each list is searchable, filterable, sortable and paginated, and runs a fixed number of queries whatever
the number of rows (related rows come by select_related / prefetch_related / one grouped query). Its rows come
from a selector (``selectors.park_listing`` …); ``selectors.*_rows(user, query)`` is what ``?export=xlsx|csv``
writes as the ledger (``kit.listing.export_response``, registered in ``kit.exports`` by ``apps.py``), directly
or as a background job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.db.models import Count, Prefetch, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from landcycle.kit.cache import cached, scope_key
from landcycle.kit.listing import export_format, export_response, kpi
from landcycle.kit.pagecache import cached_page
from landcycle.rules.codes import industries
from landcycle.rules.units import m2_to_mu

from ..models import Enterprise, Occupancy, Parcel, Park
from ..selectors import active_q, enterprise_listing, land_used_many, parcel_listing, park_listing, park_totals

T = TypeVar("T")


@cached_page
def park_list(request):
    if export_format(request):
        return export_response(request, "parks")
    listing, qs = park_listing(request.user, request.GET)
    today = timezone.localdate()
    kpis, count = _figures("park_list", request, lambda: (_park_kpis(qs, today), qs.count()))
    rows = listing.ordered(park_totals(qs.select_related("town").defer("boundary", "note")))
    page = listing.page(rows, count=count, from_the_end=True)
    ids = [p.pk for p in page.object_list]
    users = dict(
        Occupancy.objects.filter(active_q(today), parcel__park_id__in=ids)
        .order_by()
        .values("parcel__park_id")
        .annotate(c=Count("enterprise", distinct=True))
        .values_list("parcel__park_id", "c")
    )
    for park in page.object_list:
        park.n_enterprises = users.get(park.pk, 0)
    return render(request, "registry/park_list.html", {"listing": listing, "page_obj": page, "kpis": kpis})


@cached_page
def parcel_list(request):
    if export_format(request):
        return export_response(request, "parcels")
    listing, qs = parcel_listing(request.user, request.GET)
    kpis, count = _figures("parcel_list", request, lambda: (_parcel_kpis(qs), qs.count()))
    current = (
        Occupancy.objects.filter(active_q(timezone.localdate()))
        .select_related("enterprise")
        .order_by("kind", "enterprise__name")
    )
    rows = listing.ordered(
        qs.select_related("park__town").prefetch_related(Prefetch("occupancies", queryset=current, to_attr="current"))
    )
    return render(
        request,
        "registry/parcel_list.html",
        {"listing": listing, "page_obj": listing.page(rows, count=count, from_the_end=True), "kpis": kpis},
    )


@cached_page
def enterprise_list(request):
    if export_format(request):
        return export_response(request, "enterprises")
    listing, qs = enterprise_listing(request.user, request.GET)
    kpis, count = _figures("enterprise_list", request, lambda: (_enterprise_kpis(qs), qs.count()))
    table = industries()
    page = listing.page(listing.ordered(qs.select_related("town")), count=count, from_the_end=True)
    used = land_used_many([e.pk for e in page.object_list], timezone.localdate())
    for ent in page.object_list:
        ent.used_m2 = used.get(ent.pk)
        ent.industry_name = table[ent.industry_code].name if ent.industry_code in table else ""
    return render(request, "registry/enterprise_list.html", {"listing": listing, "page_obj": page, "kpis": kpis})


def _figures(page: str, request, compute: Callable[[], T]) -> T:
    """A list's cards and count read every row of the scope and filters: kept in the cache (kit.cache) per page,
    reader's scope, filters (the page number and the order aside) and day, until a write of the registry commits."""
    shown = sorted((k, v) for k, v in request.GET.lists() if k not in ("page", "sort", "export"))
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
    key = f"{page}:{scope_key(request.user)}:{digest}:{timezone.localdate().isoformat()}"
    return cached(("registry",), key, compute)


def _park_kpis(qs, today) -> list[dict]:
    land = Parcel.objects.filter(park__in=qs).aggregate(n=Count("id"), m2=Sum("area_m2"))
    n_ent = (
        Occupancy.objects.filter(active_q(today), parcel__park__in=qs)
        .order_by()
        .values("enterprise_id")
        .distinct()
        .count()
    )
    kinds = dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
    kinds_note = " · ".join(f"{label} {kinds.get(value, 0)}" for value, label in Park.Kind.choices)
    return [
        kpi(pgettext("plural", "园区"), qs.count(), _("个"), note=kinds_note),
        kpi(pgettext("plural", "地块"), land["n"], _("块")),
        kpi(_("土地面积"), m2_to_mu(land["m2"] or 0), _("亩"), places=1),
        kpi(_("在用企业"), n_ent, _("家")),
    ]


def _parcel_kpis(qs) -> list[dict]:
    totals = qs.aggregate(n=Count("id"), m2=Sum("area_m2"))
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    return [
        kpi(pgettext("plural", "地块"), totals["n"], _("块")),
        kpi(
            _("土地面积"),
            m2_to_mu(totals["m2"] or 0),
            _("亩"),
            places=1,
            note=_("%(m2)s 平方米") % {"m2": f"{totals['m2'] or 0:,.0f}"},
        ),
        kpi(_("在用"), by_status.get(Parcel.Status.IN_USE, 0), _("块")),
        kpi(_("在建"), by_status.get(Parcel.Status.UNDER_CONSTRUCTION, 0), _("块")),
        kpi(_("闲置"), by_status.get(Parcel.Status.IDLE, 0), _("块")),
        kpi(
            _("储备 / 腾退中"),
            by_status.get(Parcel.Status.RESERVE, 0) + by_status.get(Parcel.Status.VACATING, 0),
            _("块"),
        ),
    ]


def _enterprise_kpis(qs) -> list[dict]:
    counts = qs.aggregate(n=Count("id", distinct=True))
    by_scale = dict(qs.order_by().values_list("scale").annotate(n=Count("id", distinct=True)))
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id", distinct=True)))
    return [
        kpi(pgettext("plural", "企业"), counts["n"], _("家")),
        kpi(_("规上企业"), by_scale.get(Enterprise.Scale.ABOVE, 0), _("家")),
        kpi(_("规下企业"), by_scale.get(Enterprise.Scale.BELOW, 0), _("家")),
        kpi(_("在营"), by_status.get(Enterprise.Status.OPERATING, 0), _("家")),
        kpi(_("停产 / 迁出 / 注销"), counts["n"] - by_status.get(Enterprise.Status.OPERATING, 0), _("家")),
    ]
