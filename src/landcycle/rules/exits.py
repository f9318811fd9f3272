"""The colour of a vacating case (腾退案件) or a take-back of idle land (收回) on a day: pure, no Django.

A case runs from its planned start to its deadline. Its progress is read off the furthest step reached (a case
does not go back: a second survey after a talk does not lower it), in percent of the way to handover:

    告知 10 · 踏勘 20 · 约谈 30 · 专题会议 40 · 调解 50 · 签订协议 70 · 场地清理完毕 90 · 验收移交 100

and for a take-back: 收回决定 40 · 告知 50 (the notice of the decision) · 听证 60 · 场地清理完毕 90 · 移交 100.

Two rules of the supervision (``rules.supervision.schedule``) give the colour, the worse one wins:

- progress against the plan, time-proportional (序时进度): planned share = elapsed days / planned days; behind
  by ``yellow_behind`` points or more -> yellow, more than ``red_behind`` -> red (default 10 and 30);
- the deadline, in calendar days: ``notice`` days or fewer left -> yellow (期限临近); overdue -> yellow, red
  after ``grace`` days (default 30 and 30).

A closed case (handed over) is green ("done"); a cancelled case has no colour (None): it is not supervised.
A case without a planned start or deadline is grey (未能判定), never green.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .supervision.findings import GREEN, GREY, worst
from .supervision.policy import DeadlineRule, ProgressRule
from .supervision.schedule import OVERDUE, deadline_colour, progress_colour

# percent of the way to handover, by step kind (the furthest reached counts)
VACATING_PROGRESS: dict[str, int] = {
    "notice": 10,
    "survey": 20,
    "talk": 30,
    "meeting": 40,
    "mediation": 50,
    "agreement": 70,
    "cleared": 90,
    "handover": 100,
}
TAKEBACK_PROGRESS: dict[str, int] = {
    "decision": 40,
    "notice": 50,
    "hearing": 60,
    "cleared": 90,
    "handover": 100,
}


@dataclass(frozen=True)
class ExitRule:
    """Thresholds of a case's colour (calendar days and percentage points)."""

    notice_days: int = 30
    grace_days: int = 30
    yellow_behind: Decimal = Decimal(10)
    red_behind: Decimal = Decimal(30)


DEFAULT_RULE = ExitRule()


@dataclass(frozen=True)
class CaseColour:
    colour: str | None  # green / yellow / red / grey; None for a cancelled case
    percent_done: int
    state: str  # "done", "open", "due_soon", "overdue", "cancelled", "unplanned"
    zh: str
    en: str
    days_overdue: int | None = None


def percent_done(kind: str, steps: Iterable[str]) -> int:
    """How far the case has come (0..100), by the furthest step reached."""
    table = TAKEBACK_PROGRESS if kind == "takeback" else VACATING_PROGRESS
    return max((table.get(s, 0) for s in steps), default=0)


def case_colour(
    *,
    kind: str,
    state: str,
    steps: Iterable[str],
    planned_start: dt.date | None,
    deadline: dt.date | None,
    handover: dt.date | None,
    as_of: dt.date,
    rule: ExitRule = DEFAULT_RULE,
) -> CaseColour:
    """The colour of a case on ``as_of`` (see the module's docstring); ``state``: open / closed / cancelled."""
    done = percent_done(kind, steps)
    if state == "cancelled":
        return CaseColour(None, done, "cancelled", "已撤销，不再督办", "cancelled, no longer supervised")
    if state == "closed":
        on = handover.isoformat() if handover else ""
        return CaseColour(GREEN, 100, "done", f"已于{on}验收移交", f"handed over on {on}")
    if planned_start is None or deadline is None:
        return CaseColour(
            GREY,
            done,
            "unplanned",
            "未填写计划开始日期或完成期限，未能判定",
            "no planned start or deadline: not judged",
        )
    dl = deadline_colour(deadline, as_of, None, DeadlineRule(rule.notice_days, rule.grace_days), working_days=False)
    colours = [dl.colour]
    zh, en = [dl.zh], [dl.en]
    if deadline > planned_start:
        pr = progress_colour(planned_start, deadline, as_of, done, ProgressRule(rule.yellow_behind, rule.red_behind))
        colours.append(pr.colour)
        zh.insert(0, pr.zh)
        en.insert(0, pr.en)
    return CaseColour(worst(colours), done, dl.state, "；".join(zh), "; ".join(en), dl.days_overdue)


def is_overdue(c: CaseColour) -> bool:
    return c.state == OVERDUE
