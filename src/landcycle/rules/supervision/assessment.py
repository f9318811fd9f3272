"""What supervising one subject on one day gives: its findings, the rules that could not be applied,
and the overall colour (the worst finding; green when nothing fires)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .findings import Finding, Unchecked, worst


@dataclass(frozen=True)
class Assessment:
    as_of: dt.date
    findings: tuple[Finding, ...]
    unchecked: tuple[Unchecked, ...] = ()
    policy_version: str = ""
    subject: object = field(default=None, compare=False, repr=False)

    @property
    def colour(self) -> str:
        return worst(f.colour for f in self.findings)

    @property
    def rules(self) -> list[str]:
        return [f.rule for f in self.findings]

    @property
    def days_overdue(self) -> int | None:
        """The longest overdue period of any finding, in days (None when nothing is overdue)."""
        days = [f.days_overdue for f in self.findings if f.days_overdue is not None]
        return max(days) if days else None

    @property
    def fee_wan(self) -> Decimal | None:
        """Idle-land fee due in 万元 (None when no fee is due or its price is unknown)."""
        fees = [f.fee_wan for f in self.findings if f.fee_wan is not None]
        return sum(fees, Decimal("0.00")) if fees else None

    @property
    def idle(self) -> bool:
        """Idle land on this day (exempt cases included: they stay visible)."""
        return any(f.rule in ("idle.not_started", "idle.stalled") for f in self.findings)

    @property
    def fee_unknown(self) -> bool:
        """A fee is due but the price is not recorded."""
        return any(
            f.rule in ("idle.not_started", "idle.stalled") and not f.exempt and f.fee_wan is None for f in self.findings
        )

    @property
    def exempt(self) -> bool:
        return any(f.exempt for f in self.findings)

    @property
    def take_back(self) -> bool:
        return any(f.take_back for f in self.findings)
