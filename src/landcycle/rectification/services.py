"""Writes of the rectification ledger. Each is keyword-only, atomic, checks the actor's role and scope
(``accounts.scope.require_write``: area "rectification" for the supervisor — inspections, findings,
suggestions, tasks, rounds, reviews, close-out; area "rectification_update" for town officers — the
progress of their own town's tasks), runs the checks of ``checks.py`` and Django's field checks, and
records an audit row in the same transaction. A ``RuleError`` (bilingual problems naming the field and
the rule) writes nothing.

Progress, close-out and reopening are in ``services_progress``; reconciliation rounds in
``services_rounds``; edits of what was recorded in ``services_edit``; all are re-exported here.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from landcycle.accounts.scope import require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.registry.checks import field_problems, raise_if
from landcycle.registry.models import Region

from .checks import (
    finding_problems,
    inspection_problems,
    link_problems,
    scope_problems,
    suggestion_problems,
    task_problems,
)
from .models import Finding, Inspection, Suggestion, Task, TaskEvent
from .services_progress import (
    AREA,
    UPDATE_AREA,  # noqa: F401 (re-exported)
    progress_submit,  # noqa: F401 (re-exported)
    record_event,
    task_close,  # noqa: F401
    task_reopen,  # noqa: F401 (re-exported)
)
from .services_rounds import relapse_check_review, round_close, round_item_review, round_open  # noqa: F401

CHECK_TITLE = "监督检查"


def _checked(obj, problems, exclude=()) -> None:
    named = {p.field for p in problems}
    problems += [p for p in field_problems(obj, exclude=list(exclude)) if p.field not in named]
    raise_if(problems)


def inspection_snapshot(insp: Inspection) -> dict:
    return {**snapshot(insp), "regions": sorted(insp.regions.values_list("code", flat=True))}


def _region_code(regions) -> str:
    codes = sorted(r.code for r in regions)
    return codes[0] if len(codes) == 1 else (codes[0][:6] if codes else "")


# ------------------------------------------------------------------ inspections
@transaction.atomic
def inspection_create(
    *,
    actor,
    kind: str,
    title: str,
    body: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    regions=(),
    other_units: str = "",
    summary: str = "",
) -> Inspection:
    """Record an inspection (巡视、巡察、“回头看”、监督检查) and the regions it covered."""
    require_write(actor, AREA)
    regions = list(regions)
    for region in regions:
        require_write(actor, AREA, region, field="regions")
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
    _checked(insp, problems, exclude=["started_on"] if not isinstance(started_on, dt.date) else ())
    insp.save()
    insp.regions.set(regions)
    audit_record(
        actor=actor,
        action="inspection.create",
        obj=insp,
        region_code=_region_code(regions),
        after=inspection_snapshot(insp),
    )
    return insp


def check_record(*, actor, held_on: dt.date, regions, body: str, title: str = "", summary: str = "") -> Inspection:
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
def _next_number(qs) -> int:
    return (qs.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def finding_create(
    *, actor, inspection: Inspection, summary: str, found_on: dt.date, source_text: str = "", number: int | None = None
) -> Finding:
    require_write(actor, AREA)
    problems = finding_problems(inspection=inspection, summary=summary, found_on=found_on)
    finding = Finding(
        inspection=inspection,
        summary=(summary or "").strip(),
        found_on=found_on,
        source_text=(source_text or "").strip(),
        number=number or _next_number(Finding.objects.filter(inspection=inspection)),
    )
    _checked(finding, problems, exclude=["found_on"] if not isinstance(found_on, dt.date) else ())
    finding.save()
    audit_record(
        actor=actor,
        action="finding.create",
        obj=finding,
        after=snapshot(finding),
        region_code=_region_code(inspection.regions.all()),
    )
    return finding


@transaction.atomic
def suggestion_create(
    *,
    actor,
    inspection: Inspection,
    text: str,
    made_on: dt.date,
    finding: Finding | None = None,
    number: int | None = None,
) -> Suggestion:
    require_write(actor, AREA)
    problems = suggestion_problems(inspection=inspection, text=text, made_on=made_on, finding=finding)
    sug = Suggestion(
        inspection=inspection,
        finding=finding,
        text=(text or "").strip(),
        made_on=made_on,
        number=number or _next_number(Suggestion.objects.filter(inspection=inspection)),
    )
    _checked(sug, problems, exclude=["made_on"] if not isinstance(made_on, dt.date) else ())
    sug.save()
    audit_record(
        actor=actor,
        action="suggestion.create",
        obj=sug,
        after=snapshot(sug),
        region_code=_region_code(inspection.regions.all()),
    )
    return sug


# ------------------------------------------------------------------ tasks
def task_snapshot(task: Task) -> dict:
    return {
        **snapshot(task),
        "parks": sorted(task.parks.values_list("code", flat=True)),
        "parcels": sorted(task.parcels.values_list("number", flat=True)),
        "enterprises": sorted(task.enterprises.values_list("uscc", flat=True)),
        "contracts": sorted(task.contracts.values_list("number", flat=True)),
    }


def _next_task_number(finding: Finding) -> str:
    taken = set(Task.objects.filter(finding=finding).values_list("number", flat=True))
    k = 1
    while f"{finding.number}-{k}" in taken:
        k += 1
    return f"{finding.number}-{k}"


@transaction.atomic
def task_create(
    *,
    actor,
    finding: Finding,
    town: Region | None,
    title: str,
    measures: str,
    deadline: dt.date | None,
    assigned_on: dt.date | None = None,
    department: str = "",
    person: str = "",
    parks=(),
    parcels=(),
    enterprises=(),
    contracts=(),
    number: str = "",
) -> Task:
    """Assign a task (整改任务) of a finding to a responsible unit: a town, or the county and one of its
    departments. Refused without a unit, measures or a deadline, or with a deadline before the finding."""
    require_write(actor, AREA)
    if town is not None:
        require_write(actor, AREA, town, field="town")
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
    _checked(task, problems, exclude=exclude)
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
    audit_record(actor=actor, action="task.create", obj=task, region_code=town.code, after=task_snapshot(task))
    return task


from .services_edit import (
    finding_update,  # noqa: F401 (re-exported)
    inspection_update,  # noqa: F401 (re-exported)
    suggestion_update,  # noqa: F401 (re-exported)
    task_links_update,  # noqa: E402,F401
    task_update,  # noqa: F401 (re-exported)
)
