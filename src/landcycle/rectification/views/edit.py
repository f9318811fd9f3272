"""The pages that record and correct the ledger: the supervisor's inspection, check held (one line from the
ledger page), finding, suggestion and task, new and edited; the town officer's links of their own town's
task. Others get 404. Every write goes through the services."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from landcycle.accounts.redirects import safe_next
from landcycle.accounts.scope import Area, write_or_404

from ..forms import CheckForm, FindingForm, InspectionForm, SuggestionForm, TaskForm, TaskLinksForm
from ..pages import crumbs, render_form, run_form
from ..selectors import access_finding, access_inspection, access_suggestion, access_task
from ..services import edit as edit_services
from ..services import ledger as ledger_services
from ..services.common import may_update_task


@write_or_404(Area.RECTIFICATION)
def inspection_create(request):
    form = InspectionForm(
        request.POST or None,
        user=request.user,
        initial={"started_on": timezone.localdate(), "body": request.user.organisation},
    )
    insp = run_form(request, form, lambda d: ledger_services.inspection_create(actor=request.user, **d))
    if insp:
        return redirect("inspection_detail", insp.pk)
    return render_form(
        request,
        form,
        title=_("登记检查"),
        crumbs=crumbs((reverse("inspection_list"), _("检查记录"))),
        cancel=reverse("inspection_list"),
        intro=_("巡视、巡察、巡视“回头看”或监督检查。登记后在检查页面录入发现的问题、意见建议和整改任务。"),
    )


@write_or_404(Area.RECTIFICATION)
def check_create(request):
    """监督检查: the quick form of the ledger page posts here (and comes back to the ledger)."""
    form = CheckForm(request.POST or None, user=request.user)
    insp = run_form(
        request,
        form,
        lambda d: ledger_services.check_record(
            actor=request.user,
            held_on=d["held_on"],
            regions=[d["region"]],
            body=d["body"],
            title=d["title"],
            summary=d["summary"],
        ),
        success=_("已记录一次监督检查。"),
    )
    if insp:
        return redirect(safe_next(request, reverse("rectification_ledger")))
    return render_form(
        request,
        form,
        title=_("记录监督检查"),
        crumbs=crumbs(),
        cancel=reverse("rectification_ledger"),
        intro=_("每开展一次监督检查（实地督导、听取汇报等）记一行；发现问题的，再到该检查页面录入问题。"),
    )


@write_or_404(Area.RECTIFICATION)
def finding_create(request, pk):
    insp = access_inspection(request.user, pk)
    form = FindingForm(request.POST or None, user=request.user, initial={"found_on": insp.ended_on or insp.started_on})
    finding = run_form(
        request, form, lambda d: ledger_services.finding_create(actor=request.user, inspection=insp, **d)
    )
    if finding:
        return redirect(reverse("inspection_detail", args=[insp.pk]) + f"#finding-{finding.pk}")
    return render_form(
        request,
        form,
        title=_("录入问题"),
        cancel=reverse("inspection_detail", args=[insp.pk]),
        crumbs=crumbs((reverse("inspection_detail", args=[insp.pk]), insp.title)),
        extra={"context_line": insp.title},
    )


@write_or_404(Area.RECTIFICATION)
def suggestion_create(request, pk):
    insp = access_inspection(request.user, pk)
    form = SuggestionForm(
        request.POST or None, user=request.user, inspection=insp, initial={"made_on": insp.ended_on or insp.started_on}
    )
    sug = run_form(request, form, lambda d: ledger_services.suggestion_create(actor=request.user, inspection=insp, **d))
    if sug:
        return redirect(reverse("inspection_detail", args=[insp.pk]) + "#suggestions")
    return render_form(
        request,
        form,
        title=_("录入意见建议"),
        cancel=reverse("inspection_detail", args=[insp.pk]),
        crumbs=crumbs((reverse("inspection_detail", args=[insp.pk]), insp.title)),
        extra={"context_line": insp.title},
    )


@write_or_404(Area.RECTIFICATION)
def task_create(request, pk):
    finding = access_finding(request.user, pk)
    insp = finding.inspection
    form = TaskForm(request.POST or None, user=request.user, initial={"assigned_on": timezone.localdate()})
    task = run_form(request, form, lambda d: ledger_services.task_create(actor=request.user, finding=finding, **d))
    if task:
        return redirect("task_detail", task.pk)
    return render_form(
        request,
        form,
        title=_("交办整改任务"),
        cancel=reverse("inspection_detail", args=[insp.pk]),
        crumbs=crumbs((reverse("inspection_detail", args=[insp.pk]), insp.title)),
        intro=_("每项任务写明责任单位、责任人、整改措施和整改时限；时限不得早于问题发现日期。"),
        extra={"context_line": str(finding)},
    )


# ------------------------------------------------------------------ edits (修改)
INSPECTION_FIELDS = ("kind", "title", "body", "started_on", "ended_on", "other_units", "summary")


@write_or_404(Area.RECTIFICATION)
def inspection_edit(request, pk):
    insp = access_inspection(request.user, pk)
    initial = {f: getattr(insp, f) for f in INSPECTION_FIELDS}
    initial["regions"] = list(insp.regions.values_list("pk", flat=True))
    form = InspectionForm(request.POST or None, user=request.user, initial=initial, version=insp.version)
    saved = run_form(
        request,
        form,
        lambda d: edit_services.inspection_update(
            actor=request.user, inspection=insp, expected_version=form.take_version(d), **d
        ),
    )
    if saved:
        return redirect("inspection_detail", insp.pk)
    back = reverse("inspection_detail", args=[insp.pk])
    return render_form(
        request,
        form,
        title=_("修改检查"),
        crumbs=crumbs((back, insp.title)),
        cancel=back,
        intro=_("修改后保留修改前后的内容，在检查页面的“修改记录”中可查。"),
        extra={"context_line": insp.title},
    )


@write_or_404(Area.RECTIFICATION)
def finding_edit(request, pk):
    finding = access_finding(request.user, pk)
    insp = finding.inspection
    form = FindingForm(
        request.POST or None,
        user=request.user,
        initial={"summary": finding.summary, "found_on": finding.found_on, "source_text": finding.source_text},
        version=finding.version,
    )
    saved = run_form(
        request,
        form,
        lambda d: edit_services.finding_update(
            actor=request.user, finding=finding, expected_version=form.take_version(d), **d
        ),
    )
    back = reverse("inspection_detail", args=[insp.pk])
    if saved:
        return redirect(back + f"#finding-{finding.pk}")
    return render_form(
        request,
        form,
        title=_("修改问题"),
        crumbs=crumbs((back, insp.title)),
        cancel=back,
        intro=_("发现日期不得晚于该问题下任务的交办日期和整改时限。"),
        extra={"context_line": f"{insp.title} · {finding}"},
    )


@write_or_404(Area.RECTIFICATION)
def suggestion_edit(request, pk):
    sug = access_suggestion(request.user, pk)
    insp = sug.inspection
    form = SuggestionForm(
        request.POST or None,
        user=request.user,
        inspection=insp,
        initial={"text": sug.text, "made_on": sug.made_on, "finding": sug.finding_id},
        version=sug.version,
    )
    saved = run_form(
        request,
        form,
        lambda d: edit_services.suggestion_update(
            actor=request.user, suggestion=sug, expected_version=form.take_version(d), **d
        ),
    )
    back = reverse("inspection_detail", args=[insp.pk])
    if saved:
        return redirect(back + "#suggestions")
    return render_form(
        request,
        form,
        title=_("修改意见建议"),
        crumbs=crumbs((back, insp.title)),
        cancel=back,
        extra={"context_line": f"{insp.title} · {sug}"},
    )


def _task_back(task):
    insp = task.finding.inspection
    back = reverse("task_detail", args=[task.pk])
    return back, crumbs((reverse("inspection_detail", args=[insp.pk]), insp.title), (back, task.number))


@write_or_404(Area.RECTIFICATION)
def task_edit(request, pk):
    """The supervisor corrects a task's fields and links (locked on the version the form showed)."""
    task = access_task(request.user, pk)
    form = TaskForm(request.POST or None, user=request.user, task=task)
    saved = run_form(request, form, lambda d: edit_services.task_update(actor=request.user, task=task, **d))
    back, trail = _task_back(task)
    if saved:
        return redirect(back)
    return render_form(
        request,
        form,
        title=_("修改整改任务"),
        crumbs=trail,
        cancel=back,
        intro=_(
            "修改责任单位、责任人、整改措施、时限或关联对象；调整整改时限须写明原因。"
            "每次修改记入任务的整改记录和审计日志。"
        ),
        extra={"context_line": f"{task.number} {task.title}"},
    )


def task_links_edit(request, pk):
    """The officer of the task's town links it to their town's parks, parcels, enterprises and contracts."""
    task = access_task(request.user, pk)
    if not may_update_task(request.user, task):
        raise Http404
    form = TaskLinksForm(request.POST or None, user=request.user, task=task)
    saved = run_form(
        request,
        form,
        lambda d: edit_services.task_links_update(actor=request.user, task=task, version=d["version"], **form.links()),
    )
    back, trail = _task_back(task)
    if saved:
        return redirect(back)
    return render_form(
        request,
        form,
        title=_("关联对象"),
        crumbs=trail,
        cancel=back,
        intro=_(
            "选择本任务涉及的园区、地块、企业和供地合同（仅限本镇街）；关联后在这些对象的页面上也能看到本任务。"
            "腾退案件在案件页的“关联整改任务”中关联。"
        ),
        extra={"context_line": f"{task.number} {task.title}"},
    )
