"""Colours and findings: what a supervision rule says about one subject on one day."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

GREEN, YELLOW, RED = "green", "yellow", "red"
# BLUE: a reminder (an agreed date is near) — not slipping, so not yellow. GREY: not judged (未能判定) — the
# rules could not be applied (no agreed start date, dates that cannot be trusted); never counted as green.
BLUE, GREY = "blue", "grey"
COLOURS = (GREEN, BLUE, GREY, YELLOW, RED)
COLOUR_ZH = {GREEN: "绿", BLUE: "提醒", GREY: "未能判定", YELLOW: "黄", RED: "红"}
_RANK = {GREEN: 0, BLUE: 1, GREY: 2, YELLOW: 3, RED: 4}


def worst(colours) -> str:
    """The worst colour of an iterable (green when it is empty)."""
    out = GREEN
    for c in colours:
        if _RANK[c] > _RANK[out]:
            out = c
    return out


def cap(colour: str, at: str) -> str:
    """``colour``, but never worse than ``at``."""
    return colour if _RANK[colour] <= _RANK[at] else at


@dataclass(frozen=True)
class Finding:
    """One rule that fires: its stable code, colour, reason in Chinese and English (with the figures),
    and the figures themselves. ``fee_wan`` is the idle-land fee due (万元; None when none is due or the
    price is unknown), ``take_back`` whether the land may be taken back without compensation, ``exempt``
    whether a government-caused delay (Art. 8) exempts it from both."""

    rule: str
    colour: str
    zh: str
    en: str
    figures: dict[str, Any] = field(default_factory=dict)
    days_overdue: int | None = None
    fee_wan: Decimal | None = None
    take_back: bool = False
    exempt: bool = False

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class Unchecked:
    """A rule that could not be applied, and why (a missing date, an unknown price)."""

    rule: str
    zh: str
    en: str


def money(x) -> Decimal:
    """万元 to two decimals, half-up."""
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pct(x, places: int = 1) -> str:
    """A share as a percentage text: Fraction(1, 3) -> "33.3%"."""
    d = Decimal(x.numerator) / Decimal(x.denominator) if hasattr(x, "numerator") else Decimal(str(x))
    return f"{(d * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"


def num(x) -> str:
    """A measured or committed figure without needless zeros: 30 -> "30", 1.20 -> "1.2"."""
    d = x if isinstance(x, Decimal) else Decimal(str(x))
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")
