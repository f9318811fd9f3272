"""When a warning's verification (核实) is due: ``verify_working_days`` working days (policies/warnings.toml,
``[handling]``) after the day it was raised or reopened, on the official calendar of the same policy. A day
beyond every calendar the product knows counts calendar days instead (5 working days ≈ 7 days), so a warning
is never left without a due date."""

from __future__ import annotations

import datetime as dt
import math

from landcycle.rules.supervision import CalendarError, WorkCalendar
from landcycle.rules.supervision.policy import WarningPolicy

from .convert import policy


def verify_due(opened: dt.date, calendar: WorkCalendar | None = None, rules: WarningPolicy | None = None) -> dt.date:
    """``rules``: the warning policy of the warning's county (default: the shipped one)."""
    rules = rules or policy()
    n = rules.handling.verify_working_days
    cal = calendar or WorkCalendar(rules.calendar)
    try:
        return cal.add(opened, n)
    except CalendarError:
        return opened + dt.timedelta(days=math.ceil(n * 7 / 5))
