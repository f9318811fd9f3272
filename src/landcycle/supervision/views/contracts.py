"""供地合同: the contract list and the contract page. Reads only, through the user's scope (404 outside)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from landcycle.accounts.scope import Area, access, can_write, in_scope
from landcycle.kit.listing import export_format, export_response, kpi
from landcycle.kit.pagecache import cached_page
from landcycle.registry.models import Parcel
from landcycle.registry.views.maps import feature_collection, map_config
from landcycle.rules.supervision.agreed_dates import settle
from landcycle.rules.supervision.idle import government_causes
from landcycle.rules.units import m2_to_mu

from ..convert import rule_contract, rules_of
from ..figures import page_figures
from ..labels import cause_name, rule_label
from ..models import Contract, ContractParcel, Warning
from ..selectors import (
    COLOUR_OF_RANK,
    contract_listing,
    fees_due,
    last_checked,
    passed_filter,
    priority,
    subject_warnings,
)
from ..timeline import contract_timeline


def _top_warnings(ids) -> dict[int, Warning]:
    """The worst open warning of each contract."""
    out = {}
    for w in (
        Warning.objects.filter(subject_type=Warning.SubjectType.CONTRACT, subject_id__in=list(ids))
        .exclude(status=Warning.Status.CLOSED)
        .filter(rank__gt=0)
        .annotate(p=priority())
        .order_by("subject_id", "-rank", "p")
    ):
        out.setdefault(w.subject_id, w)
    return out


@cached_page
def contract_list(request):
    if export_format(request):
        return export_response(request, "contracts")
    user = request.user
    listing, qs = contract_listing(request.user, request.GET)
    checked = last_checked(user)
    # the cards, the chip and the paginator's count read every contract of the scope and filters: from the cache
    # (supervision.figures); the page itself is read off the index of the kept worst warning (supervision.maintained)
    kpis, passed, count = page_figures(
        "contract_list", user, request.GET, checked, lambda: (_kpis(qs), _passed_chip(request, listing), qs.count())
    )
    rows = listing.ordered(
        qs.select_related("town", "holder__town").prefetch_related(
            Prefetch(
                "parcel_links",
                # the list shows each parcel's number: its outline (geometry) is not read
                queryset=ContractParcel.objects.select_related("parcel")
                .defer("parcel__geometry")
                .order_by("parcel__number"),
            )
        )
    )
    page = listing.page(rows, count=count)
    top = _top_warnings(c.pk for c in page.object_list)
    for c in page.object_list:
        c.top = top.get(c.pk)
        c.colour = COLOUR_OF_RANK.get(c.worst) if c.worst >= 0 else None
        c.holder_visible = c.holder_id is not None and in_scope(user, c.holder.town)
    return render(
        request,
        "supervision/contract_list.html",
        {
            "listing": listing,
            "page_obj": page,
            "kpis": kpis,
            "passed": passed,
            "checked": checked,
            "can_edit": can_write(user, Area.CONTRACTS),
        },
    )


def _kpis(qs) -> list[dict]:
    """The list's cards: contracts and their price, land supplied, contracts by worst colour, idle land and fees."""
    totals = qs.aggregate(n=Count("id", distinct=True), m2=Sum("area_m2"), price=Sum("price_wan"))
    by_worst = dict(qs.order_by().values_list("worst").annotate(n=Count("id", distinct=True)))
    warnings = Warning.objects.filter(subject_type=Warning.SubjectType.CONTRACT, subject_id__in=qs.values("pk"))
    fees = fees_due(warnings)
    return [
        kpi(_("合同"), totals["n"], _("份"), note=_("成交价款 %(p)s 万元") % {"p": f"{totals['price'] or 0:,.0f}"}),
        kpi(_("供地面积"), m2_to_mu(totals["m2"] or 0), _("亩"), places=1),
        kpi(_("红色预警"), by_worst.get(2, 0), _("份"), note=_("合同中最重的预警为红")),
        kpi(_("黄色预警"), by_worst.get(1, 0), _("份")),
        kpi(
            _("闲置土地"),
            qs.filter(idle__gt=0).count(),
            _("份"),
            note=_("可无偿收回 %(n)s 份") % {"n": fees["take_back"]},
        ),
        kpi(_("应征闲置费"), fees["fee_wan"], _("万元"), places=2),
    ]


def _passed_chip(request, listing) -> dict:
    """The 约定日期已过 chip above the list: how many contracts (with the other filters as chosen) have an agreed
    start, completion or production date that passed without the actual date, and the link that turns the
    filter on (or, when it is on, off)."""
    others = request.GET.copy()
    for key in ("passed", "page"):
        others.pop(key, None)
    _listing, qs = contract_listing(request.user, others)
    active = next((f for f in listing.filters if f.name == "passed"), None)
    value = active.value if active else ""
    count = passed_filter(qs, value or "any").values("pk").distinct().count()
    on = others.copy()
    on["passed"] = "any"
    return {
        "count": count,
        "active": bool(value),
        "label": dict(active.choices).get(value, "") if active and value else _("约定日期已过未完成"),
        "on": on.urlencode(),
        "off": others.urlencode(),
    }


def _attainment(m, kinds) -> Decimal | None:
    """``kinds``: the commitment kinds of the contract's county's policy (本县政策)."""
    if m.measured is None:
        return None
    direction = m.direction or (kinds[m.kind].direction if m.kind in kinds else "min")
    if direction == "min":
        return m.measured / m.committed if m.committed > 0 else None
    return m.committed / m.measured if m.measured > 0 else None


def _named_delays(c, rules) -> list:
    """The contract's government delays, each cause named by its county's policy (本县政策) as ``cause_name``."""
    delays = list(c.government_delays.all())
    for d in delays:
        d.cause_name = cause_name(d.cause, rules, d.get_cause_display())
    return delays


@cached_page
def contract_detail(request, pk):
    user = request.user
    c = access(Contract.objects.select_related("town", "holder__town"), user, pk=pk)
    commitments = list(c.commitments.all())
    rc = rule_contract(c)
    rules = rules_of(c)  # the contract's county's warning rules (本县政策), as the labels of the page read them
    settled = settle(rc, rules, government_causes(rc, rules))  # the dates the rules judge by, and why
    warnings = list(subject_warnings(Warning.SubjectType.CONTRACT, c.pk).order_by("status", "-rank", "rule"))
    live = {w.rule: w.colour for w in warnings if w.status != Warning.Status.CLOSED and w.colour != "green"}
    as_of = last_checked(user) or timezone.localdate()
    kinds = rules.commitment_kinds
    for m in commitments:
        k = kinds.get(m.kind)
        m.attain = _attainment(m, kinds)
        m.resolved_direction = m.direction or (k.direction if k else "min")
        m.resolved_stage = m.stage or (k.stage if k else "production")
        m.warn = live.get(f"commitment.{m.kind}")
        m.bar = min(float(m.attain or 0), 1.25) / 1.25 * 100
    parcels = Parcel.objects.filter(contract_links__contract=c)
    fees = fees_due(Warning.objects.filter(subject_type=Warning.SubjectType.CONTRACT, subject_id=c.pk))
    open_ = [w for w in warnings if w.status != Warning.Status.CLOSED]
    worst = max((w.rank for w in open_), default=None)
    worst_colour = COLOUR_OF_RANK.get(worst) if worst is not None else None
    if worst == 0 and any(w.colour == "grey" for w in open_):
        worst_colour = "grey"  # not judged is not green
    en = get_language() == "en"
    kpis = [
        kpi(_("面积"), c.area_mu, _("亩"), places=2, note=f"{c.area_m2 or 0:,.2f} m²"),
        kpi(_("成交价格"), c.price_wan, _("万元"), places=2),
        kpi(
            _("未销号预警"),
            sum(1 for w in warnings if w.active),
            _("条"),
            note=", ".join(rule_label(r, rules) for r in live) or _("无"),
        ),
        kpi(_("应征闲置费"), fees["fee_wan"], _("万元"), places=2, note=_("可无偿收回") if fees["take_back"] else ""),
    ]
    return render(
        request,
        "supervision/contract_detail.html",
        {
            "c": c,
            "kpis": kpis,
            "commitments": commitments,
            "warnings": warnings,
            "as_of": as_of,
            "timeline": contract_timeline(c, settled.contract, as_of, live),
            "date_notes": [
                z if not en else e for m in ("start", "completion", "production") for z, e in settled.notes.get(m, [])
            ],
            "date_flags": list(
                dict.fromkeys(
                    z if not en else e
                    for m in ("start", "completion", "production")
                    for z, e in settled.flags.get(m, [])
                )
            ),
            "worst": worst_colour,
            "parcels": list(parcels.select_related("park").defer("geometry")),
            "holder_visible": c.holder_id and in_scope(user, c.holder.town),
            "extensions": list(c.extensions.all()),
            "delays": _named_delays(c, rules),
            "geo": feature_collection(parcels),
            "map_config": map_config(),
            "can_edit": can_write(user, Area.CONTRACTS),
            "plural": pgettext("plural", "地块"),
        },
    )
