"""Date helpers for the sample: drawn from the seeded generator, never from the clock."""

from __future__ import annotations

import datetime as dt
import random

from .plan import REFERENCE_DATE

DAY = dt.timedelta(days=1)


def date_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def date_in_year(rng: random.Random, year: int) -> dt.date:
    return date_between(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def lease_terms(start: dt.date, years: int) -> list[tuple[dt.date, dt.date]]:
    """A lease renewed term after term until one runs past the reference date: the earlier terms are
    the ended leases a real ledger keeps."""
    terms = []
    while True:
        end = add_years(start, years) - DAY
        terms.append((start, end))
        if end >= REFERENCE_DATE:
            return terms
        start = end + DAY


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)
