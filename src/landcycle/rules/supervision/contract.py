"""A land contract under supervision (供地合同) and what is recorded about it after signing.

Plain dataclasses, filled from a ledger row, a form or the database. Money in 万元, area in m².
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

GRANT, LEASE, STANDARD, ALLOCATION = "grant", "lease", "standard", "allocation"
KINDS = {
    GRANT: ("出让", "grant"),
    LEASE: ("租赁", "lease"),
    STANDARD: ("标准地", "standard land"),
    ALLOCATION: ("划拨", "allocation"),
}
# what Art. 14 calls the price the idle-land fee is a share of
PRICE_ZH = {GRANT: "出让价款", STANDARD: "出让价款", ALLOCATION: "划拨价款", LEASE: "租赁价款"}
PRICE_EN = {GRANT: "grant price", STANDARD: "grant price", ALLOCATION: "allocation price", LEASE: "lease price"}

START, COMPLETION, PRODUCTION = "start", "completion", "production"
MILESTONES = {
    START: ("开工", "construction start"),
    COMPLETION: ("竣工", "completion"),
    PRODUCTION: ("达产", "full production"),
}

# The one list of a contract's dates (forms, checks, the rows the rules read, the ledger import): the signing
# date, the agreed and the actual date of each stage (delivery, then the three milestones), and the date work
# stopped (kept on ``Development`` by the rules).
DELIVERY = "delivery"
DATE_STAGES = (DELIVERY, START, COMPLETION, PRODUCTION)
SIGNED = "signed_on"
STOPPED = "stopped_since"
AGREED_DATES = tuple(f"agreed_{s}" for s in DATE_STAGES)
ACTUAL_DATES = tuple(f"actual_{s}" for s in DATE_STAGES)
CONTRACT_DATES = (SIGNED, *AGREED_DATES, *ACTUAL_DATES)  # the dates of the rules' Contract itself
DATE_FIELDS = (*CONTRACT_DATES, STOPPED)  # every date a contract records


@dataclass(frozen=True)
class Commitment:
    """One commitment of a 标准地 contract (承诺指标), e.g. tax per mu ≥ 30 万元/亩 at production review.

    ``kind`` names a commitment of the policy (``[commitments.kinds]``: investment_intensity, plot_ratio,
    tax_per_mu, energy_per_value_added, emissions_per_value_added, rnd_share) or a local "+X" one, which
    then must say its ``direction`` (min/max), ``stage`` (completion/production) and names. ``measured``
    is the value found at that stage (竣工验收 / 达产复核), in the same ``unit``. A share ("%") is given as
    a fraction: 0.03 for 3 %."""

    kind: str
    committed: Decimal
    unit: str | None
    measured: Decimal | None = None
    direction: str | None = None
    stage: str | None = None
    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class Extension:
    """An approved extension (延期): the new agreed date of one milestone."""

    milestone: str
    new_date: dt.date
    approved_on: dt.date | None = None
    reason: str = ""


@dataclass(frozen=True)
class GovernmentDelay:
    """A delay caused by the government (闲置土地处置办法 第八条): cause (a code of the policy's
    ``[idle_land.causes]`` or free text), what happened, and the evidence on record (佐证材料)."""

    cause: str
    evidence: str
    description: str = ""
    recorded_on: dt.date | None = None
    days: int | None = None  # how long the cause held the project up (None: not recorded)


@dataclass(frozen=True)
class Development:
    """How far a started project has got: developed area and investment made as shares of the whole
    (0..1), and since when work has stopped (中止开发建设), if it has."""

    developed_area_share: Fraction | Decimal | None = None
    investment_share: Fraction | Decimal | None = None
    stopped_since: dt.date | None = None


@dataclass(frozen=True)
class Contract:
    number: str | None
    holder: str | None
    kind: str = GRANT
    price_wan: Decimal | None = None
    area_m2: Decimal | None = None
    signed_on: dt.date | None = None
    agreed_delivery: dt.date | None = None
    agreed_start: dt.date | None = None
    agreed_completion: dt.date | None = None
    agreed_production: dt.date | None = None
    actual_delivery: dt.date | None = None
    actual_start: dt.date | None = None
    actual_completion: dt.date | None = None
    actual_production: dt.date | None = None
    development: Development = field(default_factory=Development)
    commitments: tuple[Commitment, ...] = ()
    extensions: tuple[Extension, ...] = ()
    government_delays: tuple[GovernmentDelay, ...] = ()
    land_use: str | None = None
    location: str | None = None
    project: str | None = None
    term_years: int | None = None  # 使用年限: an agreed date beyond signing + term is not plausible

    def agreed(self, milestone: str) -> dt.date | None:
        """The agreed date of a milestone after the last approved extension."""
        out = getattr(self, AGREED[milestone])
        for e in self.extensions:
            if e.milestone == milestone:
                out = e.new_date
        return out

    def extended(self, milestone: str) -> bool:
        return bool(self.extensions) and any(e.milestone == milestone for e in self.extensions)

    def actual(self, milestone: str, as_of: dt.date) -> dt.date | None:
        """The actual date of a milestone if it happened on or before ``as_of``. A later milestone
        implies the earlier ones (a completed project has started)."""
        for name in ACTUAL_FROM[milestone]:
            d = getattr(self, name)
            if d is not None and d <= as_of:
                return d
        return None


# attribute names, spelled once (the rules ask for them for every contract)
AGREED = {m: f"agreed_{m}" for m in (START, COMPLETION, PRODUCTION)}
ACTUAL_FROM = {
    m: tuple(f"actual_{later}" for later in (START, COMPLETION, PRODUCTION)[i:])
    for i, m in enumerate((START, COMPLETION, PRODUCTION))
}
