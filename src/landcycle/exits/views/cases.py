"""腾退案件: the list (filters, colours, export), the case page (timeline, inventory, money, links), opening a
case by hand or from a warning, changing its plan, the take-back record, cancelling and handing over."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from landcycle.accounts.scope import Area, access, can_write, in_scope, write_or_404
from landcycle.kit.listing import Filter, Listing, ListQuery, choice_list, export_format, export_response, kpi
from landcycle.rectification.models import Task
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Region
from landcycle.registry.selectors import held_q
from landcycle.supervision.models import Contract, Warning

from ..forms import CancelForm, CaseEditForm, CaseForm, CloseForm, TakebackForm, TasksForm
from ..models import Case, CaseStep
from ..selectors import came_after, cases, item_totals, today, with_colours
from ..services.cases import TAKEBACK_FIELDS, case_cancel, case_close, case_tasks_link, case_update, open_case
from ..services.common import is_county
from .common import access_case, form_page, may_write_case, run_form, writable_case_or_404

COLOURS = [("red", _("红")), ("yellow", _("黄")), ("green", _("绿")), ("grey", _("未能判定"))]


def case_rows(user, query):
    """The cases the list shows (scope, filters incl. colour, order): what its export writes as the vacating_cases
    ledger (kit.exports "vacating_cases")."""
    listing, qs = case_listing(ListQuery(user, query))
    rows = listing.ordered(qs)
    colour = query.get("colour", "")
    if colour in dict(COLOURS):
        shown = with_colours(rows.prefetch_related("steps"), as_of=today())
        rows = rows.filter(pk__in=[c.pk for c in shown if c.colour.colour == colour])
    return rows


def case_listing(request):
    user = request.user
    towns = Region.objects.filter(exit_cases__in=cases(user)).distinct().order_by("code")
    listing = Listing(
        request,
        search_fields=("number", "reason", "responsible_unit", "parcels__number", "enterprises__name"),
        search_label=_("案件编号、地块、企业或责任单位"),
        filters=[
            Filter("town", _("镇街"), [(t.code, t.name) for t in towns], "town__code"),
            Filter("state", _("状态"), choice_list(Case.State), "state"),
            Filter("kind", _("类型"), choice_list(Case.Kind), "kind"),
            Filter("ground", _("退出事由"), choice_list(Case.Ground), "ground"),
            Filter("colour", _("颜色"), [(v, str(lab)) for v, lab in COLOURS], lambda qs, v: qs),
        ],
        sorts={"number": ("number",), "opened": ("opened_on",), "deadline": ("deadline",)},
        default_order=("-opened_on",),
    )
    qs = listing.filtered(cases(user))
    return listing, (qs.distinct() if listing.q else qs)


def _rows(request):
    listing, qs = case_listing(request)
    rows = with_colours(listing.ordered(qs).prefetch_related("steps", "parcels__park", "enterprises"), as_of=today())
    chosen = request.GET.get("colour", "")
    if chosen in dict(COLOURS):
        rows = [c for c in rows if c.colour.colour == chosen]
    return listing, rows


def case_list(request):
    if export_format(request):
        return export_response(request, "vacating_cases")
    listing, rows = _rows(request)
    colours = [c.colour.colour for c in rows]
    kpis = [
        kpi(_("案件"), len(rows), _("件")),
        kpi(_("办理中"), sum(1 for c in rows if c.state == Case.State.OPEN), _("件")),
        kpi(_("红色"), colours.count("red"), _("件")),
        kpi(_("黄色"), colours.count("yellow"), _("件")),
        kpi(_("已移交"), sum(1 for c in rows if c.state == Case.State.CLOSED), _("件")),
    ]
    page = listing.page(rows)  # type: ignore[arg-type]
    return render(
        request,
        "exits/case_list.html",
        {
            "listing": listing,
            "page_obj": page,
            "kpis": kpis,
            "can_open": can_write(request.user, Area.EXITS),
            "can_takeback": is_county(request.user),
        },
    )


def _source_link(case: Case) -> str | None:
    if case.source_type is None or case.source_id is None:
        return None
    name = {"supervision.warning": "warning_detail", "rectification.task": "task_detail"}.get(
        f"{case.source_type.app_label}.{case.source_type.model}"
    )
    if name is None:
        return None
    try:
        return reverse(name, args=[case.source_id])
    except NoReverseMatch:
        return None


def case_detail(request, pk):
    user = request.user
    case = access_case(user, pk)
    case = (
        Case.objects.filter(pk=case.pk)
        .select_related("town", "source_type", "created_by")
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.prefetch_related("files").select_related("created_by")),
            "items__files",
            "money",
            "parcels__park",
            "enterprises",
        )
        .get()
    )
    case.colour = with_colours([case], as_of=today())[0].colour
    writer = may_write_case(user, case) and case.state == Case.State.OPEN
    return render(
        request,
        "exits/case_detail.html",
        {
            "case": case,
            "steps": list(case.steps.all()),
            "items": list(case.items.all()),
            "money": list(case.money.all()),
            "totals": item_totals(case),
            "parcels": list(case.parcels.all()),
            "area_mu": case.area_mu,
            "enterprises": list(case.enterprises.all()),
            "case_files": [f for f in case.files.all() if f.step_id is None and f.item_id is None],
            "source_url": _source_link(case),
            "after": came_after(case),
            "tasks": list(case.tasks.all()),
            "can_write": writer,
            "is_takeback": case.kind == Case.Kind.TAKEBACK,
        },
    )


GROUND_OF_RULE = {
    "lease.ended_not_vacated": "lease_ended",
    "idle.take_back": "idle_land",
    "idle.not_started": "idle_land",
    "idle.stalled": "idle_land",
    "enterprise.class": "d_class",
    "enterprise.tax_per_mu": "d_class",
}


def _warning_subject(w: Warning) -> tuple[list[Parcel], list[Enterprise]]:
    """The parcels and firms a warning is about: a parcel and who holds it, a firm and the land it holds, a
    contract's parcels and holder."""
    on = today()
    if w.subject_type == Warning.SubjectType.PARCEL:
        parcels = list(Parcel.objects.filter(pk=w.subject_id))
        firms = list(
            Enterprise.objects.filter(occupancies__in=Occupancy.objects.filter(held_q(on), parcel__in=parcels))
        )
    elif w.subject_type == Warning.SubjectType.ENTERPRISE:
        firms = list(Enterprise.objects.filter(pk=w.subject_id))
        held = Occupancy.objects.filter(held_q(on), enterprise__in=firms, parcel__park__town=w.town)
        parcels = list(Parcel.objects.filter(occupancies__in=held))
    else:
        contract = Contract.objects.filter(pk=w.subject_id).first()
        parcels = list(contract.parcels.all()) if contract else []
        firms = [contract.holder] if contract and contract.holder_id else []
    return list(dict.fromkeys(parcels)), list(dict.fromkeys(firms))


def _initial_from_warning(request, w: Warning | None, kind: str) -> dict:
    initial = {"opened_on": today()}
    if w is None:
        return initial
    parcels, firms = _warning_subject(w)
    initial.update(
        town=w.town.code,
        ground=GROUND_OF_RULE.get(w.rule, "idle_land" if kind == Case.Kind.TAKEBACK else "lease_ended"),
        parcels=" ".join(p.number for p in parcels),
        enterprises="，".join(e.uscc for e in firms),
        reason=f"{w.subject_label}：{w.reason_zh}",
    )
    return initial


@write_or_404(Area.EXITS)
def case_new(request):
    """立案: by hand, or from a warning (``?warning=<id>``: prefilled and linked); ``?kind=takeback`` (the county)."""
    user = request.user
    kind = Case.Kind.TAKEBACK if request.GET.get("kind") == "takeback" else Case.Kind.VACATING
    if kind == Case.Kind.TAKEBACK and not is_county(user):
        raise Http404
    warning = None
    if request.GET.get("warning"):
        warning = access(Warning.objects.select_related("town"), user, pk=request.GET["warning"])
        if not in_scope(user, warning.town):
            raise Http404
    form = CaseForm(request.POST or None, user=user, initial=_initial_from_warning(request, warning, kind))

    def write(d):
        town = Region.objects.get(code=d["town"])
        return open_case(
            user,
            kind=kind,
            ground=d["ground"],
            town=town,
            parcels=[p for p in d["parcels"].replace("，", " ").replace(",", " ").split() if p],
            enterprises=[e for e in d["enterprises"].replace("，", ",").split(",") if e.strip()],
            responsible_unit=d["responsible_unit"],
            responsible_person=d["responsible_person"],
            planned_start=d["planned_start"],
            deadline=d["deadline"],
            reason=d["reason"],
            source=warning,
            opened_on=d["opened_on"],
        )

    case = run_form(request, form, write, _("已立案，并已记入审计日志。"))
    if case:
        return redirect("exit_case_detail", case.pk)
    title = _("登记闲置土地收回") if kind == Case.Kind.TAKEBACK else _("腾退立案")
    intro = _("来源预警：%(w)s") % {"w": warning} if warning else ""
    return form_page(request, form, title=title, back=reverse("exit_case_list"), intro=intro)


def case_edit(request, pk):
    """The plan of an open case; for a take-back (the county) also its decision, notice, hearing, reserve."""
    case = writable_case_or_404(request.user, pk)
    takeback = case.kind == Case.Kind.TAKEBACK
    names = ["ground", "responsible_unit", "responsible_person", "planned_start", "deadline", "reason"]
    names += sorted(TAKEBACK_FIELDS) if takeback else []
    initial = {n: getattr(case, n) for n in names}
    form_class = TakebackForm if takeback else CaseEditForm
    form = form_class(request.POST or None, user=request.user, initial=initial, version=case.version)

    def write(d):
        values = {n: d.get(n) for n in names}
        return case_update(actor=request.user, case=case, expected_version=d.get("version"), **values)

    if run_form(request, form, write, _("已保存，并已记入审计日志。")):
        return redirect("exit_case_detail", case.pk)
    title = _("收回决定与听证") if takeback else _("修改计划")
    return form_page(request, form, title=title, back=reverse("exit_case_detail", args=[case.pk]), case=case)


def case_close_view(request, pk):
    case = writable_case_or_404(request.user, pk)
    form = CloseForm(request.POST or None, user=request.user, initial={"on": today()})

    def write(d):
        return case_close(
            actor=request.user,
            case=case,
            on=d["on"],
            handover_to=d["handover_to"],
            people=d["people"],
            minutes=d["minutes"],
        )

    if run_form(request, form, write, _("已验收移交：用地关系已终止，地块转为储备（可供地）。")):
        return redirect("exit_case_detail", case.pk)
    return form_page(
        request,
        form,
        title=_("验收移交"),
        back=reverse("exit_case_detail", args=[case.pk]),
        case=case,
        intro=_("移交后：地块上的用地关系在移交日终止，无其他用地的企业标为迁出，地块转为储备（可供地），可再次供地。"),
    )


def case_cancel_view(request, pk):
    case = writable_case_or_404(request.user, pk)
    form = CancelForm(request.POST or None, user=request.user, initial={"on": today()})

    def write(d):
        return case_cancel(actor=request.user, case=case, on=d["on"], reason=d["reason"])

    if run_form(request, form, write, _("案件已撤销。")):
        return redirect("exit_case_detail", case.pk)
    return form_page(request, form, title=_("撤销案件"), back=reverse("exit_case_detail", args=[case.pk]), case=case)


def case_tasks(request, pk):
    """Link the case to its town's rectification tasks (整改任务): the link the rectification ledger lacked."""
    case = writable_case_or_404(request.user, pk)
    choices = [(str(t.pk), f"{t.number} {t.title}") for t in Task.objects.filter(town=case.town).order_by("number")]
    form = TasksForm(
        request.POST or None,
        user=request.user,
        choices=choices,
        initial={"tasks": [str(pk) for pk in case.tasks.values_list("pk", flat=True)]},
    )

    def write(d):
        return case_tasks_link(actor=request.user, case=case, tasks=[int(x) for x in d["tasks"]])

    if run_form(request, form, write, _("已关联整改任务，并已记入审计日志。")):
        return redirect("exit_case_detail", case.pk)
    return form_page(
        request, form, title=_("关联整改任务"), back=reverse("exit_case_detail", args=[case.pk]), case=case
    )
