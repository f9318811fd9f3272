"""The cadence of reconciliation rounds (对账周期): periods of a month by the policy's start days, and the
day a round's updates are due on the official working-day calendar. Pure: no Django.

With the default start days [1, 16] a month has two periods, the 1st–15th and the 16th–end (28, 29, 30
or 31). The due day is the period's last day, moved to the next working day when that is a rest day.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass

from landcycle.rules.supervision import WorkCalendar

ONE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    index: int  # 1-based position of the period in its month
    count: int  # periods in a month

    @property
    def label_zh(self) -> str:
        month = f"{self.start.year}年{self.start.month}月"
        if self.count == 1:
            return month
        if self.count == 2:
            return month + ("上半月" if self.index == 1 else "下半月")
        return f"{month}第{self.index}期"

    @property
    def label_en(self) -> str:
        month = self.start.strftime("%B %Y")
        if self.count == 1:
            return month
        if self.count == 2:
            return f"{month}, {'first' if self.index == 1 else 'second'} half"
        return f"{month}, period {self.index} of {self.count}"

    @property
    def span(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def period_containing(day: dt.date, start_days: tuple[int, ...] | list[int]) -> Period:
    """The period of ``day``: it starts on the last start day not after ``day`` and ends the day before
    the next start day (the last period of a month ends on the month's last day)."""
    starts = list(start_days)
    index = max(i for i, s in enumerate(starts) if s <= day.day)
    start = day.replace(day=starts[index])
    end = day.replace(day=starts[index + 1]) - ONE if index + 1 < len(starts) else month_end(day)
    return Period(start, end, index + 1, len(starts))


def next_period(period: Period, start_days) -> Period:
    return period_containing(period.end + ONE, start_days)


def previous_period(period: Period, start_days) -> Period:
    return period_containing(period.start - ONE, start_days)


def periods_between(first: dt.date, last: dt.date, start_days) -> list[Period]:
    """Every period from the one containing ``first`` to the one containing ``last``, in order."""
    out = [period_containing(first, start_days)]
    while out[-1].end < last:
        out.append(next_period(out[-1], start_days))
    return out


def due_day(period: Period, calendar: WorkCalendar, roll_forward: bool = True) -> dt.date:
    """The day the round's updates are due: its last day, or the next working day after a rest day.
    Raises ``CalendarError`` for a year the calendar does not know (never a guess)."""
    return calendar.next_workday(period.end) if roll_forward else period.end
