"""One task: its page (colour and reasons, progress with evidence, rounds, history), the town officer's
progress report, the supervisor's close-out (销号) and reopening (反弹重启), evidence downloads (404
outside scope)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from landcycle.accounts.scope import Area, scoped, write_or_404
from landcycle.registry.hooks import panels

from ..evidence import open_stored
from ..forms import CloseForm, ProgressForm, ReopenForm
from ..models import Round, RoundItem, TaskEvent
from ..pages import crumbs, is_supervisor, render_form, run_form
from ..policy import rectification_policy
from ..selectors import access_evidence, access_task, colour_of, reopenings, round_history
from ..services import progress as progress_services
from ..services.common import may_update_task


def _task_crumbs(task):
    return crumbs(
        (reverse("inspection_detail", args=[task.finding.inspection_id]), task.finding.inspection.title),
        (reverse("task_detail", args=[task.pk]), task.number),
    )


def task_detail(request, pk):
    user = request.user
    task = access_task(user, pk)
    as_of = timezone.localdate()
    history = round_history([task.pk]).get(task.pk, [])
    reports = list(task.reports.prefetch_related("evidence").order_by("-reported_on", "-pk"))
    items = list(task.round_items.select_related("round", "reviewed_by").order_by("-round__period_start"))
    open_item = next((i for i in items if i.round.status == Round.Status.OPEN), None)
    events = list(task.events.select_related("round").order_by("-on", "-pk"))
    return render(
        request,
        "rectification/task_detail.html",
        {
            "task": task,
            "panels": panels("task", task, request.user),  # what the stages above add (exits: linked cases)
            "tc": colour_of(
                task, as_of, history, reopenings([task.pk]).get(task.pk), rectification_policy(task.town.code)
            ),
            "as_of": as_of,
            "reports": reports,
            "evidence_files": [e for r in reports for e in r.evidence.all()],
            "items": items,
            "events": events,
            "parks": list(scoped(task.parks.select_related("town"), user)),
            "parcels": list(scoped(task.parcels.select_related("park"), user)),
            "enterprises": list(scoped(task.enterprises.all(), user)),
            "contracts": list(scoped(task.contracts.all(), user)),
            "can_update": may_update_task(user, task) and task.is_open,
            "can_supervise": is_supervisor(user),
            "can_link": may_update_task(user, task),
            "has_evidence": progress_services.evidence_since_reopen(task).exists(),
            "open_item": open_item,
            "reopened": next((e for e in events if e.kind == TaskEvent.Kind.REOPENED), None) if task.is_open else None,
            "crumbs": crumbs(
                (reverse("inspection_detail", args=[task.finding.inspection_id]), task.finding.inspection.title)
            ),
        },
    )


def progress_form(request, task, item=None):
    """The progress report of a task (for the open round's item when there is one)."""
    policy = rectification_policy(task.town.code)
    form = ProgressForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        policy=policy,
        initial={"version": task.version, "percent_done": task.percent_done},
    )
    report = run_form(
        request,
        form,
        lambda d: progress_services.progress_submit(
            actor=request.user,
            task=task,
            version=d["version"],
            percent_done=d["percent_done"],
            text=d["text"],
            files=d["files"],
            reported_on=d["reported_on"],
            request_close=d["request_close"],
            item=item,
        ),
        success=_("进展已报送，并已记入审计日志。"),
    )
    if report:
        return redirect(
            reverse("round_detail", args=[item.round_id]) if item else reverse("task_detail", args=[task.pk])
        )
    if item is None:
        item = RoundItem.objects.select_related("round").filter(task=task, round__status=Round.Status.OPEN).first()
    title = _("报送整改进展")
    return render_form(
        request,
        form,
        title=title,
        crumbs=_task_crumbs(task),
        cancel=reverse("task_detail", args=[task.pk]),
        extra={"task": task, "item": item, "context_line": f"{task.number} {task.title}"},
        template="rectification/progress_form.html",
    )


def task_update(request, pk):
    task = access_task(request.user, pk)
    if not may_update_task(request.user, task):
        raise Http404
    return progress_form(request, task)


@write_or_404(Area.RECTIFICATION)
def task_close(request, pk):
    task = access_task(request.user, pk)
    form = CloseForm(
        request.POST or None, user=request.user, initial={"version": task.version, "closed_on": timezone.localdate()}
    )
    saved = run_form(
        request, form, lambda d: progress_services.task_close(actor=request.user, task=task, **d), success=_("已销号。")
    )
    if saved:
        return redirect("task_detail", task.pk)
    evidence = list(progress_services.evidence_since_reopen(task).select_related("report").order_by("-pk"))
    return render_form(
        request,
        form,
        title=_("审核销号"),
        crumbs=_task_crumbs(task),
        cancel=reverse("task_detail", args=[task.pk]),
        intro=_("核查佐证材料后销号。没有佐证材料的任务不能销号；销号后如出现反弹，可重启整改。"),
        extra={
            "task": task,
            "evidence": evidence,
            "context_line": f"{task.number} {task.title}",
            "closed": not task.is_open,
        },
        template="rectification/close_form.html",
    )


@write_or_404(Area.RECTIFICATION)
def task_reopen(request, pk):
    task = access_task(request.user, pk)
    form = ReopenForm(
        request.POST or None, user=request.user, initial={"version": task.version, "reopened_on": timezone.localdate()}
    )
    saved = run_form(
        request,
        form,
        lambda d: progress_services.task_reopen(actor=request.user, task=task, **d),
        success=_("已重启整改。"),
    )
    if saved:
        return redirect("task_detail", task.pk)
    return render_form(
        request,
        form,
        title=_("反弹重启"),
        crumbs=_task_crumbs(task),
        cancel=reverse("task_detail", args=[task.pk]),
        intro=_("已销号的任务出现反弹时，写明反弹情况后重启；重启后责任单位重新报送进展，再次销号须有新的佐证材料。"),
        extra={"task": task, "context_line": f"{task.number} {task.title}", "not_closed": task.is_open},
    )


def evidence_download(request, pk):
    ev = access_evidence(request.user, pk)
    try:
        handle = open_stored(ev.path)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=ev.name)
