"""What the rectification ledger records: inspections (巡视、巡察、“回头看”、监督检查) and the checks held,
their findings (问题) and suggestions (意见建议), and the tasks (整改任务) assigned to a responsible unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Model, QuerySet

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.registry.models import Region

from ..checks import (
    finding_problems,
    inspection_problems,
    link_problems,
    scope_problems,
    suggestion_problems,
    task_problems,
)
from ..models import Finding, Inspection, Suggestion, Task, TaskEvent
from .common import checked, inspection_snapshot, record_event, region_code, task_snapshot

CHECK_TITLE = "监督检查"


# ------------------------------------------------------------------ inspections
@transaction.atomic
def inspection_create(
    *,
    actor: User,
    kind: str,
    title: str,
    body: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    regions: Iterable[Region] = (),
    other_units: str = "",
    summary: str = "",
) -> Inspection:
    """Record an inspection (巡视、巡察、“回头看”、监督检查) and the regions it covered."""
    require_write(actor, Area.RECTIFICATION)
    regions = list(regions)
    for region in regions:
        require_write(actor, Area.RECTIFICATION, region, field="regions")
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
    insp = Inspection(
        kind=kind,
        title=(title or "").strip(),
        body=(body or "").strip(),
        started_on=started_on,
        ended_on=ended_on,
        other_units=(other_units or "").strip(),
        summary=(summary or "").strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    checked(insp, problems, exclude=["started_on"] if not isinstance(started_on, dt.date) else ())
    insp.save()
    insp.regions.set(regions)
    audit_record(
        actor=actor,
        action="inspection.create",
        obj=insp,
        region_code=region_code(regions),
        after=inspection_snapshot(insp),
    )
    return insp


def check_record(
    *, actor: User, held_on: dt.date, regions: Iterable[Region], body: str, title: str = "", summary: str = ""
) -> Inspection:
    """A supervision check held (监督检查): one line on the ledger page."""
    return inspection_create(
        actor=actor,
        kind=Inspection.Kind.CHECK,
        title=(title or "").strip() or CHECK_TITLE,
        body=body,
        started_on=held_on,
        ended_on=held_on,
        regions=regions,
        summary=summary,
    )


# ------------------------------------------------------------------ findings and suggestions
def _next_number(qs: QuerySet) -> int:
    return (qs.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def finding_create(
    *,
    actor: User,
    inspection: Inspection,
    summary: str,
    found_on: dt.date,
    source_text: str = "",
    number: int | None = None,
) -> Finding:
    require_write(actor, Area.RECTIFICATION)
    problems = finding_problems(inspection=inspection, summary=summary, found_on=found_on)
    finding = Finding(
        inspection=inspection,
        summary=(summary or "").strip(),
        found_on=found_on,
        source_text=(source_text or "").strip(),
        number=number or _next_number(Finding.objects.filter(inspection=inspection)),
    )
    checked(finding, problems, exclude=["found_on"] if not isinstance(found_on, dt.date) else ())
    finding.save()
    audit_record(
        actor=actor,
        action="finding.create",
        obj=finding,
        after=snapshot(finding),
        region_code=region_code(inspection.regions.all()),
    )
    return finding


@transaction.atomic
def suggestion_create(
    *,
    actor: User,
    inspection: Inspection,
    text: str,
    made_on: dt.date,
    finding: Finding | None = None,
    number: int | None = None,
) -> Suggestion:
    require_write(actor, Area.RECTIFICATION)
    problems = suggestion_problems(inspection=inspection, text=text, made_on=made_on, finding=finding)
    sug = Suggestion(
        inspection=inspection,
        finding=finding,
        text=(text or "").strip(),
        made_on=made_on,
        number=number or _next_number(Suggestion.objects.filter(inspection=inspection)),
    )
    checked(sug, problems, exclude=["made_on"] if not isinstance(made_on, dt.date) else ())
    sug.save()
    audit_record(
        actor=actor,
        action="suggestion.create",
        obj=sug,
        after=snapshot(sug),
        region_code=region_code(inspection.regions.all()),
    )
    return sug


# ------------------------------------------------------------------ tasks
def _next_task_number(finding: Finding) -> str:
    taken = set(Task.objects.filter(finding=finding).values_list("number", flat=True))
    k = 1
    while f"{finding.number}-{k}" in taken:
        k += 1
    return f"{finding.number}-{k}"


@transaction.atomic
def task_create(
    *,
    actor: User,
    finding: Finding,
    town: Region | None,
    title: str,
    measures: str,
    deadline: dt.date | None,
    assigned_on: dt.date | None = None,
    department: str = "",
    person: str = "",
    parks: Iterable[Model] = (),
    parcels: Iterable[Model] = (),
    enterprises: Iterable[Model] = (),
    contracts: Iterable[Model] = (),
    number: str = "",
) -> Task:
    """Assign a task (整改任务) of a finding to a responsible unit: a town, or the county and one of its
    departments. Refused without a unit, measures or a deadline, or with a deadline before the finding."""
    require_write(actor, Area.RECTIFICATION)
    if town is not None:
        require_write(actor, Area.RECTIFICATION, town, field="town")
    parks, parcels, enterprises, contracts = list(parks), list(parcels), list(enterprises), list(contracts)
    assigned_on = assigned_on or finding.found_on
    problems = task_problems(
        finding=finding,
        town=town,
        department=department,
        title=title,
        measures=measures,
        assigned_on=assigned_on,
        deadline=deadline,
    )
    problems += link_problems(town=town, parks=parks, parcels=parcels, enterprises=enterprises, contracts=contracts)
    problems += scope_problems(actor, parks=parks, parcels=parcels, enterprises=enterprises, contracts=contracts)
    task = Task(
        finding=finding,
        town=town,
        title=(title or "").strip(),
        measures=(measures or "").strip(),
        deadline=deadline,
        assigned_on=assigned_on,
        department=(department or "").strip(),
        person=(person or "").strip(),
        number=(number or "").strip() or _next_task_number(finding),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    exclude = [name for name, value in (("town", town), ("deadline", deadline)) if not value]
    exclude += [
        n for n, v in (("deadline", deadline), ("assigned_on", assigned_on)) if v and not isinstance(v, dt.date)
    ]
    checked(task, problems, exclude=exclude)
    task.save()
    task.parks.set(parks)
    task.parcels.set(parcels)
    task.enterprises.set(enterprises)
    task.contracts.set(contracts)
    record_event(
        task=task,
        kind=TaskEvent.Kind.CREATED,
        actor=actor,
        on=assigned_on,
        to_status=task.status,
        percent_done=0,
        note=task.measures,
    )
    audit_record(actor=actor, action="task.create", obj=task, region_code=task.town.code, after=task_snapshot(task))
    return task
