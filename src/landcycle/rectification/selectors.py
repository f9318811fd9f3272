"""Reads of the rectification ledger, always through the user's scope.

Tasks, progress reports, evidence and round items are scoped by the task's region (``scope_path``) with
``accounts.scope``. Inspections and rounds cover several regions: a user sees those on their own branch
of the division tree — covering a region inside their scope, or the region their scope lies in (the
county's 回头看 concerns every town of it) — and an inspection that gave a task to their town.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from landcycle.accounts.scope import access, region_prefix, scoped
from landcycle.rules.supervision.policy import WarningPolicy
from landcycle.supervision.convert import page_policies, rules_of

from .colours import TaskColour, task_colour
from .models import Evidence, Finding, Inspection, RelapseCheck, Round, RoundItem, Suggestion, Task, TaskEvent
from .policy import RectificationPolicy, policies_by_region


def branch_q(user, field: str) -> Q | None:
    """Regions at ``field`` on the user's branch: inside their scope or above it. None: nothing."""
    prefix = region_prefix(user)
    if prefix is None:
        return None
    if prefix == "":
        return Q()
    above = [prefix[:n] for n in (2, 4, 6) if n < len(prefix)]
    return Q(**{f"{field}__code__startswith": prefix}) | Q(**{f"{field}__code__in": above})


def inspections_visible(user) -> QuerySet:
    q = branch_q(user, "regions")
    if q is None:
        return Inspection.objects.none()
    if not q:
        return Inspection.objects.all()
    prefix = region_prefix(user)
    ids = Inspection.objects.filter(q | Q(findings__tasks__town__code__startswith=prefix)).values("pk")
    return Inspection.objects.filter(pk__in=ids)


def access_inspection(user, pk) -> Inspection:
    try:
        return inspections_visible(user).get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_finding(user, pk) -> Finding:
    try:
        return Finding.objects.select_related("inspection").get(pk=pk, inspection__in=inspections_visible(user))
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_suggestion(user, pk) -> Suggestion:
    try:
        return Suggestion.objects.select_related("inspection").get(pk=pk, inspection__in=inspections_visible(user))
    except (Suggestion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def tasks_visible(user) -> QuerySet:
    return scoped(Task.objects.all(), user)


def access_task(user, pk) -> Task:
    return access(Task.objects.select_related("town", "finding__inspection"), user, pk=pk)


def access_evidence(user, pk) -> Evidence:
    return access(Evidence.objects.select_related("task", "report"), user, pk=pk)


def access_item(user, pk) -> RoundItem:
    return access(RoundItem.objects.select_related("round", "task__town", "task__finding", "report"), user, pk=pk)


def access_recheck(user, pk) -> RelapseCheck:
    return access(
        RelapseCheck.objects.select_related("round", "task__town", "task__finding", "reviewed_by"), user, pk=pk
    )


def rounds_visible(user) -> QuerySet:
    q = branch_q(user, "county")
    return Round.objects.none() if q is None else Round.objects.filter(q)


def access_round(user, pk) -> Round:
    try:
        return rounds_visible(user).select_related("county").get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def open_round(county) -> Round | None:
    return Round.objects.filter(county=county, status=Round.Status.OPEN).first()


# ------------------------------------------------------------------ colours
def round_history(task_ids) -> dict[int, list[dict]]:
    """Per task, its round items oldest first (one query)."""
    rows = (
        RoundItem.objects.filter(task_id__in=list(task_ids))
        .order_by("round__period_start")
        .values("task_id", "round__status", "round__label_zh", "round__label_en", "report_id", "decision")
    )
    out: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        out[r["task_id"]].append(r)
    return out


def colour_inputs(history: list[dict]) -> dict:
    """Closed rounds in a row (latest first) without an update; the round of the latest decision when it
    was a challenge."""
    missed = 0
    for r in reversed([r for r in history if r["round__status"] == Round.Status.CLOSED]):
        if r["report_id"] is not None:
            break
        missed += 1
    decided = [r for r in history if r["decision"] != RoundItem.Decision.PENDING]
    last = decided[-1] if decided else None
    challenged = last is not None and last["decision"] == RoundItem.Decision.CHALLENGED
    return {
        "missed_rounds": missed,
        "challenged_in": last["round__label_zh"] if challenged else None,
        "challenged_in_en": last["round__label_en"] if challenged else None,
    }


def reopenings(task_ids) -> dict[int, dt.date]:
    """Per reopened task, the day of its latest reopening (one query)."""
    return dict(
        TaskEvent.objects.filter(task_id__in=list(task_ids), kind=TaskEvent.Kind.REOPENED)
        .values("task_id")
        .annotate(on=Max("on"))
        .values_list("task_id", "on")
    )


def colour_of(
    task: Task,
    as_of: dt.date,
    history: list[dict],
    reopened_on: dt.date | None = None,
    policy: RectificationPolicy | None = None,
    warnings: WarningPolicy | None = None,
) -> TaskColour:
    """A reopened task's plan starts again on the day it reopened (its progress restarted from 0 then). ``policy``:
    that of the task's county (default: the shipped one); ``warnings``: the warnings policy of the task's county
    (its calendar and plan thresholds; default: read by ``rules_of``, once per request)."""
    start = max(task.assigned_on, reopened_on) if reopened_on else task.assigned_on
    return task_colour(
        deadline=task.deadline,
        as_of=as_of,
        closed=not task.is_open,
        assigned_on=start,
        percent_done=task.percent_done,
        policy=policy,
        warnings=warnings or rules_of(task),
        **colour_inputs(history),
    )


def task_colours(tasks, as_of: dt.date) -> dict[int, TaskColour]:
    tasks = list(tasks)
    history = round_history(t.pk for t in tasks)
    reopened = reopenings(t.pk for t in tasks if t.status == Task.Status.REOPENED)
    policies = policies_by_region(t.town_id for t in tasks)  # each task by its county's rules (本县政策)
    warnings = page_policies()  # and by its county's warnings policy (calendar, plan thresholds)
    return {
        t.pk: colour_of(
            t, as_of, history.get(t.pk, []), reopened.get(t.pk), policies.get(t.town_id), warnings.of_subject(t)
        )
        for t in tasks
    }


def with_colours(tasks, as_of: dt.date) -> list[Task]:
    """The tasks, each with ``.tc`` (its TaskColour)."""
    tasks = list(tasks)
    colours = task_colours(tasks, as_of)
    for t in tasks:
        t.tc = colours[t.pk]
    return tasks


def round_units(items) -> list[dict]:
    """Who has submitted: per responsible unit, its items and their state."""
    units: dict = {}
    for i in items:
        key = (i.task.town.code, i.task.department if i.task.town.level != "town" else "")
        u = units.setdefault(
            key,
            {
                "label": i.task.unit if i.task.town.level != "town" else i.task.town.name,
                "items": 0,
                "submitted": 0,
                "confirmed": 0,
                "challenged": 0,
                "missing": 0,
            },
        )
        u["items"] += 1
        u["submitted"] += i.submitted
        u["confirmed"] += i.decision == RoundItem.Decision.CONFIRMED
        u["challenged"] += i.decision == RoundItem.Decision.CHALLENGED
        u["missing"] += not i.submitted
    for u in units.values():
        u["done"] = u["missing"] == 0
    return list(units.values())


# ------------------------------------------------------------------ the home page's to-do lists
def open_round_reports(user) -> list[dict]:
    """Per open round, the user's items in it: how many, how many still without a report (one query)."""
    return list(
        scoped(RoundItem.objects.filter(round__status=Round.Status.OPEN), user)
        .order_by("round__due_on", "round_id")
        .values("round_id", "round__label_zh", "round__label_en", "round__due_on")
        .annotate(items=Count("id"), missing=Count("id", filter=Q(report__isnull=True)))
    )


def reports_due_soon(user, as_of: dt.date, days: int) -> list[dict]:
    """Per open round due within ``days`` days of ``as_of`` (or already past its due day) and per responsible
    unit, the items still without a report — what ``landcycle rectification remind`` reminds of. One query."""
    return list(
        scoped(
            RoundItem.objects.filter(
                round__status=Round.Status.OPEN,
                report__isnull=True,
                round__due_on__lte=as_of + dt.timedelta(days=days),
            ),
            user,
        )
        .order_by("round__due_on", "round_id", "task__town__code", "task__department")
        .values(
            "round_id", "round__label_zh", "round__label_en", "round__due_on", "task__town__name", "task__department"
        )
        .annotate(missing=Count("id"))
    )


def tasks_near_deadline(user, as_of: dt.date, days: int = 30) -> QuerySet:
    """Open tasks in scope whose deadline has passed or falls within ``days`` days, soonest first."""
    return (
        tasks_visible(user)
        .exclude(status=Task.Status.CLOSED)
        .filter(deadline__lte=as_of + dt.timedelta(days=days))
        .select_related("town")
        .order_by("deadline", "pk")
    )


def items_to_review(user) -> QuerySet:
    """Round items of open rounds that were reported and wait for the supervisor's decision."""
    return (
        scoped(RoundItem.objects.filter(round__status=Round.Status.OPEN), user)
        .filter(report__isnull=False, decision=RoundItem.Decision.PENDING)
        .select_related("round", "task__town")
        .order_by("submitted_on", "pk")
    )


def rechecks_to_review(user) -> QuerySet:
    """回头看 checks of open rounds not re-checked yet."""
    return (
        scoped(RelapseCheck.objects.filter(round__status=Round.Status.OPEN), user)
        .filter(decision=RelapseCheck.Decision.PENDING)
        .select_related("round", "task__town")
        .order_by("watch_until", "pk")
    )


def tasks_ready_to_close(user) -> QuerySet:
    """Open tasks reported 100 % done: their close-out (销号) waits for the supervisor."""
    return (
        tasks_visible(user)
        .exclude(status=Task.Status.CLOSED)
        .filter(percent_done__gte=100)
        .select_related("town")
        .order_by("last_report_on", "pk")
    )


def open_work_by_town(user, as_of: dt.date) -> dict[int, dict[str, int]]:
    """Per town id: overdue open tasks and round items of open rounds still without a report (two queries)."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"overdue_tasks": 0, "missing_reports": 0})
    overdue = (
        tasks_visible(user)
        .exclude(status=Task.Status.CLOSED)
        .filter(deadline__lt=as_of)
        .order_by()
        .values_list("town_id")
        .annotate(n=Count("id"))
    )
    for town_id, n in overdue:
        out[town_id]["overdue_tasks"] = n
    missing = (
        scoped(RoundItem.objects.filter(round__status=Round.Status.OPEN, report__isnull=True), user)
        .order_by()
        .values_list("task__town_id")
        .annotate(n=Count("id"))
    )
    for town_id, n in missing:
        out[town_id]["missing_reports"] = n
    return dict(out)


# ------------------------------------------------------------------ the dashboard (web/dashboard.py)
def task_progress_by_town(user, as_of: dt.date) -> dict[int, dict[str, int]]:
    """Per town id (the region responsible): tasks closed (已销号), open within their deadline, and open past it
    (逾期) — the ledger's filters status=closed / current / overdue. One query."""
    rows = (
        tasks_visible(user)
        .order_by()
        .values("town_id")
        .annotate(
            closed=Count("id", filter=Q(status=Task.Status.CLOSED)),
            current=Count("id", filter=~Q(status=Task.Status.CLOSED) & Q(deadline__gte=as_of)),
            overdue=Count("id", filter=~Q(status=Task.Status.CLOSED) & Q(deadline__lt=as_of)),
        )
    )
    return {r.pop("town_id"): r for r in rows}
