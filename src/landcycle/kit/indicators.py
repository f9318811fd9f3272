"""Quarterly town indicators for the ranking (赛马, issue 17), registered by the apps that own their rows.

The ranking sits above every domain app, but the figures it ranks belong to them: the tax per mu to evaluation, open
warnings to supervision, land cleared to exits, renewal progress to renewal. Each app registers, in its
``AppConfig.ready``, one :class:`IndicatorSource` per indicator key of ``policies/ranking.toml`` that it can compute;
the ranking asks :func:`indicator_sources` and never imports an app for its figures. An indicator key that no app
registers is entered by hand (the county's quarterly ledger) or left missing, and the ranking says which.

A source computes one quarter for a set of towns at once (one or a few queries, never one per town) and returns, per
town id, a :class:`Measured`: the value (``None`` = no figure, never a zero in disguise), how many rows are behind it,
and the link to those rows, so every figure of the ranking can be traced to the rows it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int  # 1..4

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1..4, not {self.quarter}")

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter (inclusive)."""
        month = 3 * self.quarter
        return date(self.year, month, 31 if month in (3, 12) else 30)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2025Q3`` (or ``2025-Q3``, ``2025q3``)."""
        cleaned = text.strip().upper().replace("-", "")
        year, sep, q = cleaned.partition("Q")
        if not sep or not year.isdigit() or not q.isdigit():
            raise ValueError(f"not a quarter: {text!r} (expected e.g. 2025Q3)")
        return cls(int(year), int(q))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)


@dataclass(frozen=True)
class Measured:
    """One town's figure for one indicator and quarter."""

    value: float | None
    rows: int = 0  # how many rows the figure was computed from
    link: str = ""  # the URL of the list of those rows, filtered to the town (and the quarter where it applies)
    note: str = ""  # how it was computed when the label alone does not say (e.g. "2 of 5 projects with a plan")


# compute(quarter, towns) -> {town id: Measured}; towns are registry Regions of level town.
Compute = Callable[[Quarter, Sequence[Any]], Mapping[int, Measured]]


@dataclass(frozen=True)
class IndicatorSource:
    key: str  # the indicator key in policies/ranking.toml
    app: str  # the app label that owns the rows
    compute: Compute
    explain_zh: str = ""  # how the figure is computed, in plain words (shown on the policy and breakdown pages)
    explain_en: str = ""


_SOURCES: dict[str, IndicatorSource] = {}


def register_indicator(source: IndicatorSource) -> None:
    """Called once per key from an app's ``ready``; registering a key twice is a programming error."""
    known = _SOURCES.get(source.key)
    if known is not None and known.app != source.app:
        raise ValueError(f"indicator {source.key!r} is registered by {known.app} and {source.app}")
    _SOURCES[source.key] = source


def indicator_sources() -> dict[str, IndicatorSource]:
    return dict(_SOURCES)
