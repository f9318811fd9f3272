"""The registry's list pages: parks, parcels, enterprises. Reads only, always through the user's scope.

Each list is searchable, filterable, sortable and paginated, and runs a fixed number of queries whatever
the number of rows (related rows come by select_related / prefetch_related / one grouped query). Each has a
``*_rows(request)`` function giving the rows it shows: ``?export=xlsx|csv`` writes them as the ledger
(``kit.listing.export_response``, registered in ``ledgers.sources``), directly or as a background job.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from landcycle.accounts.scope import scoped
from landcycle.kit.listing import Filter, Listing, choice_list, export_format, export_response, kpi
from landcycle.rules.codes import industries
from landcycle.rules.units import m2_to_mu

from .models import Enterprise, Occupancy, Parcel, Park
from .selectors import active_q, land_used_many, park_choices, town_choices
from .views_detail import enterprise_detail, parcel_detail, park_detail  # noqa: F401  (url names)


def _park_listing(request):
    user = request.user
    listing = Listing(
        request,
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


def _park_totals(qs):
    parcels = Parcel.objects.filter(park=OuterRef("pk")).order_by().values("park")
    return qs.annotate(
        n_parcels=Coalesce(Subquery(parcels.annotate(c=Count("id")).values("c"), output_field=IntegerField()), 0),
        total_m2=Subquery(parcels.annotate(s=Sum("area_m2")).values("s")),
    )


def park_rows(request):
    """The parks the list shows (scope, filters, order): what its export writes."""
    listing, qs = _park_listing(request)
    if listing.sort.lstrip("-") in ("parcels", "area"):
        qs = _park_totals(qs)
    rows = listing.ordered(qs)
    rows.listing = listing  # the export job describes its filters in words
    return rows


def park_list(request):
    if export_format(request):
        return export_response(request, "parks")
    listing, qs = _park_listing(request)
    today = timezone.localdate()
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
    kpis = [
        kpi(pgettext("plural", "园区"), qs.count(), _("个"), note=kinds_note),
        kpi(pgettext("plural", "地块"), land["n"], _("块")),
        kpi(_("土地面积"), m2_to_mu(land["m2"] or 0), _("亩"), places=1),
        kpi(_("在用企业"), n_ent, _("家")),
    ]
    rows = listing.ordered(_park_totals(qs.select_related("town").defer("boundary", "note")))
    page = listing.page(rows)
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


def _parcel_listing(request):
    user = request.user
    listing = Listing(
        request,
        search_fields=("number", "address", "park__name"),
        search_label=_("地块编号、坐落或园区"),
        filters=[
            Filter("town", _("镇街"), town_choices(user), "park__town__code"),
            Filter("park", _("园区"), park_choices(user, request.GET.get("town")), "park_id"),
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


def parcel_rows(request):
    """The parcels the list shows (scope, filters, order): what its export writes."""
    listing, qs = _parcel_listing(request)
    rows = listing.ordered(qs)
    rows.listing = listing  # the export job describes its filters in words
    return rows


def parcel_list(request):
    if export_format(request):
        return export_response(request, "parcels")
    listing, qs = _parcel_listing(request)
    totals = qs.aggregate(n=Count("id"), m2=Sum("area_m2"))
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    kpis = [
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
    current = (
        Occupancy.objects.filter(active_q(timezone.localdate()))
        .select_related("enterprise")
        .order_by("kind", "enterprise__name")
    )
    rows = listing.ordered(
        qs.select_related("park__town").prefetch_related(Prefetch("occupancies", queryset=current, to_attr="current"))
    )
    return render(
        request, "registry/parcel_list.html", {"listing": listing, "page_obj": listing.page(rows), "kpis": kpis}
    )


def _division_choices(qs) -> list[tuple[str, str]]:
    table = industries()
    codes = qs.order_by().annotate(div=Substr("industry_code", 1, 2)).values_list("div", flat=True).distinct()
    return sorted((c, f"{c} {table[c].name}" if c in table else c) for c in codes if c)


def _enterprise_listing(request):
    user = request.user
    base = scoped(Enterprise.objects.all(), user)
    listing = Listing(
        request,
        search_fields=("name", "uscc", "contact"),
        search_label=_("企业名称、信用代码或联系人"),
        filters=[
            Filter("town", _("镇街"), town_choices(user), "town__code"),
            Filter(
                "park",
                _("园区"),
                park_choices(user, request.GET.get("town")),
                lambda qs, v: qs.filter(occupancies__parcel__park_id=v).distinct(),
            ),
            Filter("scale", _("规模"), choice_list(Enterprise.Scale), "scale"),
            Filter("status", _("状态"), choice_list(Enterprise.Status), "status"),
            Filter("division", _("行业大类"), _division_choices(base), "industry_code__startswith"),
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


def enterprise_rows(request):
    """The enterprises the list shows (scope, filters, order): what its export writes."""
    listing, qs = _enterprise_listing(request)
    rows = listing.ordered(qs)
    rows.listing = listing  # the export job describes its filters in words
    return rows


def enterprise_list(request):
    if export_format(request):
        return export_response(request, "enterprises")
    listing, qs = _enterprise_listing(request)
    counts = qs.aggregate(n=Count("id", distinct=True))
    by_scale = dict(qs.order_by().values_list("scale").annotate(n=Count("id", distinct=True)))
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id", distinct=True)))
    kpis = [
        kpi(pgettext("plural", "企业"), counts["n"], _("家")),
        kpi(_("规上企业"), by_scale.get(Enterprise.Scale.ABOVE, 0), _("家")),
        kpi(_("规下企业"), by_scale.get(Enterprise.Scale.BELOW, 0), _("家")),
        kpi(_("在营"), by_status.get(Enterprise.Status.OPERATING, 0), _("家")),
        kpi(_("停产 / 迁出 / 注销"), counts["n"] - by_status.get(Enterprise.Status.OPERATING, 0), _("家")),
    ]
    table = industries()
    page = listing.page(listing.ordered(qs.select_related("town")))
    used = land_used_many([e.pk for e in page.object_list], timezone.localdate())
    for ent in page.object_list:
        ent.used_m2 = used.get(ent.pk)
        ent.industry_name = table[ent.industry_code].name if ent.industry_code in table else ""
    return render(request, "registry/enterprise_list.html", {"listing": listing, "page_obj": page, "kpis": kpis})
