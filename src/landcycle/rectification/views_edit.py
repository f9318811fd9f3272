"""The supervisor's pages that write the ledger: an inspection, a check held (one line from the ledger
page), a finding, a suggestion, a task. Others get 404. Every write goes through the services."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .forms import CheckForm, FindingForm, InspectionForm, SuggestionForm, TaskForm
from .pages import crumbs, render_form, require_supervisor, run_form
from .selectors import access_finding, access_inspection


def inspection_create(request):
    require_supervisor(request.user)
    form = InspectionForm(request.POST or None, user=request.user,
                          initial={"started_on": timezone.localdate(), "body": request.user.organisation})
    insp = run_form(request, form, lambda d: services.inspection_create(actor=request.user, **d))
    if insp:
        return redirect("inspection_detail", insp.pk)
    return render_form(request, form, title=_("登记检查"), crumbs=crumbs((reverse("inspection_list"), _("检查记录"))),
                       cancel=reverse("inspection_list"),
                       intro=_("巡视、巡察、巡视“回头看”或监督检查。登记后在检查页面录入发现的问题、意见建议和整改任务。"))


def check_create(request):
    """监督检查: the quick form of the ledger page posts here (and comes back to the ledger)."""
    require_supervisor(request.user)
    form = CheckForm(request.POST or None, user=request.user)
    insp = run_form(request, form, lambda d: services.check_record(
        actor=request.user, held_on=d["held_on"], regions=[d["region"]], body=d["body"], title=d["title"],
        summary=d["summary"]), success=_("已记录一次监督检查。"))
    if insp:
        nxt = request.POST.get("next", "")
        return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else reverse("rectification_ledger"))
    return render_form(request, form, title=_("记录监督检查"), crumbs=crumbs(), cancel=reverse("rectification_ledger"),
                       intro=_("每开展一次监督检查（实地督导、听取汇报等）记一行；发现问题的，再到该检查页面录入问题。"))


def finding_create(request, pk):
    require_supervisor(request.user)
    insp = access_inspection(request.user, pk)
    form = FindingForm(request.POST or None, user=request.user, initial={"found_on": insp.ended_on or insp.started_on})
    finding = run_form(request, form, lambda d: services.finding_create(actor=request.user, inspection=insp, **d))
    if finding:
        return redirect(reverse("inspection_detail", args=[insp.pk]) + f"#finding-{finding.pk}")
    return render_form(request, form, title=_("录入问题"), cancel=reverse("inspection_detail", args=[insp.pk]),
                       crumbs=crumbs((reverse("inspection_detail", args=[insp.pk]), insp.title)),
                       extra={"context_line": insp.title})


def suggestion_create(request, pk):
    require_supervisor(request.user)
    insp = access_inspection(request.user, pk)
    form = SuggestionForm(request.POST or None, user=request.user, inspection=insp,
                          initial={"made_on": insp.ended_on or insp.started_on})
    sug = run_form(request, form, lambda d: services.suggestion_create(actor=request.user, inspection=insp, **d))
    if sug:
        return redirect(reverse("inspection_detail", args=[insp.pk]) + "#suggestions")
    return render_form(request, form, title=_("录入意见建议"), cancel=reverse("inspection_detail", args=[insp.pk]),
                       crumbs=crumbs((reverse("inspection_detail", args=[insp.pk]), insp.title)),
                       extra={"context_line": insp.title})


def task_create(request, pk):
    require_supervisor(request.user)
    finding = access_finding(request.user, pk)
    insp = finding.inspection
    form = TaskForm(request.POST or None, user=request.user, initial={"assigned_on": timezone.localdate()})
    task = run_form(request, form, lambda d: services.task_create(actor=request.user, finding=finding, **d))
    if task:
        return redirect("task_detail", task.pk)
    return render_form(request, form, title=_("交办整改任务"), cancel=reverse("inspection_detail", args=[insp.pk]),
                       crumbs=crumbs((reverse("inspection_detail", args=[insp.pk]), insp.title)),
                       intro=_("每项任务写明责任单位、责任人、整改措施和整改时限；时限不得早于问题发现日期。"),
                       extra={"context_line": str(finding)})
