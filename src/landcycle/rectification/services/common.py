"""What the rectification services share: who may update a task (the one rule, also used by the pages),
the task's optimistic lock, the events of a task's history, the snapshots the audit rows keep, and the
check that joins the domain problems with Django's field checks.

Two people never overwrite each other: every write to a task is ``UPDATE … SET version = version + 1
WHERE id = … AND version = <the version the writer's form showed>`` (:func:`task_lock`). When someone else
wrote first, no row matches and the second writer gets a bilingual conflict problem; nothing of theirs is
written (the transaction rolls back) and they reload the page to see the other update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Model

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, can_write, in_scope, require_write
from landcycle.audit.services import snapshot
from landcycle.registry.checks import field_problems, raise_if
from landcycle.registry.models import Region
from landcycle.rules.problems import Problem, RuleError

from ..models import Inspection, Round, Task, TaskEvent

# A TaskEvent.Kind. Django ships no type information here (no django-stubs): mypy would read a choice as
# the (value, label) tuple of its declaration.
EventKind = Any


def task_update_area(task: Task) -> Area:
    """The area whose writers update ``task``: town officers report the progress of their town's tasks; the
    progress of a county department's task is entered by the supervisor (纪委 collects the departments'
    reports)."""
    return Area.RECTIFICATION_UPDATE if task.town.level == Region.Level.TOWN else Area.RECTIFICATION


def may_update_task(user: User, task: Task) -> bool:
    """May ``user`` update ``task`` (report its progress, set its links)? The one rule: the pages ask it to
    show the buttons, the services (:func:`require_update`) to allow the write."""
    return can_write(user, task_update_area(task)) and in_scope(user, task.town)


def require_update(actor: User, task: Task) -> None:
    """Refuse (like every write: PermissionDenied for the role, a problem for the region) an update of
    ``task`` that :func:`may_update_task` does not allow."""
    require_write(actor, task_update_area(task), task.town, field="task")


def checked(obj: Model, problems: list[Problem], exclude: Iterable[str] = ()) -> None:
    """Raise the domain ``problems`` with Django's field checks of ``obj`` (those of fields not already named)."""
    named = {p.field for p in problems}
    problems += [p for p in field_problems(obj, exclude=list(exclude)) if p.field not in named]
    raise_if(problems)


def region_code(regions: Iterable[Region]) -> str:
    """The region an audit row is filed under: the one region, else the county of the first."""
    codes = sorted(r.code for r in regions)
    return codes[0] if len(codes) == 1 else (codes[0][:6] if codes else "")


def inspection_snapshot(insp: Inspection) -> dict:
    return {**snapshot(insp), "regions": sorted(insp.regions.values_list("code", flat=True))}


def task_snapshot(task: Task) -> dict:
    return {
        **snapshot(task),
        "parks": sorted(task.parks.values_list("code", flat=True)),
        "parcels": sorted(task.parcels.values_list("number", flat=True)),
        "enterprises": sorted(task.enterprises.values_list("uscc", flat=True)),
        "contracts": sorted(task.contracts.values_list("number", flat=True)),
    }


def actor_name(actor: User) -> str:
    """The name shown in a task's history: the person's name, else the user name."""
    return (getattr(actor, "display_name", "") or getattr(actor, "username", None) or "system")[:150]


def conflict_problem(task: Task, seen: int) -> Problem:
    current = Task.objects.filter(pk=task.pk).values_list("version", flat=True).first()
    return Problem(
        "version",
        "task.conflict",
        f"任务{task.number}已被他人更新（您打开时为第{seen}版，现为第{current}版），您的修改未保存。"
        f"请刷新页面，查看最新情况后重新填写。",
        f"Task {task.number} was changed by someone else while you were editing (you saw version {seen}, "
        f"it is now version {current}); your change was not saved. Reload the page, read the latest "
        f"update and enter yours again.",
    )


def task_lock(task: Task, version: int | str | None, **changes: Any) -> Task:
    """Apply ``changes`` only if the task is still at ``version`` (optimistic lock); refresh ``task``."""
    try:
        seen = int(version)  # type: ignore[arg-type]  # None or junk from a form: refused just below
    except (TypeError, ValueError):
        raise RuleError(
            [
                Problem(
                    "version",
                    "task.version",
                    "缺少任务版本号，请刷新页面后重试",
                    "The task's version is missing: reload the page and try again",
                )
            ]
        ) from None
    if not Task.objects.filter(pk=task.pk, version=seen).update(version=F("version") + 1, **changes):
        raise RuleError([conflict_problem(task, seen)])
    task.refresh_from_db()
    return task


def record_event(
    *,
    task: Task,
    kind: EventKind,
    actor: User,
    on: dt.date,
    round: Round | None = None,
    from_status: str = "",
    to_status: str = "",
    percent_done: int | None = None,
    note: str = "",
) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task,
        kind=kind,
        on=on,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name(actor),
        round=round,
        from_status=from_status,
        to_status=to_status or from_status,
        percent_done=percent_done,
        note=note,
    )
