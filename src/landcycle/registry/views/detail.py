"""The registry's detail pages. Each object is reached through accounts.scope.access (404 outside scope)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Prefetch, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from landcycle.accounts.scope import access, in_scope, region_prefix, scoped
from landcycle.kit.listing import kpi
from landcycle.rules.codes import industry_lineage
from landcycle.rules.geometry import PARCEL_TOLERANCE
from landcycle.rules.units import m2_to_mu

from ..hooks import panels
from ..models import Enterprise, Occupancy, Parcel, Park
from ..selectors import active_q, land_used_m2
from .maps import feature_collection, map_config


# yearly figures shown on the enterprise page (field, decimal places); the unit is in each verbose_name
def park_detail(request, pk):
    user = request.user
    park = access(Park.objects.select_related("town"), user, pk=pk)
    today = timezone.localdate()
    current = (
        Occupancy.objects.filter(active_q(today)).select_related("enterprise").order_by("kind", "enterprise__name")
    )
    parcels = list(
        park.parcels.defer("geometry")
        .select_related("park")
        .prefetch_related(Prefetch("occupancies", queryset=current, to_attr="current"))
        .order_by("number")
    )
    total_m2 = sum((p.area_m2 for p in parcels), start=0)
    tenants = list(
        Occupancy.objects.filter(active_q(today), parcel__park=park)
        .order_by()
        .values(
            "enterprise_id",
            "enterprise__name",
            "enterprise__uscc",
            "enterprise__scale",
            "enterprise__status",
            "enterprise__town__code",
        )
        .annotate(m2=Sum("area_m2"), n=Count("parcel", distinct=True))
        .order_by("-m2")
    )
    scale_labels, status_labels = dict(Enterprise.Scale.choices), dict(Enterprise.Status.choices)
    prefix = region_prefix(user)
    for t in tenants:
        t["visible"] = prefix is not None and t["enterprise__town__code"].startswith(prefix)
        t["scale_label"] = scale_labels.get(t["enterprise__scale"], "")
        t["status_label"] = status_labels.get(t["enterprise__status"], "")
    idle = sum(1 for p in parcels if p.status == Parcel.Status.IDLE)
    kpis = [
        kpi(pgettext("plural", "地块"), len(parcels), _("块"), note=_("其中闲置 %(n)s 块") % {"n": f"{idle:,}"}),
        kpi(_("土地面积"), m2_to_mu(total_m2), _("亩"), places=2, note=f"{total_m2:,.2f} m²"),
        kpi(_("在用企业"), len(tenants), _("家")),
    ]
    geo = feature_collection(park.parcels.all(), with_park_boundaries=True)
    return render(
        request,
        "registry/park_detail.html",
        {
            "park": park,
            "panels_main": panels("park.main", park, request.user),
            "parcels": parcels,
            "tenants": tenants,
            "kpis": kpis,
            "total_m2": total_m2,
            "geo": geo,
            "map_config": map_config(),
        },
    )


def parcel_detail(request, pk):
    user = request.user
    parcel = access(Parcel.objects.select_related("park__town").defer("geometry"), user, pk=pk)
    today = timezone.localdate()
    occupancies = list(parcel.occupancies.select_related("enterprise__town", "lessor__town").order_by("-start", "pk"))
    for o in occupancies:
        o.is_active, o.not_started = o.active_on(today), o.start > today
        o.enterprise_visible = in_scope(user, o.enterprise.town)
        o.lessor_visible = o.lessor is not None and in_scope(user, o.lessor.town)
    active = [o for o in occupancies if o.is_active]
    occupied = sum((o.area_m2 for o in active if o.kind == Occupancy.Kind.OWNED), start=0)
    neighbours = Parcel.objects.filter(park_id=parcel.park_id).exclude(pk=parcel.pk)
    kpis = [
        kpi(_("面积"), parcel.area_m2, _("平方米"), places=2),
        kpi(_("面积"), parcel.area_mu, _("亩"), places=2),
        kpi(_("当前使用企业"), len({o.enterprise_id for o in active}), _("家")),
        kpi(_("自有使用面积"), m2_to_mu(occupied), _("亩"), places=2),
    ]
    return render(
        request,
        "registry/parcel_detail.html",
        {
            "parcel": parcel,
            "occupancies": occupancies,
            "kpis": kpis,
            "geo": feature_collection(
                Parcel.objects.filter(pk=parcel.pk),
                tolerance=PARCEL_TOLERANCE,
                max_points=settings.LANDCYCLE_PARCEL_SHAPE_POINTS,
            ),
            "context_geo": feature_collection(neighbours),
            "map_config": map_config(),
        },
    )


def enterprise_detail(request, pk):
    user = request.user
    ent = access(Enterprise.objects.select_related("town"), user, pk=pk)
    today = timezone.localdate()
    land = land_used_m2(ent, today)
    all_occ = (
        ent.occupancies.select_related("parcel__park__town", "lessor__town")
        .defer("parcel__geometry")
        .order_by("-start", "pk")
    )
    occupancies = list(scoped(all_occ, user))
    hidden = all_occ.count() - len(occupancies)
    lettings = list(
        scoped(Occupancy.objects.filter(lessor=ent), user)
        .select_related("enterprise__town", "parcel__park")
        .order_by("-start", "pk")
    )
    for o in occupancies + lettings:
        o.is_active, o.not_started = o.active_on(today), o.start > today
        o.enterprise_visible = in_scope(user, o.enterprise.town)
        o.lessor_visible = o.lessor is not None and in_scope(user, o.lessor.town)
    latest = ent.figures.order_by("-year").first()
    kpis = [
        kpi(
            _("用地面积（今日）"),
            m2_to_mu(land["used"]),
            _("亩"),
            places=2,
            note=_("自有 %(o)s + 租入 %(l)s − 出租 %(t)s 平方米")
            % {"o": f"{land['owned']:,.0f}", "l": f"{land['leased']:,.0f}", "t": f"{land['let']:,.0f}"},
        ),
        kpi(_("在用地块"), len({o.parcel_id for o in occupancies if o.is_active}), _("块")),
        kpi(
            _("最近年度税收"),
            latest.tax if latest else "—",
            _("万元") if latest else "",
            places=2,
            note=str(latest.year) if latest else _("尚无年度数据"),
        ),
    ]
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "ent": ent,
            "land": land,
            "land_used_mu": m2_to_mu(land["used"]),
            "occupancies": occupancies,
            "hidden": hidden,
            "lettings": lettings,
            "lineage": industry_lineage(ent.industry_code),
            "kpis": kpis,
            "today": today,
            "panels_main": panels("enterprise.main", ent, user),
            "panels_side": panels("enterprise.side", ent, user),
        },
    )
