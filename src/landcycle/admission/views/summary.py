"""The county's admission summary: applications by status, rejections by the rule that failed, and the tax per
mu committed by admitted projects against their park's minimum (a chart from kit.charts)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext as _

from landcycle.kit import charts
from landcycle.kit.listing import kpi

from ..models import Application, Decision
from .common import applications

S = Application.Status


def _tax_row(a: Application) -> dict | None:
    rev = a.revisions.order_by("-number").first()
    tax = next((r for r in rev.results if r["rule"] == "tax_per_mu"), None) if rev else None
    if tax is None or tax["value"] is None:
        return None
    return {
        "a": a,
        "value": Decimal(tax["value"]),
        "min": Decimal(tax["min"]) if tax["min"] is not None else None,
    }


def summary_page(request):
    qs = applications(request.user)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    reasons: Counter[str] = Counter()
    for d in Decision.objects.filter(application__in=qs, outcome=Decision.Outcome.REJECTED).select_related("revision"):
        failed = d.revision.failed
        for r in failed:
            reasons[r["name_zh"]] += 1
        if not failed:
            reasons[_("符合规则但联审不同意")] += 1
    admitted = [row for a in qs.filter(status=S.ADMITTED) if (row := _tax_row(a))]
    chart = None
    if admitted:
        data = []
        for row in admitted:
            name = row["a"].project[:14]
            data.append({"project": name, "what": _("承诺亩均税收"), "value": float(row["value"])})
            if row["min"] is not None:
                data.append({"project": name, "what": _("园区最低标准"), "value": float(row["min"])})
        spec = charts.bar(
            data,
            x="project",
            y="value",
            colour="what",
            x_title=_("项目"),
            y_title=_("万元/亩"),
            horizontal=True,
            height=max(120, 26 * len(admitted)),
        )
        spec["encoding"]["yOffset"] = {"field": "what"}
        chart = charts.svg(spec, label=_("准予入园项目的承诺亩均税收与园区最低标准"))
    kpis = [
        kpi(_("申请"), sum(counts.values()), _("件")),
        kpi(_("准予入园"), counts.get(S.ADMITTED, 0), _("件")),
        kpi(_("不予准入"), counts.get(S.REJECTED, 0), _("件")),
        kpi(_("审查中"), counts.get(S.SUBMITTED, 0), _("件")),
        kpi(_("已签合同"), qs.filter(contract__isnull=False).count(), _("件")),
    ]
    return render(
        request,
        "admission/summary.html",
        {
            "kpis": kpis,
            "reasons": reasons.most_common(),
            "admitted": admitted,
            "chart": chart,
            "by_status": [(label, counts.get(value, 0)) for value, label in S.choices],
        },
    )
