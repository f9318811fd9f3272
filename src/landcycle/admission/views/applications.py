"""项目准入申请: the list (filters, export), the application page (rule table, opinions, decisions, revisions,
documents, the buttons of the user's role), the registration form and the actions behind the buttons."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from landcycle.accounts.scope import Area, access, can_write, in_scope, write_or_404
from landcycle.kit import uploads
from landcycle.kit.listing import Filter, Listing, ListQuery, choice_list, export_format, export_response, kpi
from landcycle.registry.models import Park, Region
from landcycle.rules.admission.application import FIGURE_FIELDS, FIGURES
from landcycle.rules.problems import Problem, RuleError

from ..forms import ApplicationForm, DecisionForm, OpinionForm, SignForm, application_initial
from ..models import Application, Document, Opinion, Revision
from ..services.applications import (
    DOCUMENT_FOLDER,
    application_register,
    application_submit,
    application_update,
    document_attach,
)
from ..services.review import application_decide, contract_sign, opinion_record
from ..services.rules import is_county_admin
from .common import applications, tell_problems

S = Application.Status
VERDICTS = [("pass", _("符合准入规则")), ("fail", _("不符合准入规则")), ("none", _("未审查"))]


def _verdict(qs, value):
    if value == "none":
        return qs.filter(revisions__isnull=True)
    latest = list(qs.values_list("pk", flat=True))
    last: dict[int, tuple[int, bool]] = {}
    for app_id, number, passed in Revision.objects.filter(application_id__in=latest).values_list(
        "application_id", "number", "passed"
    ):
        if number >= last.get(app_id, (0, None))[0]:
            last[app_id] = (number, passed)
    want = value == "pass"
    return qs.filter(pk__in=[k for k, (_n, p) in last.items() if p == want])


def application_listing(request) -> tuple[Listing, object]:
    """The list's listing (search, filters, sorts from ``request.GET``) and its scoped, filtered rows; ``request``
    is a request or a ``ListQuery`` (an export job)."""
    user = request.user
    towns = Region.objects.filter(level=Region.Level.TOWN, applications__in=applications(user)).distinct()
    parks = Park.objects.filter(applications__in=applications(user)).distinct().order_by("code")
    listing = Listing(
        request,
        search_fields=("number", "project", "applicant_name", "enterprise__name"),
        search_label=_("申请编号、项目或申请单位"),
        filters=[
            Filter("status", _("状态"), choice_list(S), "status"),
            Filter("town", _("镇街"), [(t.code, t.name) for t in towns.order_by("code")], "town__code"),
            Filter("park", _("园区"), [(p.code, p.name) for p in parks], "park__code"),
            Filter("verdict", _("审查结论"), [(v, str(lab)) for v, lab in VERDICTS], _verdict),
        ],
        sorts={"number": ("number",), "project": ("project",), "status": ("status", "number")},
        default_order=("-pk",),
    )
    return listing, listing.filtered(applications(user))


def application_rows(user, query):
    """The applications the list shows (scope, filters, order): what its export writes as the applications
    ledger (``ledgers.kinds`` "applications")."""
    listing, qs = application_listing(ListQuery(user, query))
    rows = listing.ordered(qs.distinct() if listing.q else qs)
    rows.listing = listing
    return rows


def application_list(request):
    listing, qs = application_listing(request)
    if export_format(request):
        return export_response(request, "applications")
    rows = listing.ordered(qs.distinct() if listing.q else qs)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    kpis = [
        kpi(_("申请"), sum(counts.values()), _("件")),
        kpi(_("待审"), counts.get(S.SUBMITTED, 0), _("件")),
        kpi(_("准予入园"), counts.get(S.ADMITTED, 0), _("件")),
        kpi(_("不予准入"), counts.get(S.REJECTED, 0), _("件")),
        kpi(_("退回修改"), counts.get(S.RETURNED, 0), _("件")),
    ]
    page = listing.page(rows.prefetch_related("revisions"))
    for a in page.object_list:
        revs = sorted(a.revisions.all(), key=lambda r: r.number)
        a.last = revs[-1] if revs else None
    return render(
        request,
        "admission/application_list.html",
        {"listing": listing, "page_obj": page, "kpis": kpis, "can_edit": can_write(request.user, Area.ADMISSION)},
    )


def _buttons(user, a: Application) -> dict:
    writer = can_write(user, Area.ADMISSION) and in_scope(user, a.town)
    county = is_county_admin(user)
    return {
        "can_edit": writer and a.status in (S.DRAFT, S.RETURNED),
        "can_review": county and a.status == S.SUBMITTED,
        "can_sign": a.status == S.ADMITTED
        and a.contract_id is None
        and can_write(user, Area.CONTRACTS)
        and in_scope(user, a.town),
        "can_upload": writer and a.status not in (S.REJECTED,),
    }


def application_detail(request, pk):
    user = request.user
    a = access(applications(user), user, pk=pk)
    if request.method == "POST":
        return application_action(request, a)
    revisions = list(a.revisions.select_related("submitted_by").order_by("-number"))
    latest = revisions[0] if revisions else None
    opinions = list(a.opinions.select_related("by", "revision").order_by("-revision__number", "department"))
    current = {o.department: o for o in opinions if latest and o.revision_id == latest.pk}
    departments = [(value, label, current.get(value)) for value, label in Opinion.Department.choices]
    ctx = {
        "a": a,
        "latest": latest,
        "revisions": revisions,
        "departments": departments,
        "opinions": opinions,
        "decisions": list(a.decisions.select_related("by", "revision").order_by("-pk")),
        "documents": list(a.documents.select_related("uploaded_by")),
        "parcels": list(a.parcels.select_related("park")),
        "figures": [(FIGURES[n][0], getattr(a, n), FIGURES[n][2]) for n in FIGURE_FIELDS],
        "opinion_form": OpinionForm(),
        "decision_form": DecisionForm(),
        "sign_form": SignForm(initial={"number": f"HT-{a.number}"}),
        **_buttons(user, a),
    }
    return render(request, "admission/application_detail.html", ctx)


def _form_page(request, form, title, cancel, a=None):
    return render(request, "admission/form.html", {"form": form, "title": title, "cancel": cancel, "a": a})


@write_or_404(Area.ADMISSION)
def application_create(request):
    form = ApplicationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            a = application_register(actor=request.user, **form.values())
        except RuleError as exc:
            form.attach_problems(exc.problems)
        else:
            messages.success(request, _("已登记为草稿，并已记入审计日志。核对无误后请提交审查。"))
            return redirect("application_detail", a.pk)
    return _form_page(request, form, _("登记项目准入申请"), reverse("application_list"))


@write_or_404(Area.ADMISSION)
def application_edit(request, pk):
    a = access(applications(request.user), request.user, pk=pk)
    if not _buttons(request.user, a)["can_edit"]:
        raise Http404
    form = ApplicationForm(request.POST or None, user=request.user, initial=application_initial(a), version=a.version)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            application_update(
                actor=request.user, application=a, expected_version=form.cleaned_data.get("version"), **values
            )
        except RuleError as exc:
            form.attach_problems(exc.problems)
        else:
            messages.success(request, _("已保存，并已记入审计日志。"))
            return redirect("application_detail", a.pk)
    return _form_page(request, form, _("修改项目准入申请"), reverse("application_detail", args=[a.pk]), a)


def _act(request, a, may, write, done: str):
    if not may(_buttons(request.user, a)):
        raise Http404
    try:
        result = write(a)
    except RuleError as exc:
        tell_problems(request, exc.problems)
        return None
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, done)
    return result


def _submit(request, a):
    return _act(
        request,
        a,
        lambda b: b["can_edit"],
        lambda a: application_submit(actor=request.user, application=a),
        _("已提交，已按今天有效的准入规则逐条审查。"),
    )


def _form_write(request, form, write):
    def run(a):
        if not form.is_valid():
            raise RuleError([Problem("form", "form", _("请完整填写表单"), "fill in the form")])
        return write(a, form.cleaned_data)

    return run


def _opinion(request, a):
    write = _form_write(
        request, OpinionForm(request.POST), lambda a, d: opinion_record(actor=request.user, application=a, **d)
    )
    return _act(request, a, lambda b: b["can_review"], write, _("联审意见已记录。"))


def _decide(request, a):
    write = _form_write(
        request, DecisionForm(request.POST), lambda a, d: application_decide(actor=request.user, application=a, **d)
    )
    return _act(request, a, lambda b: b["can_review"], write, _("决定已记录，并已记入审计日志。"))


def _sign(request, a):
    write = _form_write(
        request, SignForm(request.POST), lambda a, d: contract_sign(actor=request.user, application=a, **d)
    )
    c = _act(request, a, lambda b: b["can_sign"], write, _("合同已签订，自签订之日起纳入监管预警。"))
    return redirect("contract_detail", c.pk) if c is not None else None


def _upload(request, a):
    files = request.FILES.getlist("file")

    def write(a):
        if not files:
            raise RuleError([Problem("file", "admission.no_file", _("请选择要上传的文件"), "choose a file")])
        for f in files:
            document_attach(actor=request.user, application=a, name=f.name, content=f.read())

    return _act(request, a, lambda b: b["can_upload"], write, _("材料已上传。"))


ACTIONS = {"submit": _submit, "opinion": _opinion, "decide": _decide, "sign": _sign, "upload": _upload}


def application_action(request, a):
    """A button of the application page (POST ``action``): each checks the user's role and scope (404 when the
    button is not theirs), a refused write tells its problems and writes nothing."""
    act = ACTIONS.get(request.POST.get("action", ""))
    if act is None:
        raise Http404
    response = act(request, a)
    return (
        response if response is not None and hasattr(response, "status_code") else redirect("application_detail", a.pk)
    )


def document_download(request, pk):
    d = access(Document.objects.select_related("application__town"), request.user, pk=pk)
    try:
        f = uploads.open_stored(d.path, DOCUMENT_FOLDER)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(f, as_attachment=True, filename=d.name)
