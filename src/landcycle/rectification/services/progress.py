"""Progress of a task (进展报送 with evidence), close-out (销号) and reopening on relapse (反弹重启). Every
write goes through the task's optimistic lock (:func:`.common.task_lock`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.registry.checks import raise_if
from landcycle.rules.problems import Problem

from ..checks import plausible_dates, progress_problems, reason_problems
from ..evidence import evidence_problems, store
from ..models import Evidence, ProgressReport, Round, RoundItem, Task, TaskEvent
from ..policy import rectification_policy
from .common import actor_name, record_event, require_update, task_lock


def _round_closed(item: RoundItem) -> Problem:
    r = item.round
    return Problem(
        "round",
        "round.closed",
        f"{r.label_zh}对账已结束（{r.closed_on}），不能再报送或修改",
        f"The reconciliation round {r.label_en} is closed ({r.closed_on}): it cannot be changed",
    )


@transaction.atomic
def progress_submit(
    *,
    actor: User,
    task: Task,
    version: int | str | None,
    percent_done: int,
    text: str,
    files: Iterable[UploadedFile] = (),
    reported_on: dt.date | None = None,
    request_close: bool = False,
    item: RoundItem | None = None,
) -> ProgressReport:
    """Report progress on a task, with evidence files. While a round is open the report is the task's
    update for that round (``item``, or the open round's item of the task)."""
    require_update(actor, task)
    files = list(files)
    today = timezone.localdate()
    reported_on = reported_on or today
    problems = progress_problems(percent_done=percent_done, text=text, reported_on=reported_on, today=today)
    problems += evidence_problems(files, rectification_policy(task.town.code))
    if not task.is_open:
        problems.append(
            Problem(
                "task",
                "task.closed",
                f"任务{task.number}已销号，不能再报送进展；如出现反弹，由纪检监督员重启",
                f"Task {task.number} is closed out: no more progress can be reported (the "
                f"supervisor reopens it on relapse)",
            )
        )
    if item is not None:
        if item.task_id != task.pk:
            raise ValueError("the round item is not one of this task")
        item = RoundItem.objects.select_for_update().select_related("round").get(pk=item.pk)
        if not item.round.is_open:
            problems.append(_round_closed(item))
    else:
        item = (
            RoundItem.objects.select_for_update()
            .select_related("round")
            .filter(task=task, round__status=Round.Status.OPEN)
            .first()
        )
    raise_if(problems)
    before = snapshot(task)
    task_lock(task, version, percent_done=percent_done, last_report_on=reported_on)
    report = ProgressReport.objects.create(
        task=task,
        round_item=item,
        reported_on=reported_on,
        percent_done=percent_done,
        text=text.strip(),
        request_close=request_close,
        reporter=actor if getattr(actor, "pk", None) else None,
        reporter_name=actor_name(actor),
    )
    stored = [store(f) for f in files]
    Evidence.objects.bulk_create(
        [
            Evidence(
                report=report,
                task=task,
                name=s.name,
                extension=s.extension,
                size=s.size,
                sha256=s.sha256,
                path=s.path,
                uploaded_by=report.reporter,
            )
            for s in stored
        ]
    )
    if item is not None:
        item.report, item.submitted_on, item.percent_reported = report, reported_on, percent_done
        item.update_text, item.decision = report.text, RoundItem.Decision.PENDING
        item.review_note, item.reviewed_by, item.reviewed_on = "", None, None
        item.save(
            update_fields=[
                "report",
                "submitted_on",
                "percent_reported",
                "update_text",
                "decision",
                "review_note",
                "reviewed_by",
                "reviewed_on",
            ]
        )
    note = report.text + ("（申请销号）" if request_close else "")
    record_event(
        task=task,
        kind=TaskEvent.Kind.PROGRESS,
        actor=actor,
        on=reported_on,
        round=item.round if item else None,
        from_status=task.status,
        percent_done=percent_done,
        note=note,
    )
    audit_record(
        actor=actor,
        action="task.progress",
        obj=task,
        region_code=task.town.code,
        before=before,
        after={
            **snapshot(task),
            "report": report.pk,
            "round_item": item.pk if item else None,
            "evidence_files": [{"name": s.name, "sha256": s.sha256, "size": s.size} for s in stored],
        },
    )
    return report


def evidence_since_reopen(task: Task) -> QuerySet:
    """The evidence that counts for a close-out: uploaded after the task was last reopened."""
    qs = Evidence.objects.filter(task=task)
    last = TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.REOPENED).order_by("-pk").first()
    if last is not None:
        qs = qs.filter(report__created_at__gt=last.at)
    return qs


@transaction.atomic
def task_close(
    *, actor: User, task: Task, version: int | str | None, note: str = "", closed_on: dt.date | None = None
) -> Task:
    """销号: the supervisor closes a task after checking its evidence. Refused without evidence (since the
    last reopening)."""
    require_write(actor, Area.RECTIFICATION, task.town, field="task")
    closed_on = closed_on or timezone.localdate()
    problems = []
    if not task.is_open:
        problems.append(
            Problem(
                "task",
                "closeout.closed",
                f"任务{task.number}已于{task.closed_on}销号",
                f"Task {task.number} was closed out on {task.closed_on}",
            )
        )
    elif not evidence_since_reopen(task).exists():
        problems.append(
            Problem(
                "evidence",
                "closeout.no_evidence",
                f"任务{task.number}没有佐证材料，不能销号：请责任单位先报送进展并上传佐证材料",
                f"Task {task.number} has no evidence: it cannot be closed out until the responsible "
                f"unit reports its progress with evidence files",
            )
        )
    problems += plausible_dates(closed_on=closed_on)
    if closed_on < task.assigned_on:
        problems.append(
            Problem(
                "closed_on",
                "closeout.date",
                f"销号日期早于交办日期{task.assigned_on}",
                f"The close-out date is before the task was assigned ({task.assigned_on})",
            )
        )
    raise_if(problems)
    before, old = snapshot(task), task.status
    task_lock(task, version, status=Task.Status.CLOSED, closed_on=closed_on, percent_done=100)
    record_event(
        task=task,
        kind=TaskEvent.Kind.CLOSED,
        actor=actor,
        on=closed_on,
        from_status=old,
        to_status=task.status,
        percent_done=100,
        note=(note or "").strip(),
    )
    audit_record(
        actor=actor,
        action="task.close",
        obj=task,
        region_code=task.town.code,
        before=before,
        after={**snapshot(task), "note": (note or "").strip()},
    )
    return task


@transaction.atomic
def task_reopen(
    *,
    actor: User,
    task: Task,
    version: int | str | None,
    reason: str,
    reopened_on: dt.date | None = None,
    deadline: dt.date | None = None,
) -> Task:
    """反弹重启: a closed task reopens on relapse, with its reason (and a new deadline when given). Its
    progress starts again from 0; the history keeps everything before."""
    require_write(actor, Area.RECTIFICATION, task.town, field="task")
    reopened_on = reopened_on or timezone.localdate()
    problems = reason_problems(
        "reason", reason, "reopen.reason", "重启须写明反弹情况（原因）", "Reopening needs the reason (what relapsed)"
    )
    if task.is_open:
        problems.append(
            Problem(
                "task",
                "reopen.not_closed",
                f"任务{task.number}尚未销号，无需重启",
                f"Task {task.number} is not closed out",
            )
        )
    elif reopened_on < task.closed_on:
        problems.append(
            Problem(
                "reopened_on",
                "reopen.date",
                f"重启日期早于销号日期{task.closed_on}",
                f"The reopening date is before the close-out ({task.closed_on})",
            )
        )
    problems += plausible_dates(reopened_on=reopened_on, deadline=deadline)
    if deadline is not None and deadline < reopened_on:
        problems.append(
            Problem(
                "deadline",
                "reopen.deadline",
                f"新的整改时限{deadline}早于重启日期",
                f"The new deadline {deadline} is before the reopening date",
            )
        )
    raise_if(problems)
    before, old = snapshot(task), task.status
    changes: dict[str, Any] = {"status": Task.Status.REOPENED, "closed_on": None, "percent_done": 0}
    if deadline is not None:
        changes["deadline"] = deadline
    task_lock(task, version, **changes)
    record_event(
        task=task,
        kind=TaskEvent.Kind.REOPENED,
        actor=actor,
        on=reopened_on,
        from_status=old,
        to_status=task.status,
        percent_done=0,
        note=reason.strip(),
    )
    audit_record(
        actor=actor,
        action="task.reopen",
        obj=task,
        region_code=task.town.code,
        before=before,
        after={**snapshot(task), "reason": reason.strip()},
    )
    return task
