"""Periods counted in years, the way 民法典 counts them (第二百零一条, 第二百零二条).

A period of N years that starts after day D (D itself is not counted) ends on the day of D's month and
day N years later; that day is the period's last day, so the period is "full" (满N年) from the day
after it on. D = 29 February has no corresponding day in a common year: ``leap_day="feb28"`` (the
default, 民法典: 没有对应日的，月末日为期间的最后一日) ends it on 28 February, ``"mar1"`` on 1 March.

Examples (leap_day="feb28"): one year after 2018-03-01 ends on 2019-03-01 (365 days later), so
2019-03-02 (366 days) is the first day of "one full year passed"; after 2019-03-01 it ends on
2020-03-01 (366 days, the span holds 2020-02-29); after 2020-02-29 on 2021-02-28 (365 days); after
2019-02-28 on 2020-02-28 (365 days).
"""

from __future__ import annotations

import datetime as dt

LEAP_DAY_RULES = ("feb28", "mar1")


def anniversary(d: dt.date, years: int, leap_day: str = "feb28") -> dt.date:
    """The last day of a period of ``years`` years after ``d``: same month and day, ``years`` later."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February into a common year
        if leap_day == "mar1":
            return dt.date(d.year + years, 3, 1)
        return dt.date(d.year + years, 2, 28)


def full_years_passed(d: dt.date, years: int, as_of: dt.date, leap_day: str = "feb28") -> bool:
    """True when ``years`` full years after ``d`` have passed on ``as_of`` (as_of is after the last day)."""
    return as_of > anniversary(d, years, leap_day)


def years_and_days(d: dt.date, as_of: dt.date, leap_day: str = "feb28") -> tuple[int, int]:
    """(full years, remaining days) from ``d`` to ``as_of``: 2018-03-01 -> 2019-03-04 is (1, 3)."""
    if as_of < d:
        return 0, 0
    years = as_of.year - d.year
    while years > 0 and anniversary(d, years, leap_day) > as_of:
        years -= 1
    base = anniversary(d, years, leap_day) if years else d
    return years, (as_of - base).days


def span_zh(d: dt.date, as_of: dt.date, leap_day: str = "feb28") -> str:
    """ "1年零3天", "2年", "45天"."""
    y, n = years_and_days(d, as_of, leap_day)
    if y and n:
        return f"{y}年零{n}天"
    if y:
        return f"{y}年"
    return f"{n}天"


def span_en(d: dt.date, as_of: dt.date, leap_day: str = "feb28") -> str:
    """ "1 year and 3 days", "2 years", "45 days"."""
    y, n = years_and_days(d, as_of, leap_day)
    ys = f"{y} year{'s' if y != 1 else ''}"
    ds = f"{n} day{'s' if n != 1 else ''}"
    if y and n:
        return f"{ys} and {ds}"
    return ys if y else ds
