"""Reconciliation rounds (每月两次对账销号).

``round_open`` starts the round of the cadence period containing a day and freezes a snapshot of every
open task of the county (``RoundItem.snapshot``, written once and never again). Responsible units submit
their update (``progress.progress_submit``); the supervisor confirms or challenges each item
(``round_item_review``); ``round_close`` flags the items without an update, records each item's outcome
(``RoundItem.final``) and ends the round. Nothing of a closed round changes afterwards: every service
refuses with a bilingual problem.

回头看 (防止反弹): opening a round also lists every task closed out within the policy's watch period
(``RelapseCheck``); the supervisor re-confirms each (``relapse_check_review``: held, or relapsed with the
reason, which reopens the task in the same transaction).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, audit_record_many, snapshot
from landcycle.registry.checks import raise_if
from landcycle.registry.models import Region
from landcycle.rules.problems import Problem, RuleError
from landcycle.supervision.convert import policy as warnings_policy

from ..cadence import due_day, period_containing
from ..checks import plausible_dates, reason_problems
from ..colours import TaskColour, work_calendar
from ..models import RelapseCheck, Round, RoundItem, Task, TaskEvent
from ..policy import rectification_policy
from ..selectors import round_history, task_colours
from .common import record_event
from .progress import task_reopen


def county_of(actor: User, county: Region | None = None) -> Region:
    if county is not None:
        return county
    region = getattr(actor, "region", None)
    if region is not None and region.level == Region.Level.COUNTY:
        return region
    counties = list(Region.objects.filter(level=Region.Level.COUNTY)[:2])
    if len(counties) != 1:
        raise RuleError(
            [
                Problem(
                    "county",
                    "round.county",
                    "请指定开展对账的县（市、区）",
                    "Name the county whose ledger is reconciled",
                )
            ]
        )
    return counties[0]


def task_state(task: Task, colour: TaskColour) -> dict:
    """What a round freezes of a task."""
    f = task.finding
    return {
        "number": task.number,
        "title": task.title,
        "finding": f"问题{f.number}：{f.summary}",
        "inspection": f.inspection.title,
        "unit": task.unit,
        "town": task.town.code,
        "town_name": task.town.name,
        "department": task.department,
        "person": task.person,
        "measures": task.measures,
        "deadline": task.deadline.isoformat(),
        "status": task.status,
        "percent_done": task.percent_done,
        "last_report_on": task.last_report_on.isoformat() if task.last_report_on else None,
        "version": task.version,
        "colour": colour.colour,
        "reason_zh": colour.zh,
        "reason_en": colour.en,
    }


@transaction.atomic
def round_open(*, actor: User, county: Region | None = None, on: dt.date | None = None) -> Round:
    """Open the round of the period containing ``on`` (default today) and snapshot every open task."""
    county = county_of(actor, county)
    require_write(actor, Area.RECTIFICATION, county, field="county")
    on = on or timezone.localdate()
    raise_if(plausible_dates(on=on))  # before the period arithmetic
    policy = rectification_policy(county)  # the county's own cadence (本县政策) or the shipped one
    period = period_containing(on, policy.period_start_days)
    problems = []
    current = Round.objects.select_for_update().filter(county=county, status=Round.Status.OPEN).first()
    if current is not None:
        problems.append(
            Problem(
                "round",
                "round.still_open",
                f"{current.label_zh}对账尚未结束，请先结束该轮再开启新一轮",
                f"The round {current.label_en} is still open: close it before opening another",
            )
        )
    latest = Round.objects.filter(county=county).order_by("-period_start").first()
    if latest is not None and latest.period_start >= period.start:
        problems.append(
            Problem(
                "on",
                "round.exists" if latest.period_start == period.start else "round.past",
                f"{period.label_zh}（{period.span}）的对账已开启过或早于最近一轮（{latest.label_zh}）",
                f"The round of {period.label_en} ({period.span}) was opened already or is before the "
                f"latest round ({latest.label_en})",
            )
        )
    raise_if(problems)
    # the working days of the county's own warnings policy (本县政策: its local table of holidays)
    due = due_day(period, work_calendar(warnings_policy(county)), policy.due_roll_forward)
    rnd = Round.objects.create(
        county=county,
        period_start=period.start,
        period_end=period.end,
        due_on=due,
        label_zh=period.label_zh,
        label_en=period.label_en,
        opened_on=on,
        opened_by=actor if getattr(actor, "pk", None) else None,
        policy_version=policy.label,
    )
    tasks = list(
        Task.objects.filter(town__code__startswith=county.code, assigned_on__lte=period.end)
        .exclude(status=Task.Status.CLOSED)
        .select_related("town", "finding__inspection")
    )
    colours = task_colours(tasks, on)
    items = RoundItem.objects.bulk_create(
        [RoundItem(round=rnd, task=t, snapshot=task_state(t, colours[t.pk])) for t in tasks]
    )
    if items and items[0].pk is None:  # backends without RETURNING on bulk insert
        items = list(RoundItem.objects.filter(round=rnd))
    audit_record(
        actor=actor,
        action="round.open",
        obj=rnd,
        region_code=county.code,
        after={**snapshot(rnd), "item_count": len(items)},
    )
    audit_record_many(
        actor=actor,
        action="round_item.snapshot",
        items=[(i, None, i.snapshot) for i in items],
        region_code_of=lambda i: i.snapshot["town"],
    )
    _open_relapse_checks(actor, rnd, county, policy.relapse_watch_months)
    return rnd


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or earlier when negative (the month's last day when it has no such
    day: 08-31 + 6 months → 02-28)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _open_relapse_checks(actor: User, rnd: Round, county: Region, watch_months: int) -> list[RelapseCheck]:
    """回头看: every task closed out on or before the round's last day whose watch period (``watch_months``
    after its close-out) reaches into the round's period."""
    if watch_months <= 0:
        return []
    closed = (
        Task.objects.filter(
            town__code__startswith=county.code,
            status=Task.Status.CLOSED,
            closed_on__lte=rnd.period_end,
            closed_on__gte=months_after(rnd.period_start, -watch_months),
        )
        .select_related("town")
        .order_by("pk")
    )
    checks = [
        RelapseCheck(round=rnd, task=t, closed_on=t.closed_on, watch_until=months_after(t.closed_on, watch_months))
        for t in closed
        if months_after(t.closed_on, watch_months) >= rnd.period_start
    ]
    if not checks:
        return []
    RelapseCheck.objects.bulk_create(checks)
    checks = list(RelapseCheck.objects.filter(round=rnd).select_related("task__town"))
    audit_record_many(
        actor=actor,
        action="relapse_check.open",
        region_code_of=lambda c: c.task.town.code,
        items=[
            (
                c,
                None,
                {"task": c.task.number, "closed_on": c.closed_on.isoformat(), "watch_until": c.watch_until.isoformat()},
            )
            for c in checks
        ],
    )
    return checks


@transaction.atomic
def relapse_check_review(
    *,
    actor: User,
    check: RelapseCheck,
    decision: str,
    note: str = "",
    on: dt.date | None = None,
    deadline: dt.date | None = None,
) -> RelapseCheck:
    """回头看复核: the supervisor re-confirms a closed task (``held``: the problem has not come back) or
    records its relapse (``relapsed``, the note saying what came back), which reopens the task (反弹重启,
    with ``deadline`` as its new deadline when given) in this same transaction."""
    check = RelapseCheck.objects.select_for_update().select_related("round", "task__town").get(pk=check.pk)
    task = Task.objects.select_for_update().select_related("town").get(pk=check.task_id)
    require_write(actor, Area.RECTIFICATION, task.town, field="decision")
    on = on or timezone.localdate()
    note = (note or "").strip()
    problems = []
    if not check.round.is_open:
        problems.append(
            Problem(
                "round",
                "round.closed",
                f"{check.round.label_zh}对账已结束，复核结果不能再修改",
                f"The round {check.round.label_en} is closed: its re-checks cannot change",
            )
        )
    if check.decision != RelapseCheck.Decision.PENDING:
        problems.append(
            Problem(
                "decision",
                "recheck.done",
                f"任务{task.number}本轮已复核（{check.get_decision_display()}），不能重复复核",
                f"Task {task.number} was re-checked in this round already",
            )
        )
    if decision not in (RelapseCheck.Decision.HELD, RelapseCheck.Decision.RELAPSED):
        problems.append(
            Problem("decision", "recheck.decision", "请选择“未反弹”或“反弹”", "Choose 'has not relapsed' or 'relapsed'")
        )
    elif decision == RelapseCheck.Decision.RELAPSED:
        problems += reason_problems(
            "note",
            note,
            "recheck.reason",
            "反弹须写明复查发现的情况（原因）",
            "A relapse needs what the re-check found (the reason)",
        )
    if task.status != Task.Status.CLOSED:
        problems.append(
            Problem(
                "task",
                "recheck.not_closed",
                f"任务{task.number}已不在销号状态（{task.get_status_display()}），无需复核",
                f"Task {task.number} is no longer closed out ({task.get_status_display()})",
            )
        )
    if on < check.round.period_start:
        problems.append(
            Problem(
                "on",
                "recheck.date",
                f"复核日期早于本轮开始日期{check.round.period_start}",
                f"The re-check date is before the round's period ({check.round.period_start})",
            )
        )
    raise_if(problems)
    before = snapshot(check)
    check.decision, check.note, check.reviewed_on = decision, note, on
    check.reviewed_by = actor if getattr(actor, "pk", None) else None
    check.save(update_fields=["decision", "note", "reviewed_on", "reviewed_by"])
    audit_record(
        actor=actor,
        action=f"relapse_check.{decision}",
        obj=check,
        region_code=task.town.code,
        before=before,
        after=snapshot(check),
    )
    if decision == RelapseCheck.Decision.RELAPSED:
        task_reopen(
            actor=actor,
            task=task,
            version=task.version,
            reason=f"{check.round.label_zh}回头看：{note}",
            reopened_on=on,
            deadline=deadline,
        )
    else:
        record_event(
            task=task,
            kind=TaskEvent.Kind.RECHECKED,
            actor=actor,
            on=on,
            round=check.round,
            from_status=task.status,
            to_status=task.status,
            note=note,
        )
    return check


def _locked_item(item: RoundItem) -> RoundItem:
    return RoundItem.objects.select_for_update().select_related("round", "task__town").get(pk=item.pk)


@transaction.atomic
def round_item_review(
    *,
    actor: User,
    item: RoundItem,
    decision: str,
    note: str = "",
    seen_report: int | None = None,
    on: dt.date | None = None,
) -> RoundItem:
    """The supervisor confirms (确认) an item's update or challenges (质询) it with a note. ``seen_report``:
    the update the reviewer read; a newer one submitted meanwhile is a conflict."""
    item = _locked_item(item)
    require_write(actor, Area.RECTIFICATION, item.task.town, field="decision")
    on = on or timezone.localdate()
    note = (note or "").strip()
    problems = []
    if not item.round.is_open:
        problems.append(
            Problem(
                "round",
                "round.closed",
                f"{item.round.label_zh}对账已结束，审核结果不能再修改",
                f"The round {item.round.label_en} is closed: its reviews cannot change",
            )
        )
    if decision not in (RoundItem.Decision.CONFIRMED, RoundItem.Decision.CHALLENGED):
        problems.append(Problem("decision", "review.decision", "请选择“确认”或“质询”", "Choose confirm or challenge"))
    elif decision == RoundItem.Decision.CONFIRMED and not item.submitted:
        problems.append(
            Problem(
                "decision",
                "review.no_update",
                "该事项本轮尚未报送进展，不能确认；可以质询",
                "This item has no update in this round: it cannot be confirmed (it can be challenged)",
            )
        )
    elif decision == RoundItem.Decision.CHALLENGED and not note:
        problems.append(Problem("note", "review.note", "质询须写明意见", "A challenge needs a note saying why"))
    if seen_report is not None and item.report_id is not None and int(seen_report) != item.report_id:
        problems.append(
            Problem(
                "decision",
                "review.conflict",
                "审核期间责任单位又报送了新的进展，请刷新页面查看后再审核",
                "The responsible unit submitted a newer update while you were reviewing: reload "
                "the page and review that one",
            )
        )
    raise_if(problems)
    before = snapshot(item)
    item.decision, item.review_note, item.reviewed_on = decision, note, on
    item.reviewed_by = actor if getattr(actor, "pk", None) else None
    item.save(update_fields=["decision", "review_note", "reviewed_by", "reviewed_on"])
    kind = TaskEvent.Kind.CONFIRMED if decision == RoundItem.Decision.CONFIRMED else TaskEvent.Kind.CHALLENGED
    record_event(
        task=item.task,
        kind=kind,
        actor=actor,
        on=on,
        round=item.round,
        from_status=item.task.status,
        percent_done=item.percent_reported,
        note=note,
    )
    audit_record(
        actor=actor,
        action=f"round_item.{decision}",
        obj=item,
        region_code=item.task.town.code,
        before=before,
        after=snapshot(item),
    )
    return item


@transaction.atomic
def round_close(*, actor: User, round: Round, on: dt.date | None = None) -> Round:
    """End a round: every update must have been reviewed; items without an update are flagged; each
    item's outcome and colour are frozen in ``final``."""
    rnd = Round.objects.select_for_update().select_related("county").get(pk=round.pk)
    require_write(actor, Area.RECTIFICATION, rnd.county, field="round")
    on = on or timezone.localdate()
    problems = plausible_dates(on=on)
    if not rnd.is_open:
        problems.append(
            Problem(
                "round",
                "round.closed",
                f"{rnd.label_zh}对账已结束（{rnd.closed_on}）",
                f"The round {rnd.label_en} was closed on {rnd.closed_on}",
            )
        )
    waiting = rnd.items.filter(report__isnull=False, decision=RoundItem.Decision.PENDING).count()
    if waiting and rnd.is_open:
        problems.append(
            Problem(
                "round",
                "round.unreviewed",
                f"还有{waiting}项已报送的进展未审核（确认或质询），请审核后再结束本轮",
                f"{waiting} submitted update{'s' if waiting != 1 else ''} still to be confirmed or "
                f"challenged before the round can close",
            )
        )
    if on < rnd.period_start:
        problems.append(
            Problem(
                "on",
                "round.close_date",
                f"结束日期早于本轮开始日期{rnd.period_start}",
                f"The closing date is before the round's period ({rnd.period_start})",
            )
        )
    raise_if(problems)
    before = snapshot(rnd)
    rnd.status, rnd.closed_on = Round.Status.CLOSED, on
    rnd.closed_by = actor if getattr(actor, "pk", None) else None
    rnd.save(update_fields=["status", "closed_on", "closed_by"])
    items = list(rnd.items.select_related("task__town", "task__finding"))
    for item in items:
        item.flagged = not item.submitted
    RoundItem.objects.bulk_update(items, ["flagged"])
    tasks = [i.task for i in items]
    history = round_history(t.pk for t in tasks)
    colours = task_colours(tasks, on)
    for item in items:
        c = colours[item.task_id]
        item.final = {
            "submitted": item.submitted,
            "percent_reported": item.percent_reported,
            "decision": item.decision,
            "review_note": item.review_note,
            "flagged": item.flagged,
            "status": item.task.status,
            "colour": c.colour,
            "reason_zh": c.zh,
            "reason_en": c.en,
            "rounds": len(history.get(item.task_id, [])),
        }
    RoundItem.objects.bulk_update(items, ["final"])
    for item in items:
        if item.flagged:
            record_event(
                task=item.task,
                kind=TaskEvent.Kind.FLAGGED,
                actor=actor,
                on=on,
                round=rnd,
                from_status=item.task.status,
                note=f"{rnd.label_zh}对账未报送进展",
            )
    audit_record(
        actor=actor,
        action="round.close",
        obj=rnd,
        region_code=rnd.county.code,
        before=before,
        after={**snapshot(rnd), "flagged_count": sum(i.flagged for i in items), "item_count": len(items)},
    )
    return rnd
