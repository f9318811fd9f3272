"""The colour of a rectification task (三色预警), through the supervision rules. Pure: no Django.

Green on track; yellow when the deadline is within the policy's working days (``deadline_colour`` on the
official calendar) or the last reconciliation challenged the task; red when it is overdue or went the
policy's number of closed rounds in a row without an update. A closed (销号) task is green. Every colour
carries its reasons, each in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

from landcycle.rules.supervision import (
    GREEN,
    RED,
    YELLOW,
    CalendarError,
    WorkCalendar,
    deadline_colour,
    load_policy,
    progress_colour,
    worst,
)
from landcycle.rules.supervision.policy import DeadlineRule, WarningPolicy

from .policy import RectificationPolicy, rectification_policy

RANK = {GREEN: 0, YELLOW: 1, RED: 2}


@dataclass(frozen=True)
class Reason:
    rule: str
    colour: str
    zh: str
    en: str


@dataclass(frozen=True)
class TaskColour:
    colour: str
    reasons: tuple[Reason, ...]
    deadline_state: str  # done / open / due_soon / overdue (rules.supervision.schedule)
    days_overdue: int | None = None

    @property
    def zh(self) -> str:
        return "；".join(r.zh for r in self._ordered())

    @property
    def en(self) -> str:
        return "; ".join(r.en for r in self._ordered())

    @property
    def overdue(self) -> bool:
        return self.deadline_state == "overdue"

    @property
    def ordered(self) -> list[Reason]:
        """The reasons, the worst colour first."""
        return sorted(self.reasons, key=lambda r: -RANK[r.colour])

    def _ordered(self):
        return self.ordered


@lru_cache(maxsize=1)
def _shipped_warnings() -> WarningPolicy:
    return load_policy()


_CALENDARS: dict[str, tuple[WorkCalendar, bool]] = {}  # by the hash of the policy text


def _calendar(warn: WarningPolicy | None = None) -> tuple[WorkCalendar, bool]:
    """The working-day calendar and the rest-day rule of ``warn`` (the warnings policy of the task's county, 本县政策:
    its own local table of holidays; None: the shipped file), built once per policy text."""
    warn = warn or _shipped_warnings()
    if warn.hash not in _CALENDARS:
        if len(_CALENDARS) >= 32:
            _CALENDARS.clear()
        _CALENDARS[warn.hash] = (WorkCalendar(warn.calendar), warn.deadlines.roll_forward)
    return _CALENDARS[warn.hash]


def work_calendar(warn: WarningPolicy | None = None) -> WorkCalendar:
    """The official working-day calendar with the local table of ``warn`` (the county's warnings policy; None: the
    shipped one)."""
    return _calendar(warn)[0]


def _deadline(
    deadline: dt.date, as_of: dt.date, done: bool, policy: RectificationPolicy, warn: WarningPolicy | None = None
) -> tuple[Reason, str, int | None]:
    calendar, roll = _calendar(warn)
    rule = DeadlineRule(notice=policy.notice_working_days, grace=policy.grace_working_days, roll_forward=roll)
    try:
        st = deadline_colour(deadline, as_of, done, rule, working_days=True, calendar=calendar)
        note_zh = note_en = ""
    except CalendarError:
        # A year the official calendar does not cover yet: count calendar days. Far from the deadline the
        # colour is certain (more calendar days than any run of rest days could eat); near it, say so.
        far = (deadline - as_of).days > 2 * policy.notice_working_days + 30
        notice = 0 if far else math.ceil(policy.notice_working_days * 7 / 5)
        grace = math.ceil(policy.grace_working_days * 7 / 5)
        st = deadline_colour(deadline, as_of, done, DeadlineRule(notice=notice, grace=grace), working_days=False)
        note_zh = "" if far else "（该年度法定节假日尚未配置，按自然日估算）"
        note_en = (
            "" if far else " (the official holidays of that year are not configured yet: counted in calendar days)"
        )
    rule_code = {"overdue": "task.overdue", "due_soon": "task.due_soon"}.get(st.state, "task.deadline")
    return Reason(rule_code, st.colour, st.zh + note_zh, st.en + note_en), st.state, st.days_overdue


def task_colour(
    *,
    deadline: dt.date,
    as_of: dt.date,
    closed: bool,
    missed_rounds: int = 0,
    challenged_in: str | None = None,
    challenged_in_en: str | None = None,
    assigned_on: dt.date | None = None,
    percent_done=None,
    policy: RectificationPolicy | None = None,
    warnings: WarningPolicy | None = None,
) -> TaskColour:
    """The colour of one task on ``as_of``.

    ``missed_rounds``: closed rounds in a row, up to the latest, in which the task had no update.
    ``challenged_in``: the label of the round whose review of the task was its latest decision, when that
    decision was a challenge (质询).
    ``assigned_on`` and ``percent_done``: the task's schedule and progress, compared with the time-proportional
    plan from assignment to deadline (``progress_colour``; only before the deadline, after it the task is
    overdue anyway).
    ``policy``: the rectification policy of the task's county; ``warnings``: its warnings policy (本县政策: the
    working-day calendar, the rest-day rule and the plan's thresholds); None: the shipped files."""
    policy = policy or rectification_policy()
    warnings = warnings or _shipped_warnings()
    if closed:
        return TaskColour(GREEN, (Reason("task.closed", GREEN, "已销号", "closed out"),), "done")
    reason, state, overdue = _deadline(deadline, as_of, False, policy, warnings)
    reasons = [reason]
    if (
        policy.progress_against_plan
        and assigned_on is not None
        and percent_done is not None
        and assigned_on < deadline
        and as_of <= deadline
    ):
        st = progress_colour(assigned_on, deadline, as_of, percent_done, warnings)
        if st.colour != GREEN:
            reasons.append(Reason("task.behind", st.colour, st.zh, st.en))
    if challenged_in:
        reasons.append(
            Reason(
                "task.challenged",
                policy.challenged_colour,
                f"{challenged_in}对账被质询",
                f"challenged in the reconciliation of {challenged_in_en or challenged_in}",
            )
        )
    if missed_rounds >= policy.red_after_missed:
        reasons.append(
            Reason(
                "task.no_update",
                RED,
                f"连续{missed_rounds}轮对账未报送进展",
                f"no update in the last {missed_rounds} reconciliation rounds",
            )
        )
    elif policy.yellow_after_missed and missed_rounds >= policy.yellow_after_missed:
        reasons.append(
            Reason(
                "task.no_update",
                YELLOW,
                f"连续{missed_rounds}轮对账未报送进展",
                f"no update in the last {missed_rounds} reconciliation round{'s' if missed_rounds != 1 else ''}",
            )
        )
    return TaskColour(worst(r.colour for r in reasons), tuple(reasons), state, overdue)
