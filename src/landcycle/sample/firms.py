"""Who sits on which parcel (用地关系): owners, tenants, landlords, newcomers and firms gone.

- Industrial parks and old blocks: consecutive parcels are grouped under one owner (自有; a lease
  from the state when the parcel's tenure is 租赁); a few owners let part of a parcel to a tenant
  (lessor set), so "land used = owned + leased − let" has something to subtract; parcels under
  construction belong to new firms; reserve and idle land may keep a former occupant whose
  occupancy has ended (relocated or deregistered).
- 小微园区: standard factory plots let to 2–3 small tenants each by the park's operator.
- The story's parks: 敦和园区's tenants on town-held land (some leases expired in 2026, the firms not
  yet gone); 彭桥工业园区 with exactly 53 enterprises.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from .dates import DAY, date_between, date_in_year, lease_terms
from .identity import draw_uscc
from .land import ParkDraft
from .plan import (
    CONSTRUCTION,
    COUNTY_CODE,
    DEREGISTERED,
    IDLE,
    IN_USE,
    LEASED,
    LEASED_LAND,
    MICRO,
    OPERATING,
    OWNED,
    RELOCATED,
    RESERVE,
    SUSPENDED,
    VACATING,
    OccupancyPlan,
    ParcelPlan,
)
from .story import DUNHE, PENGQIAO, PENGQIAO_ENTERPRISES

CENT = Decimal("0.01")
PENGQIAO_OWNERS = 45
LATEST_START = dt.date(2022, 6, 30)  # occupancies of established firms begin before the figure years


@dataclass
class FirmDraft:
    """An enterprise before its name, industry and scale are drawn."""

    uscc: str
    role: str  # owner, new, subtenant, micro, dunhe, former
    town_code: str
    park_code: str
    registered_on: dt.date
    status: str = OPERATING
    occupancies: list[OccupancyPlan] = field(default_factory=list)


class FirmFactory:
    """Makes firm drafts with unique codes and keeps them in creation order."""

    def __init__(self, rng: random.Random, county: str = COUNTY_CODE):
        self.rng = rng
        self.county = county
        self.firms: list[FirmDraft] = []
        self._codes: set[str] = set()

    def new(self, role: str, park: ParkDraft, registered_on: dt.date, status: str = OPERATING) -> FirmDraft:
        firm = FirmDraft(
            uscc=draw_uscc(self.rng, registered_on.year, self._codes, self.county),
            role=role,
            town_code=park.town.code,
            park_code=park.plan.code,
            registered_on=registered_on,
            status=status,
        )
        self.firms.append(firm)
        return firm


def _share(area: Decimal, fraction: float) -> Decimal:
    return (area * Decimal(str(round(fraction, 4)))).quantize(CENT, ROUND_DOWN)


def _occupy(
    firm: FirmDraft,
    parcel: ParcelPlan,
    kind: str,
    area: Decimal,
    start: dt.date,
    end: dt.date | None,
    lessor: FirmDraft | None = None,
) -> None:
    firm.occupancies.append(
        OccupancyPlan(
            enterprise=firm.uscc,
            parcel=parcel.number,
            kind=kind,
            area_m2=area,
            start=start,
            end=end,
            lessor=lessor.uscc if lessor else None,
        )
    )


def _lease(
    firm: FirmDraft, parcel: ParcelPlan, area: Decimal, start: dt.date, years: int, lessor: FirmDraft | None = None
) -> None:
    for first, last in lease_terms(start, years):
        _occupy(firm, parcel, LEASED, area, first, last, lessor)


def partition(items: int, groups: int, rng: random.Random) -> list[int]:
    """Sizes of ``groups`` runs (each at least 1) covering ``items`` in order."""
    sizes = [1] * groups
    for _ in range(items - groups):
        sizes[rng.randrange(groups)] += 1
    return sizes


# ------------------------------------------------------------------ owners (industrial parks, old blocks)
def _primary(factory: FirmFactory, firm: FirmDraft, parcel: ParcelPlan, start: dt.date) -> None:
    """The firm's own hold on the parcel: ownership, or a lease from the state on 租赁 land (a lease
    on a parcel being vacated ran out in 2026 and was not renewed)."""
    if parcel.tenure != LEASED_LAND:
        _occupy(firm, parcel, OWNED, parcel.area_m2, start, None)
    elif parcel.status == VACATING:
        _occupy(
            firm,
            parcel,
            LEASED,
            parcel.area_m2,
            start,
            date_between(factory.rng, dt.date(2026, 1, 31), dt.date(2026, 10, 31)),
        )
    else:
        _lease(firm, parcel, parcel.area_m2, max(start, dt.date(2003, 1, 1)), 20)


def settle_owners(factory: FirmFactory, park: ParkDraft, parcels: list[ParcelPlan], owners: int) -> list[FirmDraft]:
    rng, out, at = factory.rng, [], 0
    for size in partition(len(parcels), owners, rng):
        group = parcels[at : at + size]
        at += size
        registered = date_in_year(rng, round(rng.triangular(1985, 2019, 2006)))
        vacating = any(p.status == VACATING for p in group)
        status = SUSPENDED if rng.random() < (0.35 if vacating else 0.02) else OPERATING
        firm = factory.new("owner", park, registered, status)
        start = min(max(registered + rng.randint(30, 900) * DAY, dt.date(1992, 1, 1)), LATEST_START)
        for parcel in group:
            _primary(factory, firm, parcel, start)
        out.append(firm)
    return out


def settle_newcomers(factory: FirmFactory, park: ParkDraft, parcels: list[ParcelPlan]) -> None:
    """Parcels under construction (在建) belong to firms registered for the project."""
    for parcel in parcels:
        registered = date_between(factory.rng, dt.date(2022, 6, 1), dt.date(2025, 6, 30))
        firm = factory.new("new", park, registered)
        _occupy(
            firm,
            parcel,
            OWNED,
            parcel.area_m2,
            min(registered + factory.rng.randint(30, 300) * DAY, dt.date(2025, 10, 31)),
            None,
        )


def settle_subtenants(factory: FirmFactory, park: ParkDraft, hosts: list[tuple[FirmDraft, ParcelPlan]]) -> None:
    """Tenants renting part of an owner's parcel (lessor = the owner), renewed every 5, 8 or 10 years."""
    rng = factory.rng
    for owner, parcel in hosts:
        registered = date_in_year(rng, round(rng.triangular(1995, 2021, 2012)))
        tenant = factory.new("subtenant", park, registered)
        owned_since = min(o.start for o in owner.occupancies if o.parcel == parcel.number)
        first = max(registered, owned_since, dt.date(2012, 1, 1)) + rng.randint(0, 700) * DAY
        _lease(
            tenant,
            parcel,
            _share(parcel.area_m2, rng.uniform(0.15, 0.4)),
            min(first, LATEST_START),
            rng.choice((5, 8, 10)),
            lessor=owner,
        )


def settle_former(factory: FirmFactory, park: ParkDraft, parcels: list[ParcelPlan]) -> None:
    """Reserve or idle land that once had a firm, long gone (迁出/注销); the record keeps its dates."""
    rng = factory.rng
    for parcel in parcels:
        registered = date_in_year(rng, rng.randint(1988, 2006))
        firm = factory.new("former", park, registered, rng.choice((RELOCATED, RELOCATED, DEREGISTERED)))
        start = max(registered + rng.randint(30, 700) * DAY, dt.date(1992, 1, 1))
        end = date_between(rng, dt.date(2016, 1, 1), dt.date(2024, 6, 30))
        kind = LEASED if parcel.tenure == LEASED_LAND else OWNED
        _occupy(firm, parcel, kind, parcel.area_m2, start, end)


def settle_standard_park(factory: FirmFactory, park: ParkDraft) -> None:
    rng, parcels = factory.rng, park.parcels
    forced = park.story is not None and park.story.key == PENGQIAO
    held = [
        p for p in parcels if p.status in (IN_USE, VACATING) or (p.status == IDLE and not forced and rng.random() < 0.5)
    ]
    owners_count = PENGQIAO_OWNERS if forced else max(1, round(len(held) / rng.uniform(1.8, 2.3)))
    owners = settle_owners(factory, park, held, min(owners_count, len(held)))
    settle_newcomers(factory, park, [p for p in parcels if p.status == CONSTRUCTION])
    by_parcel = {o.parcel: firm for firm in owners for o in firm.occupancies}
    eligible = [
        (by_parcel[p.number], p)
        for p in held
        if p.status == IN_USE and p.tenure != LEASED_LAND and (forced or p.area_m2 >= 5000)
    ]
    if forced:
        hosts = rng.sample(eligible, PENGQIAO_ENTERPRISES - len(owners))
    else:
        hosts = [h for h in eligible if rng.random() < 0.09]
        hosts += [h for h in hosts if rng.random() < 0.2]  # some landlords have two tenants
    settle_subtenants(factory, park, hosts)
    if not forced:
        empty = [p for p in parcels if p.status in (RESERVE, IDLE) and p.number not in by_parcel]
        settle_former(factory, park, [p for p in empty if rng.random() < 0.35])


# ------------------------------------------------------------------ 小微园区 and 敦和园区
def settle_micro_park(factory: FirmFactory, park: ParkDraft) -> None:
    """Each plot in use let to 2–3 small firms by the park's operator (not a registered firm here)."""
    rng = factory.rng
    for parcel in (p for p in park.parcels if p.status in (IN_USE, VACATING)):
        count = rng.choice((2, 2, 2, 3, 3))
        let = rng.uniform(0.7, 0.95)
        weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
        for w in weights:
            registered = date_in_year(rng, round(rng.triangular(2003, 2023, 2016)))
            tenant = factory.new("micro", park, registered)
            first = min(
                max(registered, dt.date(2015, 1, 1)) + rng.randint(0, 500) * DAY, max(registered, dt.date(2023, 10, 31))
            )
            _lease(tenant, parcel, _share(parcel.area_m2, let * w / sum(weights)), first, rng.choice((5, 5, 8)))


def settle_dunhe(factory: FirmFactory, park: ParkDraft) -> None:
    """敦和园区: tenants of the town since its 2013 buy-back; where the parcel is being vacated their
    lease ended on 2026-06-30 and they have not left; idle lots had tenants who did leave."""
    rng = factory.rng
    for parcel in park.parcels:
        if parcel.status in (IN_USE, VACATING):
            count = 2 if rng.random() < 0.25 else 1
            for _ in range(count):
                firm = factory.new("dunhe", park, date_in_year(rng, rng.randint(1995, 2012)))
                start = date_between(rng, dt.date(2014, 1, 1), dt.date(2016, 12, 31))
                end = dt.date(2026, 6, 30) if parcel.status == VACATING else dt.date(2027, 12, 31)
                _occupy(firm, parcel, LEASED, _share(parcel.area_m2, 1 / count), start, end)
        elif parcel.status == IDLE and rng.random() < 0.5:
            firm = factory.new("former", park, date_in_year(rng, rng.randint(1995, 2010)), RELOCATED)
            _occupy(
                firm,
                parcel,
                LEASED,
                parcel.area_m2,
                date_between(rng, dt.date(2014, 1, 1), dt.date(2015, 12, 31)),
                date_between(rng, dt.date(2019, 1, 1), dt.date(2023, 12, 31)),
            )


def settle_park(factory: FirmFactory, park: ParkDraft) -> None:
    if park.story is not None and park.story.key == DUNHE:
        settle_dunhe(factory, park)
    elif park.plan.kind == MICRO:
        settle_micro_park(factory, park)
    else:
        settle_standard_park(factory, park)


def settle_all(parks: list[ParkDraft], rng: random.Random) -> list[FirmDraft]:
    factory = FirmFactory(rng)
    for park in parks:
        settle_park(factory, park)
    return factory.firms
