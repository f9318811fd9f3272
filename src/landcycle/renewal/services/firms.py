"""The firms of a renewal project: every enterprise on its parcels when it starts, and the fate recorded for each
(stays and upgrades, moves within the county, merged, closed). A firm that leaves opens a vacating case of the exit
stage (``landcycle.exits.services.cases.open_case``, the agreed API) from its fate row."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from types import ModuleType

from django.db import transaction
from django.db.models import Q, Sum

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.registry.checks import raise_if
from landcycle.registry.models import Enterprise, Occupancy, Park
from landcycle.rules import renewal as rules
from landcycle.rules.problems import Problem

from ..models import FirmFate, RenewalProject

cases: ModuleType | None
try:  # the exit stage is built on another branch: until it is merged, a fate is recorded without a case
    cases = importlib.import_module("landcycle.exits.services.cases")
except ImportError:  # pragma: no cover - depends on the branch
    cases = None


def occupants(project: RenewalProject, day: dt.date) -> dict[int, Decimal]:
    """The enterprises occupying the project's parcels on ``day`` and the land each uses there (m²)."""
    rows = (
        Occupancy.objects.filter(parcel__in=project.parcels.all(), start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .values("enterprise")
        .annotate(area=Sum("area_m2"))
    )
    return {r["enterprise"]: r["area"] for r in rows}


def on_block(project: RenewalProject, enterprise: Enterprise) -> bool:
    """Listed when the project started, or occupying one of its parcels at any time."""
    return (
        project.firms.filter(enterprise=enterprise).exists()
        or Occupancy.objects.filter(parcel__in=project.parcels.all(), enterprise=enterprise).exists()
    )


def list_firms(project: RenewalProject, day: dt.date) -> list[FirmFate]:
    """Add every occupant of the parcels on ``day`` not listed yet (fate to decide). Inside the caller's transaction."""
    listed = set(project.firms.values_list("enterprise_id", flat=True))
    new = [
        FirmFate(project=project, enterprise_id=e, area_m2=area)
        for e, area in sorted(occupants(project, day).items())
        if e not in listed
    ]
    return FirmFate.objects.bulk_create(new)


def _deadline(project: RenewalProject, start: dt.date | None) -> dt.date | None:
    """The relocation milestone's planned date, when it is not before the case starts."""
    planned = next((m.planned_on for m in project.milestones.all() if m.kind == rules.M_RELOCATION), None)
    return planned if planned is not None and (start is None or planned >= start) else None


def _open_vacating_case(actor: User, row: FirmFate) -> int | None:
    """The one call into the exit stage: a vacating case for a firm that leaves the block (the agreed API)."""
    if cases is None:
        return None
    project = row.project
    case = cases.open_case(
        actor,
        kind="vacating",
        ground="renewal",
        town=project.town,
        enterprises=(row.enterprise,),
        parcels=tuple(project.parcels.filter(occupancies__enterprise=row.enterprise).distinct()),
        responsible_unit=project.lead_unit,
        responsible_person=project.lead_person,
        planned_start=row.decided_on,
        deadline=_deadline(project, row.decided_on),
        reason=f"{project.number} {project.name}：{row.enterprise.name}{row.get_fate_display()}",
        source=row,
    )
    return int(case.pk)


@transaction.atomic
def fate_record(
    *,
    actor: User,
    project: RenewalProject,
    enterprise: Enterprise,
    fate: str,
    decided_on: dt.date | None = None,
    destination: Park | None = None,
    merged_into: Enterprise | None = None,
    note: str = "",
) -> FirmFate:
    """Record (or change) the fate of a firm on the block; a firm that leaves (moves or closes) opens a vacating case
    once. The town of the project (or the county) records it."""
    require_write(actor, Area.RENEWAL, project.town)
    parks_of_block = set(project.parks.values_list("pk", flat=True))
    problems = rules.fate_problems(
        enterprise.name,
        on_block(project, enterprise),
        fate,
        destination.name if destination else None,
        destination is not None and destination.pk in parks_of_block,
    )
    if fate != rules.F_PENDING and decided_on is None:
        problems.append(Problem("decided_on", "renewal.no_date", "请填写去向确定日期", "give the date of the fate"))
    if project.state == RenewalProject.State.DRAFT:
        problems.append(
            Problem(
                "project",
                "renewal.draft",
                "方案未批准的项目不能登记企业去向",
                "a project whose plan is not approved records no fates",
            )
        )
    raise_if(problems)
    row = FirmFate.objects.select_for_update().filter(project=project, enterprise=enterprise).first()
    before = snapshot(row) if row else None
    if row is None:
        row = FirmFate(project=project, enterprise=enterprise)
    row.fate, row.decided_on, row.note = fate, decided_on, note.strip()
    row.destination = destination if fate == rules.F_MOVES else None
    row.merged_into = merged_into if fate == rules.F_MERGED else None
    row.save()
    if fate in rules.LEAVES and row.case_id is None:
        row.case_id = _open_vacating_case(actor, row)
        if row.case_id is not None:
            row.save(update_fields=["case_id"])
    audit_record(
        actor=actor,
        action="renewal.fate_record",
        obj=row,
        region_code=project.town.code,
        before=before,
        after=snapshot(row),
    )
    return row
