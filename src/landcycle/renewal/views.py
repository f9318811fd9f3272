"""改造提升: the projects list (colour, progress bar, filters, .xlsx), a project's page (outline, plan, milestones plan
against actual, firms and fates, reports, payoff, links to what else sits on its parcels), the forms (a plan by the
county, approval and start, the monthly report made for a phone, a firm's fate) and the county overview per town."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from landcycle.accounts.scope import Area, access, can_write, in_scope, scoped
from landcycle.kit import charts as kit_charts
from landcycle.kit.listing import Filter, Listing, choice_list, export_format, kpi, table_response
from landcycle.rectification.models import Task
from landcycle.registry.models import Enterprise, Park, Region
from landcycle.rules import renewal as rules
from landcycle.rules.problems import RuleError
from landcycle.supervision.convert import rules_of
from landcycle.supervision.models import Contract

from . import charts
from .evidence import open_stored
from .forms import ApproveForm, FateForm, ProjectForm, ReportForm, StartForm
from .models import Evidence, FirmFate, RenewalProject
from .outline import outline_svg
from .payoff import classes_by_year, payoff
from .selectors import colour_of_all, decorate, overview, projects
from .services.common import is_county
from .services.firms import fate_record
from .services.progress import report_progress
from .services.projects import PLAN_FIELDS, project_approve, project_create, project_start, project_update

PROJECT_EDIT_FIELDS = ("name", "kind", "planned_start", "planned_end", "lead_unit", "lead_person", "note", *PLAN_FIELDS)
COLOURS = [("red", _("红")), ("yellow", _("黄")), ("green", _("绿")), ("grey", _("未判定"))]


def _today() -> dt.date:
    return timezone.localdate()


def project_listing(request):
    user = request.user
    qs = projects(user)
    towns = Region.objects.filter(level=Region.Level.TOWN, renewal_projects__in=qs).distinct().order_by("code")
    as_of = _today()

    def by_colour(rows, value):
        colours = colour_of_all(rows, as_of)
        return rows.filter(pk__in=[pk for pk, c in colours.items() if c == value])

    listing = Listing(
        request,
        search_fields=("number", "name", "lead_unit"),
        search_label=_("项目编号、名称或牵头单位"),
        filters=[
            Filter("state", _("状态"), choice_list(RenewalProject.State), "state"),
            Filter("kind", _("改造方式"), choice_list(RenewalProject.Kind), "kind"),
            Filter("town", _("镇街"), [(str(t.pk), t.name) for t in towns], "town_id"),
            Filter("colour", _("预警"), [(k, str(v)) for k, v in COLOURS], by_colour),
        ],
        sorts={"number": ("number",), "area": ("-area_mu", "number"), "end": ("planned_end", "number")},
        default_order=("town__code", "number"),
    )
    return listing, listing.filtered(qs)


EXPORT_HEADER = [
    "项目编号",
    "项目名称",
    "镇街",
    "改造方式",
    "状态",
    "改造面积（亩）",
    "计划开始",
    "计划完成",
    "序时进度（%）",
    "实际进度（%）",
    "预警",
    "预警原因",
]


def renewal_list(request):
    listing, qs = project_listing(request)
    as_of = _today()
    rows = listing.ordered(qs).prefetch_related("milestones", "reports")
    fmt = export_format(request)
    if fmt:
        data = [
            [
                p.number,
                p.name,
                p.town.name,
                p.get_kind_display(),
                p.get_state_display(),
                float(p.area_mu),
                p.planned_start.isoformat(),
                p.planned_end.isoformat(),
                float(p.colour.planned_percent) if p.colour.planned_percent is not None else None,
                p.percent,
                p.colour.colour,
                p.colour.zh,
            ]
            for p in decorate(rows, as_of)
        ]
        return table_response(fmt, _("改造提升项目"), EXPORT_HEADER, data)
    page = listing.page(rows)
    page.object_list = decorate(page.object_list, as_of)
    all_colours = colour_of_all(qs, as_of)
    kpis = [
        kpi(_("项目"), len(all_colours), _("个")),
        kpi(_("红色预警"), sum(c == "red" for c in all_colours.values()), _("个")),
        kpi(_("黄色预警"), sum(c == "yellow" for c in all_colours.values()), _("个")),
        kpi(_("改造面积"), sum(p.area_mu for p in qs), _("亩"), 0),
    ]
    return render(
        request,
        "renewal/list.html",
        {"listing": listing, "page_obj": page, "kpis": kpis, "can_create": is_county(request.user), "as_of": as_of},
    )


def case_url(case_id: int) -> str | None:
    """The page of a vacating case of the exit stage, when that stage names one (``exit_case_detail``)."""
    try:
        return reverse("exit_case_detail", args=[case_id])
    except NoReverseMatch:
        return None


def _links(project: RenewalProject, user) -> dict:
    parcels = project.parcels.all()
    return {
        "contracts": list(
            scoped(Contract.objects.filter(parcels__in=parcels).distinct(), user).order_by("number")[:50]
        ),
        "tasks": list(scoped(Task.objects.filter(parcels__in=parcels).distinct(), user).order_by("number")[:50]),
        "cases": [(f, case_url(f.case_id)) for f in project.firms.all() if f.case_id],
    }


def _payoff_context(project: RenewalProject, as_of: dt.date) -> dict:
    if project.state == RenewalProject.State.DRAFT:
        return {}
    p = payoff(project, as_of.year)
    chart = None
    if p.before or p.after:
        chart = kit_charts.svg(
            charts.payoff_chart(
                p, series_before=_("改造前"), series_after=_("改造后"), y_title=_("地块亩均税收（万元/亩）")
            ),
            label=_("改造前后亩均税收"),
        )
    return {"payoff": p, "payoff_chart": chart, "classes": classes_by_year(project, as_of.year)}


def renewal_detail(request, pk):
    user = request.user
    project = access(
        projects(user).prefetch_related("milestones", "reports__evidence", "parks", "parcels"), user, pk=pk
    )
    if request.method == "POST":
        return _act(request, project)
    as_of = _today()
    decorate([project], as_of)
    ms = list(project.milestones.all())
    m_names = {m.kind: m.get_kind_display() for m in ms}
    gantt = None
    if ms:
        gantt = kit_charts.svg(
            charts.gantt(
                charts.milestone_rows(ms, project.planned_start, as_of, rules_of(project).contract_dates, m_names),
                planned=_("计划"),
                actual=_("实际"),
                today=_("截至"),
                as_of=as_of,
            ),
            label=_("节点计划与实际"),
        )
    writer = can_write(user, Area.RENEWAL) and in_scope(user, project.town)
    parcels = list(project.parcels.all())
    ctx = {
        "p": project,
        "milestones": ms,
        "gantt": gantt,
        "reports": sorted(project.reports.all(), key=lambda r: r.period, reverse=True),
        "firms": list(project.firms.select_related("enterprise", "destination", "merged_into")),
        "parcels": parcels,
        "outline": outline_svg(
            [(x.number, x.geometry, reverse("parcel_detail", args=[x.pk])) for x in parcels], project.colour.colour
        ),
        "can_approve": is_county(user) and project.state == RenewalProject.State.DRAFT,
        "can_start": writer and project.state == RenewalProject.State.APPROVED,
        "can_report": writer and project.state == RenewalProject.State.UNDER_WAY,
        "can_fate": writer and project.state != RenewalProject.State.DRAFT,
        "approve_form": ApproveForm(user=user, initial={"approved_on": as_of}),
        "start_form": StartForm(user=user, initial={"started_on": as_of}),
        "as_of": as_of,
        **_links(project, user),
        **_payoff_context(project, as_of),
    }
    return render(request, "renewal/detail.html", ctx)


def _town_parks(user):
    towns = scoped(Region.objects.filter(level=Region.Level.TOWN), user).order_by("code")
    parks = scoped(Park.objects.select_related("town"), user).order_by("town__code", "code")
    return towns, parks


def renewal_create(request):
    user = request.user
    if not is_county(user):
        raise Http404
    towns, parks = _town_parks(user)
    form = ProjectForm(request.POST or None, user=user, towns=towns, parks=parks)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        milestones = {k: d.pop(f"m_{k}") for k in rules.MILESTONES if d.get(f"m_{k}")}
        for k in rules.MILESTONES:
            d.pop(f"m_{k}", None)
        try:
            p = project_create(actor=user, milestones=milestones, **d)
        except RuleError as e:
            form.attach_problems(e.problems)
        else:
            messages.success(request, _("已登记改造项目 %(n)s（方案编制）") % {"n": p.number})
            return redirect("renewal_detail", p.pk)
    return render(
        request, "renewal/form.html", {"form": form, "title": _("登记改造项目"), "cancel": reverse("renewal_list")}
    )


def renewal_edit(request, pk):
    """The county changes a draft plan (an approved one answers with the service's refusal)."""
    user = request.user
    project = access(projects(user).prefetch_related("parks", "milestones"), user, pk=pk)
    if not is_county(user):
        raise Http404
    towns, parks = _town_parks(user)
    initial = {f: getattr(project, f) for f in PROJECT_EDIT_FIELDS}
    initial.update(number=project.number, town=project.town_id, parks=[p.pk for p in project.parks.all()])
    initial.update({f"m_{m.kind}": m.planned_on for m in project.milestones.all()})
    form = ProjectForm(request.POST or None, user=user, towns=towns, parks=parks, initial=initial)
    form.fields["number"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        milestones = {k: d.pop(f"m_{k}") for k in rules.MILESTONES if d.get(f"m_{k}")}
        for k in rules.MILESTONES:
            d.pop(f"m_{k}", None)
        d.pop("number", None)
        chosen = d.pop("parks")
        try:
            project_update(actor=user, project=project, parks=chosen, milestones=milestones, **d)
        except RuleError as e:
            form.attach_problems(e.problems)
        else:
            messages.success(request, _("方案已保存"))
            return redirect("renewal_detail", project.pk)
    return render(
        request,
        "renewal/form.html",
        {"form": form, "title": _("修改改造方案"), "cancel": reverse("renewal_detail", args=[project.pk])},
    )


def _act(request, project: RenewalProject):
    """The buttons of the project's page: the county approves the plan, the town (or the county) starts it."""
    user = request.user
    action = request.POST.get("action")
    if action == "approve" and is_county(user):
        form, done = ApproveForm(request.POST, user=user), _("方案已批准")
    elif action == "start" and can_write(user, Area.RENEWAL) and in_scope(user, project.town):
        form, done = StartForm(request.POST, user=user), _("项目已开始实施，地块上的企业已列入企业去向表")
    else:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("请填写日期和文件"))
        return redirect("renewal_detail", project.pk)
    d = form.cleaned_data
    try:
        if action == "approve":
            project_approve(actor=user, project=project, approved_on=d["approved_on"], document=d["document"])
        else:
            project_start(actor=user, project=project, started_on=d["started_on"])
    except RuleError as e:
        for p in e.problems:
            messages.error(request, p.zh)
    else:
        messages.success(request, done)
    return redirect("renewal_detail", project.pk)


def renewal_report(request, pk):
    user = request.user
    project = access(projects(user).prefetch_related("milestones", "reports"), user, pk=pk)
    if not (can_write(user, Area.RENEWAL) and in_scope(user, project.town)):
        raise Http404
    form = ReportForm(request.POST or None, request.FILES or None, user=user, project=project)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report_progress(
                actor=user,
                project=project,
                period=d["period"],
                percent_done=d["percent_done"],
                demolished_mu=d["demolished_mu"],
                removed_m2=d["removed_m2"],
                investment_made=d["investment_made"],
                text=d["text"],
                milestones_done=form.milestones_done(),
                files=d["files"],
            )
        except RuleError as e:
            form.attach_problems([p if not p.field.startswith("milestone.") else _m_field(p) for p in e.problems])
        else:
            messages.success(request, _("已报送 %(m)s 进展") % {"m": d["period"].strftime("%Y-%m")})
            return redirect("renewal_detail", project.pk)
    decorate([project], _today())
    return render(
        request,
        "renewal/report_form.html",
        {
            "form": form,
            "p": project,
            "title": _("报送改造进展"),
            "cancel": reverse("renewal_detail", args=[project.pk]),
        },
    )


def _m_field(problem):
    """A milestone's problem (field ``milestone.<kind>``) beside the form's field of that milestone."""
    return replace(problem, field="m_" + problem.field.split(".", 1)[1])


def renewal_fate(request, pk):
    user = request.user
    row = access(scoped(FirmFate.objects.select_related("project__town", "enterprise"), user), user, pk=pk)
    project = row.project
    if not (can_write(user, Area.RENEWAL) and in_scope(user, project.town)):
        raise Http404
    _towns, parks = _town_parks(user)
    firms = Enterprise.objects.filter(Q(renewal_fates__project=project)).exclude(pk=row.enterprise_id)
    form = FateForm(
        request.POST or None,
        user=user,
        parks=parks.exclude(pk__in=project.parks.all()),
        firms=firms,
        initial={
            "fate": row.fate,
            "decided_on": row.decided_on or _today(),
            "destination": row.destination_id,
            "merged_into": row.merged_into_id,
            "note": row.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            fate_record(actor=user, project=project, enterprise=row.enterprise, **d)
        except RuleError as e:
            form.attach_problems(e.problems)
        else:
            messages.success(request, _("已登记 %(f)s 的去向") % {"f": row.enterprise.name})
            return redirect(reverse("renewal_detail", args=[project.pk]) + "#firms")
    return render(
        request,
        "renewal/fate_form.html",
        {
            "form": form,
            "row": row,
            "p": project,
            "title": _("企业去向"),
            "cancel": reverse("renewal_detail", args=[project.pk]),
        },
    )


def renewal_evidence(request, pk):
    e = access(Evidence.objects.select_related("project__town"), request.user, pk=pk)
    try:
        f = open_stored(e.path)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(f, as_attachment=True, filename=e.name)


def renewal_overview(request):
    as_of = _today()
    rows = overview(request.user, as_of)
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("projects", "area_mu", "renewed_mu", "floor_gained", "moved", "stays", "merged", "closed", "pending")
    }
    return render(request, "renewal/overview.html", {"rows": rows, "totals": totals, "as_of": as_of})
