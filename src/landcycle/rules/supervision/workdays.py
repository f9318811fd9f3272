"""Working days on the official Chinese calendar (国务院办公厅 holiday notices, with 调休 working weekends).

The ``chinesecalendar`` package knows the years it ships data for (2004-2026 in 1.11.0). The policy's
``[calendar]`` table adds whole years (``years``: weekdays work, weekends rest, except the listed
``holidays`` and ``workdays``) and may correct single dates of any year. A date in a year neither knows
raises ``CalendarError`` — a deadline is never counted on a guessed calendar.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

from ..problems import Problem, RuleError
from .policy import CalendarTable

ONE = dt.timedelta(days=1)


@lru_cache(maxsize=1)
def package_years() -> tuple[int, int]:
    """(first, last) year the chinesecalendar package has data for."""
    years = {d.year for d in chinese_calendar.constants.holidays}
    return min(years), max(years)


class CalendarError(RuleError):
    """A date outside every calendar the product knows."""

    def __init__(self, day: dt.date, table: CalendarTable):
        first, last = package_years()
        extra = "、".join(str(y) for y in sorted(table.years)) or "无"
        extra_en = ", ".join(str(y) for y in sorted(table.years)) or "none"
        version = getattr(chinese_calendar, "__version__", "")
        self.day = day
        super().__init__(
            [
                Problem(
                    "calendar",
                    "calendar.out_of_range",
                    f"{day.isoformat()} 超出法定节假日数据范围：chinesecalendar {version} 覆盖 {first}–{last} 年，"
                    f"预警规则 [calendar] 本地调整表覆盖：{extra}。请在调整表中加入 {day.year} 年的节假日和调休上班日。",
                    f"{day.isoformat()} is beyond the official holiday data: chinesecalendar {version} covers "
                    f"{first}-{last}, the policy's local [calendar] table covers: {extra_en}. Add the holidays and "
                    f"working weekend days of {day.year} to the table.",
                )
            ]
        )


class WorkCalendar:
    def __init__(self, table: CalendarTable | None = None):
        self.table = table or CalendarTable(frozenset(), frozenset(), frozenset())
        self._cache: dict[dt.date, bool] = {}

    def covers(self, day: dt.date) -> bool:
        first, last = package_years()
        return first <= day.year <= last or day.year in self.table.years

    def is_workday(self, day: dt.date) -> bool:
        hit = self._cache.get(day)
        if hit is not None:
            return hit
        if day in self.table.holidays:
            out = False
        elif day in self.table.workdays:
            out = True
        elif day.year in self.table.years:
            out = day.weekday() < 5
        else:
            first, last = package_years()
            if not first <= day.year <= last:
                raise CalendarError(day, self.table)
            out = chinese_calendar.is_workday(day)
        self._cache[day] = out
        return out

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += ONE
        return day

    def count(self, after: dt.date, until: dt.date) -> int:
        """Working days in (after, until]; 0 when ``until`` is not later."""
        n, day = 0, after + ONE
        while day <= until:
            n += self.is_workday(day)
            day += ONE
        return n

    def add(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted); n=0 gives ``day``."""
        while n > 0:
            day += ONE
            n -= self.is_workday(day)
        return day
