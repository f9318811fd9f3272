"""整改台账: the ledger of tasks by inspection or by town (colours, filters, export), the county summary,
the list of inspections and one inspection with its findings, suggestions and tasks. Reads only, through
the user's scope (selectors); writes are in the edit, tasks and rounds views."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from landcycle.kit.listing import Filter, Listing, choice_list, export_format, kpi, table_response
from landcycle.registry.selectors import town_choices

from ..export import ledger_rows, ledger_workbook
from ..forms import CheckForm
from ..history import inspection_history
from ..models import Inspection, Task
from ..pages import crumbs, is_supervisor
from ..policy import rectification_policy
from ..selectors import access_inspection, inspections_visible, tasks_visible, with_colours
from ..summary import county_summary

COLOUR_CHOICES = [("red", _("红")), ("yellow", _("黄")), ("green", _("绿"))]
OPEN, OVERDUE, CURRENT = "open", "overdue", "current"


def _status(qs, value, as_of):
    if value == OPEN:
        return qs.exclude(status=Task.Status.CLOSED)
    if value == OVERDUE:
        return qs.exclude(status=Task.Status.CLOSED).filter(deadline__lt=as_of)
    if value == CURRENT:  # open and within its deadline (the dashboard's 整改中 bars)
        return qs.exclude(status=Task.Status.CLOSED).filter(deadline__gte=as_of)
    return qs.filter(status=value)


def _colour(qs, value, as_of):
    tasks = with_colours(qs.select_related("town"), as_of)
    return qs.filter(pk__in=[t.pk for t in tasks if t.is_open and t.tc.colour == value])


def _listing(request, as_of) -> tuple[Listing, object]:
    user = request.user
    base = tasks_visible(user)
    towns = town_choices(user)
    known = {code for code, _name in towns}  # and the county, when its own departments answer for tasks
    towns += list(
        base.exclude(town__code__in=known).order_by("town__code").values_list("town__code", "town__name").distinct()
    )
    inspections = [
        (str(pk), title)
        for pk, title in inspections_visible(user)
        .filter(findings__tasks__in=base)
        .distinct()
        .order_by("-started_on")
        .values_list("pk", "title")
    ]
    filters = [Filter("town", _("责任镇街"), towns, "town__code")] if len(towns) > 1 else []
    filters += [
        Filter("inspection", _("检查"), inspections, "finding__inspection_id"),
        Filter(
            "status",
            _("状态"),
            [(OPEN, _("未销号")), (CURRENT, _("未销号且未逾期")), (OVERDUE, _("已逾期")), *choice_list(Task.Status)],
            lambda qs, v: _status(qs, v, as_of),
        ),
        Filter(
            "colour",
            _("预警颜色"),
            [(v, str(label)) for v, label in COLOUR_CHOICES],
            lambda qs, v: _colour(qs, v, as_of),
        ),
    ]
    listing = Listing(
        request,
        search_fields=("number", "title", "measures", "department", "person", "finding__summary"),
        search_label=_("任务、措施或责任单位"),
        filters=filters,
        sorts={"deadline": ("deadline",), "percent": ("percent_done",), "town": ("town__code", "number")},
    )
    return listing, listing.filtered(base)


def _ordered(listing, qs, by_town: bool):
    if listing.sort:
        return listing.ordered(qs)
    if by_town:
        return qs.order_by(
            "-town__level",
            "town__code",
            "department",
            "finding__inspection__started_on",
            "finding__number",
            "number",
            "pk",
        )
    return qs.order_by("-finding__inspection__started_on", "finding__inspection_id", "finding__number", "number", "pk")


def rectification_ledger(request):
    user = request.user
    as_of = timezone.localdate()
    by_town = request.GET.get("view") == "town"
    listing, qs = _listing(request, as_of)
    rows = (
        _ordered(listing, qs, by_town)
        .select_related("town", "finding__inspection")
        .prefetch_related("parks", "parcels", "enterprises", "contracts")
    )
    fmt = export_format(request)
    if fmt == "xlsx":
        return ledger_workbook(with_colours(rows, as_of), as_of, user)
    if fmt == "csv":
        header, data = ledger_rows(with_colours(rows, as_of), en=get_language() == "en")
        return table_response("csv", _("整改台账"), header, data)
    summary = county_summary(user, as_of)
    page = listing.page(rows)
    page.object_list = with_colours(page.object_list, as_of)
    t = summary["total"]
    kpis = [
        kpi(_("监督检查"), summary["checks"], _("次")),
        kpi(_("发现问题"), summary["findings"], _("个"), note=_("意见建议 %(n)s 条") % {"n": summary["suggestions"]}),
        kpi(
            _("整改任务"),
            t["tasks"],
            _("项"),
            note=_("已销号 %(c)s · 整改中 %(o)s") % {"c": t["closed"], "o": t["open"]},
        ),
        kpi(_("红色预警"), t["red"], _("项"), note=_("逾期 %(n)s 项") % {"n": t["overdue"]}) | {"tone": "red"},
        kpi(_("黄色预警"), t["yellow"], _("项"), note=_("临近时限或被质询")) | {"tone": "yellow"},
        kpi(_("绿色"), t["green"], _("项"), note=_("按期推进")) | {"tone": "green"},
    ]
    check_form = CheckForm(user=user) if is_supervisor(user) else None
    return render(
        request,
        "rectification/ledger.html",
        {
            "listing": listing,
            "page_obj": page,
            "kpis": kpis,
            "by_town": by_town,
            "summary": summary,
            "check_form": check_form,
            "can_supervise": is_supervisor(user),
            "as_of": as_of,
            "query": request.GET.urlencode(),
        },
    )


def rectification_summary(request):
    as_of = timezone.localdate()
    summary = county_summary(request.user, as_of)
    return render(
        request,
        "rectification/summary.html",
        {"s": summary, "as_of": as_of, "crumbs": crumbs(), "policy": rectification_policy(request.user.region)},
    )


def inspection_list(request):
    user = request.user
    base = inspections_visible(user)
    towns = town_choices(user)
    years = sorted({d.year for d in base.dates("started_on", "year")}, reverse=True)
    filters = [
        Filter("kind", _("检查类型"), choice_list(Inspection.Kind), "kind"),
        Filter("year", _("年度"), [(str(y), str(y)) for y in years], "started_on__year"),
    ]
    if len(towns) > 1:
        filters.insert(1, Filter("town", _("被检查地区"), towns, lambda qs, v: qs.filter(regions__code=v).distinct()))
    listing = Listing(
        request,
        search_fields=("title", "body", "summary", "other_units"),
        search_label=_("检查名称、机关或摘要"),
        filters=filters,
        sorts={"date": ("started_on",), "kind": ("kind", "-started_on")},
        default_order=("-started_on",),
    )
    qs = listing.filtered(base)
    my_tasks = tasks_visible(user)
    rows = listing.ordered(
        qs.annotate(
            n_findings=Count("findings", distinct=True),
            n_suggestions=Count("suggestions", distinct=True),
            n_tasks=Count("findings__tasks", filter=Q(findings__tasks__in=my_tasks), distinct=True),
        )
    ).prefetch_related("regions", "recorded_by")
    if export_format(request):
        sep = ", " if get_language() == "en" else "、"
        return table_response(
            export_format(request),
            _("检查记录"),
            [
                _("开始日期"),
                _("检查类型"),
                _("检查名称"),
                _("检查机关"),
                _("被检查地区"),
                _("问题（个）"),
                _("意见建议（条）"),
                _("整改任务（项）"),
            ],
            (
                [
                    i.started_on.isoformat(),
                    i.get_kind_display(),
                    i.title,
                    i.body,
                    sep.join(r.name for r in i.regions.all()) or i.other_units,
                    i.n_findings,
                    i.n_suggestions,
                    i.n_tasks,
                ]
                for i in rows
            ),
        )
    by_kind = dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
    kpis = [kpi(label, by_kind.get(value, 0), _("次")) for value, label in Inspection.Kind.choices]
    return render(
        request,
        "rectification/inspection_list.html",
        {
            "listing": listing,
            "page_obj": listing.page(rows),
            "kpis": kpis,
            "can_supervise": is_supervisor(user),
            "crumbs": crumbs(),
        },
    )


def inspection_detail(request, pk):
    user = request.user
    insp = access_inspection(user, pk)
    as_of = timezone.localdate()
    tasks = tasks_visible(user).select_related("town").order_by("number", "pk")
    findings = list(insp.findings.prefetch_related(Prefetch("tasks", queryset=tasks, to_attr="visible_tasks")))
    for f in findings:
        f.visible_tasks = with_colours(f.visible_tasks, as_of)
    return render(
        request,
        "rectification/inspection_detail.html",
        {
            "insp": insp,
            "findings": findings,
            "suggestions": list(insp.suggestions.select_related("finding")),
            "regions": list(insp.regions.all()),
            "can_supervise": is_supervisor(user),
            "crumbs": crumbs(),
            "as_of": as_of,
            "history": inspection_history(insp),
        },
    )
