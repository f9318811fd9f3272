"""Agreed dates of a contract: start (开工), completion (竣工), full production (达产).

Not reached by the agreed date (after any approved extension) -> yellow; more than ``grace_days`` late ->
red; the agreed date within ``notice_days`` -> a reminder (``notice_colour``, blue by default: a date that
is near is not slipping). Calendar days: a contract date is a fixed date. A government-caused delay has
already moved the dates by its length (``agreed_dates.settle``); past the moved date the colours apply.
"""

from __future__ import annotations

import datetime as dt

from .contract import MILESTONES, START, Contract
from .findings import Finding
from .periods import anniversary
from .policy import WarningPolicy
from .schedule import DUE_SOON, OVERDUE, deadline_colour

DONE_ZH = {"start": "开工", "completion": "竣工", "production": "达产"}
NOT_DONE_EN = {
    "start": "construction not started",
    "completion": "not completed",
    "production": "full production not reached",
}


def milestone_findings(c: Contract, as_of: dt.date, policy: WarningPolicy) -> list[Finding]:
    rule = policy.contract_dates
    out = []
    for m, (mz, me) in MILESTONES.items():
        agreed = c.agreed(m)
        if agreed is None:
            continue
        done = c.actual(m, as_of)
        if done is not None or (as_of <= agreed and (agreed - as_of).days > rule.notice):
            continue  # done, or open and not yet near: deadline_colour would say green (calendar days)
        st = deadline_colour(agreed, as_of, done, rule, working_days=False)
        ext_zh, ext_en = ("（延期后）", " (as extended)") if c.extended(m) else ("", "")
        figs = {"milestone": m, "agreed": agreed, "extended": c.extended(m)}
        if st.state == OVERDUE:
            colour = st.colour
            over = st.days_overdue
            assert over is not None  # an overdue deadline always counts its days
            zh = f"约定{mz}日{ext_zh}{agreed}已过{over}天仍未{DONE_ZH[m]}"
            en = f"{NOT_DONE_EN[m]} {over} day{'s' if over != 1 else ''} after the agreed date {agreed}{ext_en}"
            if over > rule.grace:
                zh += f"，超过宽限期{rule.grace}天"
                en += f", past the {rule.grace}-day grace"
            else:
                zh += f"（宽限期{rule.grace}天内）"
                en += f" (within the {rule.grace}-day grace)"
            if m == START:
                idle_end = anniversary(agreed, policy.idle_land.idle_after_years, policy.idle_land.leap_day)
                if as_of <= idle_end:
                    zh += f"，{idle_end}后仍未开工将认定为闲置土地"
                    en += f"; idle land if still not started after {idle_end}"
            out.append(Finding(f"{m}.overdue", colour, zh, en, {**figs, "days_overdue": over}, over))
        elif st.state == DUE_SOON:
            left = st.days_left
            zh = f"约定{mz}日{ext_zh}{agreed}临近（剩余{left}天），尚未{DONE_ZH[m]}"
            en = f"agreed {me} date {agreed}{ext_en} is near ({left} day{'s' if left != 1 else ''} left), not yet reached"
            out.append(Finding(f"{m}.due_soon", rule.notice_colour, zh, en, {**figs, "days_left": left}))
    return out
