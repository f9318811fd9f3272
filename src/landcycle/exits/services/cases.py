"""Opening, planning, cancelling and closing (handing over) a case; recording a take-back's decision.

``open_case`` is the agreed entry point other apps call (a warning's "立案腾退" button, a rectification task).
Closing a case ends, in the same transaction, the occupancies of its parcels on the handover date, marks firms
that have no land left as moved out (迁出), and makes each parcel free land (储备, 可供地) that admission draws from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.audit.versions import claim_version
from landcycle.rectification.models import Task
from landcycle.registry import services as registry
from landcycle.registry.checks import field_problems, raise_if
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Region
from landcycle.registry.selectors import STILL_THERE, held_q
from landcycle.rules.problems import Problem
from landcycle.supervision.checks import to_date, to_decimal
from landcycle.supervision.models import Contract

from ..models import Case, CaseStep
from .common import audited, not_before_opening, problem, require_case_write, require_county, require_open

PLAN_FIELDS = {"responsible_unit", "responsible_person", "planned_start", "deadline", "reason", "ground"}
TAKEBACK_FIELDS = {
    "decision_number",
    "decision_date",
    "notice_date",
    "hearing_date",
    "paid",
    "compensation_wan",
    "reserve_date",
}
DATE_FIELDS = {"planned_start", "deadline", "decision_date", "notice_date", "hearing_date", "reserve_date"}


def _today() -> dt.date:
    return timezone.localdate()


def _parcels(town: Region, parcels: Iterable[Any], problems: list[Problem]) -> list[Parcel]:
    """Parcels as objects or numbers; each must exist and lie in the case's town."""
    out: list[Parcel] = []
    for p in parcels or ():
        if not isinstance(p, Parcel):
            number = str(p).strip()
            if not number:
                continue
            found = Parcel.objects.select_related("park__town").filter(number=number).first()
            if found is None:
                problems.append(
                    problem("parcels", "unknown_parcel", f"找不到地块{number}", f"no parcel numbered {number}")
                )
                continue
            p = found
        if p.park.town_id != town.pk:
            problems.append(
                problem(
                    "parcels",
                    "parcel_other_town",
                    f"地块{p.number}属于{p.park.town}，不在本案所属镇街{town}内",
                    f"parcel {p.number} lies in {p.park.town.code}, not in the case's town {town.code}",
                )
            )
            continue
        if p not in out:
            out.append(p)
    return out


def _enterprises(enterprises: Iterable[Any], problems: list[Problem]) -> list[Enterprise]:
    """Enterprises as objects, credit codes or exact names."""
    out: list[Enterprise] = []
    for e in enterprises or ():
        if not isinstance(e, Enterprise):
            text = str(e).strip()
            if not text:
                continue
            found = Enterprise.objects.filter(uscc=text.upper()).first() or Enterprise.objects.filter(name=text).first()
            if found is None:
                problems.append(
                    problem("enterprises", "unknown_enterprise", f"找不到企业“{text}”", f"no enterprise '{text}'")
                )
                continue
            e = found
        if e not in out:
            out.append(e)
    return out


def plan_problems(case: Case) -> list[Problem]:
    out = []
    if case.planned_start and case.deadline and case.deadline < case.planned_start:
        out.append(
            problem(
                "deadline",
                "deadline_before_start",
                f"完成期限{case.deadline}早于计划开始日期{case.planned_start}",
                f"the deadline {case.deadline} is before the planned start {case.planned_start}",
            )
        )
    if case.kind == Case.Kind.TAKEBACK and case.paid == Case.Paid.PAID and case.compensation_wan is None:
        out.append(
            problem(
                "compensation_wan",
                "paid_without_compensation",
                "有偿收回须填写补偿金额",
                "a paid take-back needs the compensation",
            )
        )
    return out


def _next_number(kind: str, town: Region, year: int) -> str:
    prefix = f"{'SH' if kind == Case.Kind.TAKEBACK else 'TT'}{year}-{town.code[-3:]}-"
    n = Case.objects.filter(number__startswith=prefix).count() + 1
    while Case.objects.filter(number=f"{prefix}{n:03d}").exists():
        n += 1
    return f"{prefix}{n:03d}"


def _values(values: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        if name in DATE_FIELDS:
            out[name] = to_date(name, value, problems)
        elif name == "compensation_wan":
            out[name] = to_decimal(name, value, problems, 2)
        else:
            out[name] = "" if value is None else (value.strip() if isinstance(value, str) else value)
    return out


@transaction.atomic
def open_case(
    actor: User,
    *,
    kind: str = "vacating",
    ground: str,
    town: Region,
    enterprises: Iterable[Any] = (),
    parcels: Iterable[Any] = (),
    responsible_unit: str = "",
    responsible_person: str = "",
    planned_start: dt.date | str | None = None,
    deadline: dt.date | str | None = None,
    reason: str = "",
    source: Model | None = None,
    opened_on: dt.date | None = None,
    number: str = "",
) -> Case:
    """Open a vacating case (or, for the county, a take-back) in ``town``; ``source`` is the record it comes from
    (a warning, a rectification task …), linked by content type and id with its text."""
    require_write(actor, Area.EXITS, town)
    if kind == Case.Kind.TAKEBACK:
        require_county(actor)
    problems: list[Problem] = []
    if town.level != Region.Level.TOWN:
        problems.append(problem("town", "not_a_town", f"{town}不是镇街", f"{town.code} is not a town"))
    plan = _values({"planned_start": planned_start, "deadline": deadline}, problems)
    case = Case(
        number=number or _next_number(kind, town, (opened_on or _today()).year),
        kind=kind,
        ground=ground,
        town=town,
        responsible_unit=(responsible_unit or "").strip(),
        responsible_person=(responsible_person or "").strip(),
        opened_on=opened_on or _today(),
        reason=(reason or "").strip(),
        created_by=actor,
        **plan,
    )
    if source is not None:
        case.source_type = ContentType.objects.get_for_model(source)
        case.source_id = source.pk
        case.source_label = str(source)[:250]
    found_parcels = _parcels(town, parcels, problems)
    found_firms = _enterprises(enterprises, problems)
    problems += plan_problems(case)
    named = {p.field for p in problems}
    problems += [p for p in field_problems(case, exclude=["town", "created_by", "source_type"]) if p.field not in named]
    raise_if(problems)
    case.save()
    case.parcels.set(found_parcels)
    case.enterprises.set(found_firms)
    audited(actor, case, "exits.case_open", None, case)
    return case


@transaction.atomic
def case_update(*, actor: User, case: Case, expected_version: int | None = None, **changes: Any) -> Case:
    """Change the plan (ground, responsible unit and person, planned start, deadline, reason) of an open case;
    for a take-back also its decision, notice, hearing, compensation and reserve date (the county only)."""
    require_case_write(actor, case)
    require_open(case)
    allowed = PLAN_FIELDS | (TAKEBACK_FIELDS if case.kind == Case.Kind.TAKEBACK else set())
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    before = snapshot(case)
    claim_version(case, expected_version)
    problems: list[Problem] = []
    for name, value in _values(changes, problems).items():
        setattr(case, name, value)
    for name in ("decision_date", "notice_date", "hearing_date", "reserve_date"):
        problems += not_before_opening(case, name, getattr(case, name), "日期", "the date")
    problems += plan_problems(case)
    named = {p.field for p in problems}
    problems += [p for p in field_problems(case, exclude=["town", "created_by", "source_type"]) if p.field not in named]
    raise_if(problems)
    case.save()
    audited(actor, case, "exits.case_update", before, case)
    return case


@transaction.atomic
def case_cancel(*, actor: User, case: Case, on: dt.date, reason: str) -> Case:
    require_case_write(actor, case)
    require_open(case)
    if not (reason or "").strip():
        raise_if(
            [problem("cancel_reason", "cancel_without_reason", "撤销案件须写明理由", "say why the case is cancelled")]
        )
    raise_if(not_before_opening(case, "cancelled_on", on, "撤销日期", "the cancellation date"))
    before = snapshot(case)
    case.state, case.cancelled_on, case.cancel_reason = Case.State.CANCELLED, on, reason.strip()[:200]
    case.save()
    audited(actor, case, "exits.case_cancel", before, case)
    return case


def _close_problems(case: Case, on: dt.date) -> list[Problem]:
    problems = not_before_opening(case, "handover_on", on, "移交日期", "the handover date")
    cleared = case.steps.filter(kind=CaseStep.Kind.CLEARED, date__lte=on).exists()
    if case.kind == Case.Kind.VACATING and not cleared:
        problems.append(
            problem(
                "handover_on",
                "handover_before_cleared",
                f"场地清理完毕之前不能验收移交：请先登记{on}当天或之前的“场地清理完毕”环节",
                f"the site cannot be handed over before it is cleared: record a 'site cleared' step on or before {on}",
            )
        )
    if case.kind == Case.Kind.TAKEBACK and not (case.decision_number and case.decision_date):
        problems.append(
            problem(
                "decision_number",
                "takeback_without_decision",
                "收回案件须先登记收回决定书文号和日期",
                "record the take-back decision (number and date) first",
            )
        )
    if not case.parcels.exists():
        problems.append(
            problem("parcels", "no_parcel", "案件没有地块，无法移交", "the case has no parcel to hand over")
        )
    return problems


def _end_occupancies(actor: User, parcels: list[Parcel], on: dt.date) -> set[int]:
    """End every occupancy held on ``on`` on these parcels; the firms that held them."""
    firms: set[int] = set()
    for occ in Occupancy.objects.filter(parcel__in=parcels).filter(held_q(on)).select_related("parcel__park__town"):
        firms.add(occ.enterprise_id)
        if occ.end is None or occ.end > on:
            registry.occupancy_end(actor=actor, occupancy=occ, end=on)
    return firms


def _move_out(actor: User, firm_ids: set[int], parcels: list[Parcel], on: dt.date) -> None:
    """A firm that holds no other land the day after the handover is marked moved out (迁出): it stops being
    "租约到期未腾退" and no longer counts as holding the land it left."""
    after = on + dt.timedelta(days=1)
    for firm in Enterprise.objects.filter(pk__in=firm_ids, status__in=STILL_THERE).select_related("town"):
        elsewhere = Occupancy.objects.filter(enterprise=firm).exclude(parcel__in=parcels).filter(held_q(after))
        if not elsewhere.exists():
            registry.enterprise_update(actor=actor, enterprise=firm, status=Enterprise.Status.RELOCATED)


def _came_after(parcel: Parcel, on: dt.date) -> bool:
    """Something already followed the handover on this parcel (a handover recorded late): an occupancy that starts
    after it or a contract signed since; then the parcel keeps the status that later record gave it."""
    later = Occupancy.objects.filter(parcel=parcel, start__gt=on).exists()
    return later or Contract.objects.filter(parcels=parcel, signed_on__gte=on).exists()


@transaction.atomic
def case_close(
    *, actor: User, case: Case, on: dt.date, handover_to: str = "", minutes: str = "", people: str = ""
) -> Case:
    """验收移交: the site was cleared and is handed over on ``on``. In one transaction: the handover step, the end
    of the parcels' occupancies, firms with no land left moved out, each parcel free land (储备) in the pool."""
    require_case_write(actor, case)
    require_open(case)
    raise_if(_close_problems(case, on))
    before = snapshot(case)
    CaseStep.objects.create(
        case=case, kind=CaseStep.Kind.HANDOVER, date=on, people=people, minutes=minutes, created_by=actor
    )
    parcels = list(case.parcels.select_related("park__town"))
    firms = _end_occupancies(actor, parcels, on)
    _move_out(actor, firms, parcels, on)
    for parcel in parcels:
        if parcel.status != Parcel.Status.RESERVE and not _came_after(parcel, on):
            registry.parcel_update(actor=actor, parcel=parcel, status=Parcel.Status.RESERVE)
    case.state, case.handover_on, case.handover_to = Case.State.CLOSED, on, (handover_to or "").strip()[:200]
    if case.kind == Case.Kind.TAKEBACK and case.reserve_date is None:
        case.reserve_date = on
    case.save()
    audited(actor, case, "exits.case_close", before, case)
    return case


@transaction.atomic
def case_tasks_link(*, actor: User, case: Case, tasks: Iterable[Any]) -> Case:
    """Link the case to the rectification tasks (整改任务) it answers: tasks of the case's own town only."""
    require_case_write(actor, case)
    found = list(Task.objects.filter(pk__in=[getattr(t, "pk", t) for t in tasks]).select_related("town"))
    problems = [
        problem(
            "tasks",
            "task_other_town",
            f"整改任务{t.number}属于{t.town}，不是本案所属镇街{case.town}的任务",
            f"task {t.number} belongs to {getattr(t.town, 'code', '')}, not to the case's town {case.town.code}",
        )
        for t in found
        if t.town_id != case.town_id
    ]
    raise_if(problems)
    before = {"tasks": sorted(case.tasks.values_list("pk", flat=True))}
    case.tasks.set(found)
    audit_record(
        actor=actor,
        action="exits.case_tasks",
        obj=case,
        region_code=case.town.code,
        before=before,
        after={"tasks": sorted(t.pk for t in found)},
    )
    return case
