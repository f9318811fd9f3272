"""Plausible dates (issue 10): a date far in the past or the future is a typo that would break pages and
the warnings refresh (``9999-12-31`` plus a year is no date at all), so it is refused where it comes in.

The bounds are the ``[dates]`` table of ``policies/registry.toml`` (each with its reason there):

- ``earliest`` — no date before it (1949-10-01);
- ``contract_years_after_signing`` — a contract's dates at most this many years after its signing;
- ``years_after_today`` — any other date (and a contract's signing date) at most this many years after today.

Pure Python: the services of the registry, supervision and rectification, the ledger importers and the
supervision rules (``validate_contract``) call :func:`date_problems` and :func:`year_problems`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from .policy import load_default
from .problems import Problem


@dataclass(frozen=True)
class DateBounds:
    earliest: dt.date
    contract_years_after_signing: int
    years_after_today: int

    def latest(self, today: dt.date | None = None) -> dt.date:
        """The latest date of a record not tied to a signing date."""
        return _later(today or dt.date.today(), self.years_after_today)

    def latest_for_contract(self, signed_on: dt.date | None, today: dt.date | None = None) -> tuple[dt.date, bool]:
        """(latest date, whether it is counted from the signing date) for a date of a contract."""
        general = self.latest(today)
        if isinstance(signed_on, dt.date) and self.earliest <= signed_on <= general:
            return add_years(signed_on, self.contract_years_after_signing), True
        return general, False


def add_years(d: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February -> 28 February), capped at the last representable day."""
    year = min(d.year + years, dt.MAXYEAR)
    try:
        return d.replace(year=year)
    except ValueError:
        return d.replace(year=year, day=28)


@lru_cache(maxsize=8)
def _later(day: dt.date, years: int) -> dt.date:
    return add_years(day, years)


def bounds(policy: dict | None = None) -> DateBounds:
    """The bounds of ``policy`` (a registry policy as a dict), by default the shipped one."""
    return _bounds(policy) if policy is not None else _default_bounds()


@lru_cache(maxsize=1)
def _default_bounds() -> DateBounds:
    return _bounds(load_default("registry"))


def _bounds(policy: dict) -> DateBounds:
    table = policy.get("dates", {})
    earliest = table.get("earliest", dt.date(1949, 10, 1))
    if isinstance(earliest, str):
        earliest = dt.date.fromisoformat(earliest)
    return DateBounds(
        earliest, int(table.get("contract_years_after_signing", 50)), int(table.get("years_after_today", 70))
    )


def date_problems(
    field: str,
    value,
    zh: str,
    en: str,
    *,
    signed_on: dt.date | None = None,
    contract: bool = False,
    today: dt.date | None = None,
) -> list[Problem]:
    """A problem when ``value`` (a date; anything else is left to the caller) is outside the plausible range.
    ``contract``: a date of a contract, at most ``contract_years_after_signing`` after ``signed_on``."""
    if not isinstance(value, dt.date):
        return []
    if isinstance(value, dt.datetime):
        value = value.date()
    b = bounds()
    if value < b.earliest:
        return [
            Problem(
                field,
                "date.too_early",
                f"{zh}（{value.isoformat()}）早于{b.earliest.isoformat()}，不是可信的日期，请核对",
                f"{en} ({value.isoformat()}) is before {b.earliest.isoformat()}: not a plausible date, check it",
            )
        ]
    if contract:
        latest, from_signing = b.latest_for_contract(signed_on, today)
    else:
        latest, from_signing = b.latest(today), False
    if value > latest:
        if from_signing:
            n = b.contract_years_after_signing
            return [
                Problem(
                    field,
                    "date.too_late",
                    f"{zh}（{value.isoformat()}）晚于合同签订后{n}年（{latest.isoformat()}），不是可信的日期，请核对",
                    f"{en} ({value.isoformat()}) is more than {n} years after the signing date (latest "
                    f"{latest.isoformat()}): not a plausible date, check it",
                )
            ]
        n = b.years_after_today
        return [
            Problem(
                field,
                "date.too_late",
                f"{zh}（{value.isoformat()}）晚于今后{n}年（{latest.isoformat()}），不是可信的日期，请核对",
                f"{en} ({value.isoformat()}) is more than {n} years from today (latest "
                f"{latest.isoformat()}): not a plausible date, check it",
            )
        ]
    return []


def year_problems(field: str, value, zh: str, en: str, *, today: dt.date | None = None) -> list[Problem]:
    """A problem when the year ``value`` (an int; anything else is left to the caller) is outside the plausible
    range: from the year of ``earliest`` to the year of the latest plausible date."""
    if not isinstance(value, int) or isinstance(value, bool):
        return []
    b = bounds()
    first, last = b.earliest.year, b.latest(today).year
    if first <= value <= last:
        return []
    return [
        Problem(
            field,
            "date.year_range",
            f"{zh}（{value}）应在{first}年至{last}年之间，请核对",
            f"{en} ({value}) must be between {first} and {last}: check it",
        )
    ]
