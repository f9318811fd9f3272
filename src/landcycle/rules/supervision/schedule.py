"""Deadlines and schedules, for anything supervised: contract milestones, rectification tasks, renewal
projects. ``deadline_colour`` and ``progress_colour`` are the two entry points later issues plug into.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .findings import GREEN, RED, YELLOW
from .policy import DeadlineRule, ProgressRule, WarningPolicy
from .workdays import WorkCalendar

DONE, OPEN, DUE_SOON, OVERDUE = "done", "open", "due_soon", "overdue"


@dataclass(frozen=True)
class DeadlineStatus:
    """``state``: done / open / due_soon / overdue. ``days_left`` and ``days_overdue`` are counted in
    working days when ``working_days`` (else calendar days); ``effective`` is the deadline after a rest
    day moved it to the next working day."""

    colour: str
    state: str
    deadline: dt.date
    effective: dt.date
    days_left: int | None
    days_overdue: int | None
    working_days: bool
    zh: str
    en: str


def deadline_colour(
    deadline: dt.date,
    as_of: dt.date,
    done: bool | dt.date | None,
    policy: WarningPolicy | DeadlineRule,
    working_days: bool = True,
    *,
    calendar: WorkCalendar | None = None,
) -> DeadlineStatus:
    """The colour of a deadline on ``as_of``.

    ``done``: True, or the date it was done (done when that date is not after ``as_of``). Not done:
    yellow when 0..notice days are left; overdue: yellow up to ``grace`` days late, red after (grace 0:
    red at once). With a ``WarningPolicy`` the ``[deadlines]`` thresholds (working days) apply; pass a
    ``DeadlineRule`` for others (``policy.contract_dates`` counts calendar days). In working days,
    overdue days are the working days in (deadline, as_of], at least 1 once the deadline has passed.
    Raises ``CalendarError`` for a day outside the known calendars.
    """
    if isinstance(policy, WarningPolicy):
        rule = policy.deadlines
        calendar = calendar or WorkCalendar(policy.calendar)
    else:
        rule = policy
    cal = calendar if calendar is not None else WorkCalendar()  # used for working days only
    unit_zh, unit_en = ("个工作日", "working day") if working_days else ("天", "day")
    effective = cal.next_workday(deadline) if working_days and rule.roll_forward else deadline
    moved_zh = f"（{deadline.isoformat()}为休息日，顺延至{effective.isoformat()}）" if effective != deadline else ""
    moved_en = (
        f" ({deadline.isoformat()} is a rest day, moved to {effective.isoformat()})" if effective != deadline else ""
    )
    is_done = done is True or (isinstance(done, dt.date) and done <= as_of)
    if is_done:
        return DeadlineStatus(
            GREEN,
            DONE,
            deadline,
            effective,
            None,
            None,
            working_days,
            f"期限{effective.isoformat()}，已完成",
            f"deadline {effective.isoformat()}, done",
        )
    if as_of > effective:
        over = max(1, cal.count(effective, as_of)) if working_days else (as_of - effective).days
        colour = RED if over > rule.grace else YELLOW
        return DeadlineStatus(
            colour,
            OVERDUE,
            deadline,
            effective,
            None,
            over,
            working_days,
            f"期限{effective.isoformat()}{moved_zh}已逾期{over}{unit_zh}",
            f"overdue by {over} {unit_en}{'s' if over != 1 else ''} (deadline {effective.isoformat()}{moved_en})",
        )
    left = cal.count(as_of, effective) if working_days else (effective - as_of).days
    if left <= rule.notice:
        return DeadlineStatus(
            YELLOW,
            DUE_SOON,
            deadline,
            effective,
            left,
            None,
            working_days,
            f"期限{effective.isoformat()}{moved_zh}临近，剩余{left}{unit_zh}",
            f"deadline {effective.isoformat()}{moved_en} is near: {left} {unit_en}{'s' if left != 1 else ''} left",
        )
    return DeadlineStatus(
        GREEN,
        OPEN,
        deadline,
        effective,
        left,
        None,
        working_days,
        f"期限{effective.isoformat()}，剩余{left}{unit_zh}",
        f"deadline {effective.isoformat()}, {left} {unit_en}{'s' if left != 1 else ''} left",
    )


@dataclass(frozen=True)
class ProgressStatus:
    """Planned share of the schedule on ``as_of`` (序时进度) against the share done, in percentage points."""

    colour: str
    planned_percent: Decimal
    done_percent: Decimal
    behind_points: Decimal
    zh: str
    en: str


def _d1(f: Fraction) -> Decimal:
    return (Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def progress_colour(
    planned_start: dt.date, planned_end: dt.date, as_of: dt.date, percent_done, policy: WarningPolicy | ProgressRule
) -> ProgressStatus:
    """Colour of a schedule: planned share = elapsed days / planned days (0 before the start, 100 % from
    the planned end on); behind = planned − done, in points. ≥ yellow_behind -> yellow, > red_behind -> red
    (默认 10–30 points yellow, more than 30 red). Compared exactly; figures shown to one decimal."""
    rule = policy.progress if isinstance(policy, WarningPolicy) else policy
    if planned_end <= planned_start:
        raise ValueError(f"planned end {planned_end} must be after planned start {planned_start}")
    total = (planned_end - planned_start).days
    elapsed = min(max((as_of - planned_start).days, 0), total)
    planned = Fraction(elapsed * 100, total)
    done = Fraction(str(percent_done))
    behind = planned - done
    if behind > Fraction(str(rule.red_behind)):
        colour = RED
    elif behind >= Fraction(str(rule.yellow_behind)):
        colour = YELLOW
    else:
        colour = GREEN
    p, d, b = _d1(planned), _d1(done), _d1(behind)
    if behind > 0:
        zh = f"序时进度应达{p}%，实际完成{d}%，滞后{b}个百分点"
        en = f"planned {p}% by {as_of.isoformat()}, done {d}%: {b} points behind"
    else:
        zh = f"序时进度应达{p}%，实际完成{d}%，未滞后"
        en = f"planned {p}% by {as_of.isoformat()}, done {d}%: on schedule"
    return ProgressStatus(colour, p, d, b, zh, en)
