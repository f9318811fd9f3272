"""Edits (修改) of what the ledger recorded: an inspection, a finding, a suggestion and a task's fields (the
supervisor), and the objects a task is linked to (the officer of the task's town, or the supervisor with
the task's other fields).

Each edit runs the same checks as the creation, plus what an edit can break (an inspection moved after its
findings, a finding moved after its tasks), writes nothing on a problem, and records an audit row with the
before and after in the same transaction. A task's edit also goes through its optimistic lock (the version
the editor's form showed; someone else's update in between is a conflict) and leaves an event in the
task's history saying what changed. Moving a task's deadline needs a reason.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.audit.versions import bump, check_version
from landcycle.registry.checks import raise_if
from landcycle.registry.models import Region
from landcycle.rules.problems import Problem

from ..checks import (
    finding_date_problems,
    finding_problems,
    inspection_date_problems,
    inspection_problems,
    link_problems,
    scope_problems,
    suggestion_problems,
    task_problems,
)
from ..models import Finding, Inspection, Suggestion, Task, TaskEvent
from .common import (
    checked,
    inspection_snapshot,
    record_event,
    region_code,
    require_update,
    task_lock,
    task_snapshot,
)

TASK_FIELDS = ("title", "town", "department", "person", "measures", "assigned_on", "deadline")
LINK_FIELDS = ("parks", "parcels", "enterprises", "contracts")
LINK_KEYS = {"parks": "code", "parcels": "number", "enterprises": "uscc", "contracts": "number"}


def _not_dates(**values: object) -> list[str]:
    return [name for name, v in values.items() if v is not None and not isinstance(v, dt.date)]


def _label(model: type[Model], name: str) -> str:
    with translation.override("zh-hans"):
        return str(model._meta.get_field(name).verbose_name)


def _show(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, Region):
        return value.name
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _closed_problems(task: Task) -> list[Problem]:
    """A closed-out (已销号) task is frozen: it is reopened on relapse before anything about it changes."""
    if task.is_open:
        return []
    return [
        Problem(
            "task",
            "task.closed",
            f"任务{task.number}已销号，不能修改；如出现反弹，由纪检监督员重启后再修改",
            f"Task {task.number} is closed out and cannot be changed: the supervisor reopens it on relapse first",
        )
    ]


# ------------------------------------------------------------------ inspections, findings, suggestions
@transaction.atomic
def inspection_update(
    *,
    actor: User,
    inspection: Inspection,
    kind: str,
    title: str,
    body: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    regions: Iterable[Region] = (),
    other_units: str = "",
    summary: str = "",
    expected_version: int | str | None = None,
) -> Inspection:
    """Correct an inspection (its kind, title, body, dates, the regions and units inspected, its summary)."""
    require_write(actor, Area.RECTIFICATION)
    regions = list(regions)
    for region in regions:
        require_write(actor, Area.RECTIFICATION, region, field="regions")
    insp = Inspection.objects.select_for_update().get(pk=inspection.pk)
    check_version(insp, expected_version)  # the version the form was read at; a later edit is a conflict
    problems = inspection_problems(
        kind=kind,
        title=title,
        body=body,
        started_on=started_on,
        ended_on=ended_on,
        regions=regions,
        other_units=other_units,
        kinds=set(Inspection.Kind.values),
    )
    problems += inspection_date_problems(inspection=insp, started_on=started_on)
    before = inspection_snapshot(insp)
    insp.kind, insp.title, insp.body = kind, (title or "").strip(), (body or "").strip()
    insp.started_on, insp.ended_on = started_on, ended_on
    insp.other_units, insp.summary = (other_units or "").strip(), (summary or "").strip()
    checked(insp, problems, exclude=["recorded_by"] + _not_dates(started_on=started_on, ended_on=ended_on))
    insp.save()
    insp.regions.set(regions)
    after = inspection_snapshot(insp)
    if after != before:
        bump(insp)
        after["version"] = insp.version
        audit_record(
            actor=actor,
            action="inspection.update",
            obj=insp,
            region_code=region_code(regions),
            before=before,
            after=after,
        )
    return insp


@transaction.atomic
def finding_update(
    *,
    actor: User,
    finding: Finding,
    summary: str,
    found_on: dt.date,
    source_text: str = "",
    expected_version: int | str | None = None,
) -> Finding:
    """Correct a finding (问题): its summary, source text and date (not after its tasks were assigned)."""
    require_write(actor, Area.RECTIFICATION)
    f = Finding.objects.select_for_update().select_related("inspection").get(pk=finding.pk)
    check_version(f, expected_version)
    problems = finding_problems(inspection=f.inspection, summary=summary, found_on=found_on)
    problems += finding_date_problems(finding=f, found_on=found_on)
    before = snapshot(f)
    f.summary, f.found_on, f.source_text = (summary or "").strip(), found_on, (source_text or "").strip()
    checked(f, problems, exclude=["found_on"] if not isinstance(found_on, dt.date) else ())
    f.save()
    after = snapshot(f)
    if after != before:
        bump(f)
        after["version"] = f.version
        audit_record(
            actor=actor,
            action="finding.update",
            obj=f,
            before=before,
            after=after,
            region_code=region_code(f.inspection.regions.all()),
        )
    return f


@transaction.atomic
def suggestion_update(
    *,
    actor: User,
    suggestion: Suggestion,
    text: str,
    made_on: dt.date,
    finding: Finding | None = None,
    expected_version: int | str | None = None,
) -> Suggestion:
    """Correct a suggestion (意见建议): its text, date and the finding it concerns."""
    require_write(actor, Area.RECTIFICATION)
    s = Suggestion.objects.select_for_update().select_related("inspection").get(pk=suggestion.pk)
    check_version(s, expected_version)
    problems = suggestion_problems(inspection=s.inspection, text=text, made_on=made_on, finding=finding)
    before = snapshot(s)
    s.text, s.made_on, s.finding = (text or "").strip(), made_on, finding
    checked(s, problems, exclude=["made_on"] if not isinstance(made_on, dt.date) else ())
    s.save()
    after = snapshot(s)
    if after != before:
        bump(s)
        after["version"] = s.version
        audit_record(
            actor=actor,
            action="suggestion.update",
            obj=s,
            before=before,
            after=after,
            region_code=region_code(s.inspection.regions.all()),
        )
    return s


# ------------------------------------------------------------------ tasks
def _link_changes(task: Task, links: dict[str, list[Any]]) -> list[str]:
    out = []
    for field, objs in links.items():
        key = LINK_KEYS[field]
        old = {getattr(o, key): o for o in getattr(task, field).all()}
        new = {getattr(o, key): o for o in objs}
        added = [str(new[k]) for k in sorted(set(new) - set(old))]
        removed = [str(old[k]) for k in sorted(set(old) - set(new))]
        if added or removed:
            parts = ([f"增加 {'、'.join(added)}"] if added else []) + (
                [f"移除 {'、'.join(removed)}"] if removed else []
            )
            out.append(f"{_label(Task, field)}：{'，'.join(parts)}")
    return out


def _set_links(task: Task, links: dict[str, list[Any]]) -> None:
    for field, objs in links.items():
        getattr(task, field).set(objs)


@transaction.atomic
def task_update(
    *,
    actor: User,
    task: Task,
    version: int | str | None,
    title: str,
    town: Region | None,
    department: str,
    person: str,
    measures: str,
    assigned_on: dt.date | None,
    deadline: dt.date | None,
    note: str = "",
    parks: Iterable[Model] = (),
    parcels: Iterable[Model] = (),
    enterprises: Iterable[Model] = (),
    contracts: Iterable[Model] = (),
) -> Task:
    """The supervisor corrects a task: its responsible unit and person, measures, dates and linked objects.
    Refused like a new task (no unit, no deadline, a deadline before the finding …); moving the deadline
    needs a reason (``note``). The task's history says what changed."""
    require_write(actor, Area.RECTIFICATION, task.town, field="task")
    if town is not None:
        require_write(actor, Area.RECTIFICATION, town, field="town")
    links = {
        "parks": list(parks),
        "parcels": list(parcels),
        "enterprises": list(enterprises),
        "contracts": list(contracts),
    }
    note = (note or "").strip()
    problems = _closed_problems(task)
    problems += task_problems(
        finding=task.finding,
        town=town,
        department=department,
        title=title,
        measures=measures,
        assigned_on=assigned_on,
        deadline=deadline,
    )
    problems += link_problems(town=town, **links) + scope_problems(actor, **links)
    values = {
        "title": (title or "").strip(),
        "town": town,
        "department": (department or "").strip(),
        "person": (person or "").strip(),
        "measures": (measures or "").strip(),
        "assigned_on": assigned_on,
        "deadline": deadline,
    }
    if isinstance(deadline, dt.date) and deadline != task.deadline and not note:
        problems.append(
            Problem(
                "note",
                "task.deadline_reason",
                f"调整整改时限（{task.deadline.isoformat()} → {deadline.isoformat()}）须写明原因",
                f"Moving the deadline ({task.deadline.isoformat()} → {deadline.isoformat()}) needs a reason",
            )
        )
    candidate = copy.copy(task)  # the task as it would be, for Django's field checks
    for name, value in values.items():
        setattr(candidate, name, value)
    exclude = ["created_by"] + [name for name in ("town", "deadline", "assigned_on") if values[name] is None]
    checked(candidate, problems, exclude=exclude + _not_dates(deadline=deadline, assigned_on=assigned_on))
    changes = [
        f"{_label(Task, name)}：{_show(getattr(task, name))} → {_show(values[name])}"
        for name in TASK_FIELDS
        if getattr(task, name) != values[name]
    ]
    changes += _link_changes(task, links)
    if not changes:
        return task
    before = task_snapshot(task)
    task_lock(task, version, **values)
    _set_links(task, links)
    text = "；".join(changes) + (f"（说明：{note}）" if note else "")
    record_event(
        task=task, kind=TaskEvent.Kind.EDITED, actor=actor, on=timezone.localdate(), from_status=task.status, note=text
    )
    audit_record(
        actor=actor,
        action="task.update",
        obj=task,
        region_code=task.town.code,
        before=before,
        after={**task_snapshot(task), "note": note},
    )
    return task


@transaction.atomic
def task_links_update(
    *,
    actor: User,
    task: Task,
    version: int | str | None,
    parks: Iterable[Model] = (),
    parcels: Iterable[Model] = (),
    enterprises: Iterable[Model] = (),
    contracts: Iterable[Model] = (),
) -> Task:
    """The officer of the task's town (the supervisor for a county department's task) sets the parks,
    parcels, enterprises and contracts the task concerns — each in the task's town and in their own scope.
    Goes through the task's lock like any other write to the task."""
    require_update(actor, task)
    links = {
        "parks": list(parks),
        "parcels": list(parcels),
        "enterprises": list(enterprises),
        "contracts": list(contracts),
    }
    raise_if(_closed_problems(task) + link_problems(town=task.town, **links) + scope_problems(actor, **links))
    changes = _link_changes(task, links)
    if not changes:
        return task
    before = task_snapshot(task)
    task_lock(task, version)
    _set_links(task, links)
    record_event(
        task=task,
        kind=TaskEvent.Kind.LINKED,
        actor=actor,
        on=timezone.localdate(),
        from_status=task.status,
        note="；".join(changes),
    )
    audit_record(
        actor=actor, action="task.links", obj=task, region_code=task.town.code, before=before, after=task_snapshot(task)
    )
    return task
