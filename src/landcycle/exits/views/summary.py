"""The county summary of exit (cases open and closed by ground and town, mu freed in the year, leftover items by
how their owner was determined, days from opening to handover) and the free land (可供地) in the reader's scope."""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import Decimal

from django.shortcuts import render
from django.utils.translation import gettext as _

from landcycle.kit.listing import export_format, kpi, table_response

from ..models import Case, LeftoverItem
from ..selectors import cases, free_parcels, today


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today().year


def summary_figures(user, year: int) -> dict:
    qs = list(cases(user).prefetch_related("parcels"))
    towns = sorted({c.town for c in qs}, key=lambda t: t.code)
    grounds = [(v, str(label)) for v, label in Case.Ground.choices]
    by_town = {t: Counter() for t in towns}
    by_ground = {g: Counter() for g, _label in grounds}
    for c in qs:
        by_town[c.town][c.state] += 1
        by_ground[c.ground][c.state] += 1
    closed_year = [c for c in qs if c.state == Case.State.CLOSED and c.handover_on and c.handover_on.year == year]
    mu = sum((c.area_mu for c in closed_year), Decimal(0))
    days = [(c.handover_on - c.opened_on).days for c in qs if c.state == Case.State.CLOSED and c.handover_on]
    items = LeftoverItem.objects.filter(case__in=[c.pk for c in qs])
    how = Counter(items.values_list("determined_how", flat=True))
    return {
        "year": year,
        "towns": [(t, by_town[t]) for t in towns],
        "grounds": [(label, by_ground[g]) for g, label in grounds if by_ground[g]],
        "mu_freed": mu,
        "closed_year": len(closed_year),
        "days": {
            "n": len(days),
            "mean": round(statistics.mean(days)) if days else None,
            "median": round(statistics.median(days)) if days else None,
            "max": max(days) if days else None,
        },
        "owners": [(str(label), how.get(v, 0)) for v, label in LeftoverItem.How.choices]
        + [(_("尚未认定"), how.get("", 0))],
        "open": sum(1 for c in qs if c.state == Case.State.OPEN),
        "closed": sum(1 for c in qs if c.state == Case.State.CLOSED),
    }


def summary_page(request):
    f = summary_figures(request.user, _year(request))
    kpis = [
        kpi(_("办理中"), f["open"], _("件")),
        kpi(_("已移交"), f["closed"], _("件")),
        kpi(_("%(y)s年腾出土地") % {"y": f["year"]}, f["mu_freed"], _("亩"), 2),
        kpi(_("立案至移交（中位数）"), f["days"]["median"] if f["days"]["median"] is not None else "—", _("天")),
    ]
    return render(request, "exits/summary.html", {"f": f, "kpis": kpis})


def free_land(request):
    """可供地: parcels in the land reserve nobody holds — where closed cases' parcels go, what admission offers."""
    rows = list(free_parcels(request.user).prefetch_related("exit_cases").order_by("park__town__code", "number"))
    fmt = export_format(request)
    header = ["地块编号", "镇街", "园区", "面积（亩）", "来自案件"]
    table = [
        [
            p.number,
            p.park.town.name,
            p.park.name,
            float(p.area_mu),
            "、".join(c.number for c in p.exit_cases.all() if c.state == Case.State.CLOSED),
        ]
        for p in rows
    ]
    if fmt:
        return table_response(fmt, _("可供地"), header, table)
    total = sum((p.area_mu for p in rows), Decimal(0))
    return render(
        request,
        "exits/free_land.html",
        {"rows": rows, "kpis": [kpi(_("可供地块"), len(rows), _("块")), kpi(_("面积"), total, _("亩"), 2)]},
    )
