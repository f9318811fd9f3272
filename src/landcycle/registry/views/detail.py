"""The registry's detail pages. Each object is reached through accounts.scope.access (404 outside scope)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Prefetch, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from landcycle.accounts.scope import access, in_scope, region_prefix, scoped
from landcycle.audit.models import AuditEntry
from landcycle.kit.listing import kpi
from landcycle.kit.pagecache import cached_page
from landcycle.rules.codes import industry_lineage
from landcycle.rules.geometry import PARCEL_TOLERANCE
from landcycle.rules.units import m2_to_mu

from ..hooks import enterprise_columns, facts, panels
from ..models import Enterprise, Occupancy, Parcel, Park
from ..selectors import active_q, land_used_m2
from .maps import feature_collection, map_config

HISTORY_ROWS = 30  # changes of a parcel shown in its file (the audit page has them all)


def _fact(label, value, order: int, href: str = "", unit: str = "") -> dict:
    return {"label": label, "value": value, "order": order, "href": href, "unit": unit}


def _section(anchor: str, title, order: int, template: str, context: dict) -> dict:
    return {"anchor": anchor, "title": title, "order": order, "template": template, "context": context}


def _file(slot: str, obj, user, own_facts: list[dict], own_sections: list[dict]) -> dict:
    """The header facts and the sections of an object's file: the registry's own and those the apps above
    registered (registry.hooks), in order. Sections with an anchor make the section navigation."""
    header = sorted(own_facts + facts(slot, obj, user), key=lambda f: f["order"])
    # blocks still registered for the old two-column page ("enterprise.main" / "enterprise.side") join the file too
    registered = panels(slot, obj, user) + panels(f"{slot}.main", obj, user) + panels(f"{slot}.side", obj, user)
    sections = sorted(own_sections + registered, key=lambda s: s["order"])
    nav = [
        {"anchor": s["anchor"], "title": s["title"], "count": (s["context"] or {}).get("count")}
        for s in sections
        if s["anchor"]
    ]
    return {"facts": header, "sections": sections, "file_nav": nav}


def _with_columns(rows: list[dict], user, key: str = "enterprise_id") -> list[dict]:
    """The registered enterprise columns (evaluation: latest class) for a table of enterprises."""
    columns = enterprise_columns([r[key] for r in rows], user)
    for r in rows:
        r["extra"] = [c["cells"].get(r[key], "—") for c in columns]
    return columns


@cached_page
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
    columns = _with_columns(tenants, user)
    idle = sum(1 for p in parcels if p.status == Parcel.Status.IDLE)
    kpis = [
        kpi(pgettext("plural", "地块"), len(parcels), _("块"), note=_("其中闲置 %(n)s 块") % {"n": f"{idle:,}"}),
        kpi(_("土地面积"), m2_to_mu(total_m2), _("亩"), places=2, note=f"{total_m2:,.2f} m²"),
        kpi(_("在用企业"), len(tenants), _("家")),
    ]
    geo = feature_collection(park.parcels.all(), with_park_boundaries=True)
    own_facts = [
        _fact(_("园区编号"), park.code, 10),
        _fact(_("所属镇街"), park.town.name, 20),
        _fact(_("园区类型"), park.get_kind_display(), 30),
        _fact(pgettext("plural", "地块"), f"{len(parcels):,}", 40, unit=_("块")),
        _fact(_("土地面积"), f"{m2_to_mu(total_m2):,.2f}", 50, unit=_("亩")),
        _fact(_("在用企业"), f"{len(tenants):,}", 60, unit=_("家")),
        _fact(_("闲置地块"), f"{idle:,}", 70, unit=_("块")),
    ]
    ctx = {"park": park, "parcels": parcels, "tenants": tenants, "columns": columns, "total_m2": total_m2}
    own_sections = [
        _section("summary", _("概况与分布"), 5, "registry/file/_park_summary.html", {"kpis": kpis, **ctx}),
        _section("parcels", pgettext("plural", "地块"), 10, "registry/file/_park_parcels.html", ctx),
        _section("enterprises", _("园区企业"), 20, "registry/file/_park_enterprises.html", ctx),
    ]
    return render(
        request,
        "registry/park_detail.html",
        {
            "park": park,
            "parcels": parcels,
            "tenants": tenants,
            "kpis": kpis,
            "total_m2": total_m2,
            "geo": geo,
            "map_config": map_config(),
            **_file("park", park, user, own_facts, own_sections),
        },
    )


def _parcel_history(parcel, occupancies) -> list[dict]:
    """What happened to a parcel, newest first: occupancies starting and ending, and the recorded changes of the
    parcel itself (the audit log)."""
    events = []
    for o in occupancies:
        events.append({"on": o.start, "what": _("开始使用（%(kind)s）") % {"kind": o.get_kind_display()}, "o": o})
        if o.end:
            events.append({"on": o.end, "what": _("终止使用"), "o": o})
    verbs = {"create": _("登记地块"), "update": _("修改地块信息")}
    changes = AuditEntry.objects.filter(object_type="registry.parcel", object_id=str(parcel.pk)).order_by("-seq")
    for a in changes[:HISTORY_ROWS]:
        verb = a.action.rsplit(".", 1)[-1]
        events.append(
            {"on": timezone.localtime(a.at).date(), "what": verbs.get(verb, _("修改地块信息")), "by": a.actor_name}
        )
    events.sort(key=lambda e: e["on"], reverse=True)
    return events


@cached_page
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
    rows = [{"enterprise_id": o.enterprise_id, "o": o} for o in occupancies]
    columns = _with_columns(rows, user)
    for r in rows:
        r["o"].extra = r["extra"]
    geo = feature_collection(
        Parcel.objects.filter(pk=parcel.pk),
        tolerance=PARCEL_TOLERANCE,
        max_points=settings.LANDCYCLE_PARCEL_SHAPE_POINTS,
    )
    occupants = list(dict.fromkeys(o.enterprise.name for o in active))
    own_facts = [
        _fact(_("所属园区"), parcel.park.name, 10, href=reverse("park_detail", args=[parcel.park_id])),
        _fact(_("所属镇街"), parcel.park.town.name, 20),
        _fact(_("面积"), f"{parcel.area_mu:,.2f}", 30, unit=_("亩")),
        _fact(_("状态"), parcel.get_status_display(), 40),
        _fact(_("供地方式"), parcel.get_tenure_display(), 50),
        _fact(_("当前使用企业"), "、".join(occupants) or _("无"), 60),
    ]
    ctx = {"parcel": parcel, "occupancies": occupancies, "columns": columns, "geo": geo}
    own_sections = [
        _section(
            "occupants",
            _("使用企业"),
            10,
            "registry/file/_parcel_occupants.html",
            {"count": len(active) or None, **ctx},
        ),
        _section("location", _("位置与信息"), 15, "registry/file/_parcel_location.html", ctx),
        _section(
            "history",
            _("历史"),
            80,
            "registry/file/_parcel_history.html",
            {"events": _parcel_history(parcel, occupancies), "limit": HISTORY_ROWS},
        ),
    ]
    return render(
        request,
        "registry/parcel_detail.html",
        {
            "parcel": parcel,
            "occupancies": occupancies,
            "kpis": kpis,
            "geo": geo,
            "context_geo": feature_collection(neighbours),
            "map_config": map_config(),
            **_file("parcel", parcel, user, own_facts, own_sections),
        },
    )


@cached_page
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
    lineage = industry_lineage(ent.industry_code)
    parks = list({o.parcel.park_id: o.parcel.park for o in occupancies if o.is_active}.values())
    used_mu = m2_to_mu(land["used"])
    own_facts = [
        _fact(_("统一社会信用代码"), ent.uscc, 10),
        _fact(_("所属镇街"), ent.town.name, 20),
        _fact(
            _("所在园区"),
            "、".join(p.name for p in parks) or _("无"),
            30,
            href=reverse("park_detail", args=[parks[0].pk]) if len(parks) == 1 else "",
        ),
        _fact(_("行业"), (lineage[-1].name if lineage else "") or ent.industry_code, 40),
        _fact(_("用地面积"), f"{used_mu:,.2f}", 50, unit=_("亩")),
    ]
    ctx = {
        "ent": ent,
        "land": land,
        "land_used_mu": used_mu,
        "occupancies": occupancies,
        "hidden": hidden,
        "lettings": lettings,
        "today": today,
        "lineage": lineage,
        "count": sum(1 for o in occupancies if o.is_active) or None,
    }
    own_sections = [
        _section("land", _("用地"), 10, "registry/file/_enterprise_land.html", ctx),
        _section("info", _("企业信息"), 90, "registry/file/_enterprise_info.html", {**ctx, "count": None}),
    ]
    return render(
        request,
        "registry/enterprise_detail.html",
        {"ent": ent, "today": today, **_file("enterprise", ent, user, own_facts, own_sections)},
    )
