"""Registering a renewal project with its plan and milestones, approving it (the county) and starting it (the firms on
its parcels are listed then, each with its fate still to decide)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.registry.checks import raise_if
from landcycle.registry.models import Parcel, Park, Region
from landcycle.rules import renewal as rules
from landcycle.rules.problems import Problem

from ..models import Milestone, RenewalProject
from .common import require_county
from .firms import list_firms

PLAN_FIELDS = (
    "area_mu",
    "demolish_mu",
    "demolish_m2",
    "rebuild_mu",
    "rebuild_m2",
    "illegal_m2",
    "investment",
    "new_floor_m2",
    "plot_ratio",
    "target_tax_per_mu",
    "target_firms",
)
TEXT_FIELDS = ("lead_unit", "lead_person", "approval_document", "note")


def _dec(v: Any) -> Decimal | None:
    return None if v in (None, "") else Decimal(str(v))


def _place_problems(town: Region, parks: list[Park], parcels: list[Parcel]) -> list[Problem]:
    out = []
    if not parks:
        out.append(Problem("parks", "renewal.no_park", "请选择项目涉及的园区", "name the parks the project covers"))
    for park in parks:
        if park.town_id != town.pk:
            out.append(
                Problem(
                    "parks",
                    "renewal.park_town",
                    f"园区“{park.name}”不属于{town.name}",
                    f"park {park.code} is not in {town.code}",
                )
            )
    park_ids = {p.pk for p in parks}
    for parcel in parcels:
        if parcel.park_id not in park_ids:
            out.append(
                Problem(
                    "parcels",
                    "renewal.parcel_park",
                    f"地块{parcel.number}不在所选园区内",
                    f"parcel {parcel.number} is not in the parks of the project",
                )
            )
    return out


def milestones_set(project: RenewalProject, planned: Mapping[str, dt.date]) -> list[Milestone]:
    """(Re)write the planned milestones of a project in their usual order, each depending on the one before."""
    unknown = [k for k in planned if k not in rules.MILESTONES]
    if unknown:
        raise_if(
            [Problem("milestones", "renewal.milestone_unknown", f"未知节点{unknown}", f"unknown milestones {unknown}")]
        )
    deps = rules.default_dependencies(list(planned))
    existing = {m.kind: m for m in project.milestones.all()}
    out: dict[str, Milestone] = {}
    for order, kind in enumerate(k for k in rules.MILESTONES if k in planned):
        m = existing.pop(kind, None) or Milestone(project=project, kind=kind)
        m.order, m.planned_on = order + 1, planned[kind]
        dep = deps[kind]
        m.depends_on = out[dep] if dep else None
        m.save()
        out[kind] = m
    for m in existing.values():
        m.delete()
    return list(out.values())


@transaction.atomic
def project_create(
    *,
    actor: User,
    number: str,
    name: str,
    town: Region,
    kind: str,
    planned_start: dt.date,
    planned_end: dt.date,
    parks: Iterable[Park],
    parcels: Iterable[Parcel] = (),
    milestones: Mapping[str, dt.date] | None = None,
    **fields: Any,
) -> RenewalProject:
    """Register a project as a draft: its place, plan, targets and planned milestones (the county)."""
    require_county(actor)
    parks, parcels = list(parks), list(parcels)
    if not parcels:
        parcels = list(Parcel.objects.filter(park__in=parks))
    unknown = set(fields) - set(PLAN_FIELDS) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    values = {k: (_dec(v) if k in PLAN_FIELDS and k != "target_firms" else v) for k, v in fields.items()}
    project = RenewalProject(
        number=number.strip(),
        name=name.strip(),
        town=town,
        kind=kind,
        planned_start=planned_start,
        planned_end=planned_end,
        created_by=actor if getattr(actor, "pk", None) else None,
        **values,
    )
    problems = rules.plan_problems(project.plan) + _place_problems(town, parks, parcels)
    if kind not in rules.KINDS:
        problems.append(Problem("kind", "renewal.kind", f"未知的改造方式“{kind}”", f"unknown kind '{kind}'"))
    if not project.number:
        problems.append(Problem("number", "renewal.number", "请填写项目编号", "give the project number"))
    elif RenewalProject.objects.filter(number=project.number).exists():
        problems.append(
            Problem("number", "renewal.number_taken", f"项目编号{project.number}已存在", f"{project.number} exists")
        )
    raise_if(problems)
    project.save()
    project.parks.set(parks)
    project.parcels.set(parcels)
    milestones_set(project, milestones or {})
    audit_record(
        actor=actor,
        action="renewal.project_create",
        obj=project,
        region_code=town.code,
        after={**snapshot(project), "parks": [p.pk for p in parks], "parcels": [p.pk for p in parcels]},
    )
    return project


@transaction.atomic
def project_approve(*, actor: User, project: RenewalProject, approved_on: dt.date, document: str) -> RenewalProject:
    """The county approves a draft plan: the approval document and date; the approval milestone is done then."""
    require_county(actor)
    project = RenewalProject.objects.select_for_update().get(pk=project.pk)
    problems = []
    if project.state != RenewalProject.State.DRAFT:
        problems.append(
            Problem(
                "state",
                "renewal.not_draft",
                f"项目{project.number}状态为“{project.get_state_display()}”，不能再批准",
                f"project {project.number} is {project.state}: it cannot be approved again",
            )
        )
    if not document.strip():
        problems.append(
            Problem("approval_document", "renewal.no_document", "请填写批准文件", "give the approval document")
        )
    raise_if(problems)
    before = snapshot(project)
    project.state, project.approved_on, project.approval_document = (
        RenewalProject.State.APPROVED,
        approved_on,
        document.strip(),
    )
    project.save(update_fields=["state", "approved_on", "approval_document"])
    project.milestones.filter(kind=Milestone.Kind.APPROVAL, done_on__isnull=True).update(done_on=approved_on)
    audit_record(
        actor=actor,
        action="renewal.project_approve",
        obj=project,
        region_code=project.town.code,
        before=before,
        after=snapshot(project),
    )
    return project


@transaction.atomic
def project_start(*, actor: User, project: RenewalProject, started_on: dt.date) -> RenewalProject:
    """An approved project starts (the town or the county): every enterprise occupying its parcels on that day is
    listed with its fate still to decide."""
    require_write(actor, Area.RENEWAL, project.town)
    project = RenewalProject.objects.select_for_update().select_related("town").get(pk=project.pk)
    if project.state != RenewalProject.State.APPROVED:
        raise_if(
            [
                Problem(
                    "state",
                    "renewal.not_approved",
                    f"项目{project.number}须先经县级批准才能开始实施",
                    f"project {project.number} must be approved by the county before it starts",
                )
            ]
        )
    before = snapshot(project)
    project.state, project.started_on = RenewalProject.State.UNDER_WAY, started_on
    project.save(update_fields=["state", "started_on"])
    listed = list_firms(project, started_on)
    audit_record(
        actor=actor,
        action="renewal.project_start",
        obj=project,
        region_code=project.town.code,
        before=before,
        after={**snapshot(project), "firms_listed": sorted(f.enterprise_id for f in listed)},
    )
    return project


@transaction.atomic
def project_update(
    *,
    actor: User,
    project: RenewalProject,
    parks: Iterable[Park] | None = None,
    milestones: Mapping[str, dt.date] | None = None,
    **fields: Any,
) -> RenewalProject:
    """Change a draft plan (the county): its fields, parks (the parcels become the parks' parcels) and planned
    milestones. An approved plan is not changed."""
    require_county(actor)
    project = RenewalProject.objects.select_for_update().select_related("town").get(pk=project.pk)
    allowed = set(PLAN_FIELDS) | set(TEXT_FIELDS) | {"name", "kind", "planned_start", "planned_end", "town"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    before = snapshot(project)
    for k, v in fields.items():
        setattr(project, k, _dec(v) if k in PLAN_FIELDS and k != "target_firms" else v)
    park_list = list(parks) if parks is not None else list(project.parks.all())
    parcels = list(Parcel.objects.filter(park__in=park_list)) if parks is not None else list(project.parcels.all())
    problems = rules.plan_problems(project.plan) + _place_problems(project.town, park_list, parcels)
    if project.state != RenewalProject.State.DRAFT:
        problems.append(
            Problem(
                "number",
                "renewal.not_draft",
                f"项目{project.number}状态为“{project.get_state_display()}”，已批准的方案不能修改",
                f"project {project.number} is {project.state}: an approved plan is not changed",
            )
        )
    raise_if(problems)
    project.save()
    if parks is not None:
        project.parks.set(park_list)
        project.parcels.set(parcels)
    if milestones is not None:
        milestones_set(project, milestones)
    audit_record(
        actor=actor,
        action="renewal.project_update",
        obj=project,
        region_code=project.town.code,
        before=before,
        after={**snapshot(project), "parks": [p.pk for p in park_list]},
    )
    return project
