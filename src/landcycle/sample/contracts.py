"""Land contracts of the sample county (供地合同) in every supervision state, and the parks' minimum tax
per mu (最低亩均税收标准) that enterprises are warned against. Plain data, no database.

- every granted parcel under construction (在建) has a 标准地 contract: on track, start due soon, start
  overdue (yellow, red), land delivered late (a government cause), start extended, progress behind,
  stopped for less than a year, completion due soon or overdue;
- about 70 % of the granted idle parcels (闲置) without a current owner have a contract not started one
  or two full years after the agreed start, stalled a year or two, or delayed by the government (Art. 8)
  — including the six idle lots of 敦和园区 (新浦镇), granted again after the town's buy-back;
- granted parcels in use whose owner came in 2016 to mid-2022 have completed 标准地 contracts: commitments
  met, below 100 %, below 80 %, energy over its limit, not reviewed, production review due or overdue;
- a few older grants and state leases in use, with nothing to warn about — and some old grants whose record
  has no agreed dates at all (not judged, grey: never counted as green);
- a government-caused delay moves the dates by its length: some idle lots are still within it (exempt,
  yellow), others past it (the fee is due again); a delivery late moves the start (late_delivery).

Holders are the registered owner where the parcel has one; otherwise a project company that is not in
the registry (real ledgers name such holders), kept by name only.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from . import contract_states as states
from .names import BRAND_CHARS, INDUSTRY_WORDS
from .plan import (
    CONSTRUCTION,
    COUNTY_CODE,
    GRANTED,
    IDLE,
    IN_USE,
    INDUSTRIAL,
    LEASED,
    LEASED_LAND,
    OLD_BLOCK,
    OWNED,
    REFERENCE_DATE,
)
from .story import DUNHE
from .towns import is_zone

M2_PER_MU = Decimal(2000) / 3

BUILDING = {
    "on_track": 30,
    "start_due_soon": 6,
    "start_overdue_yellow": 8,
    "start_overdue_red": 8,
    "late_delivery": 5,
    "extended": 7,
    "progress_behind": 10,
    "stalled_watch": 8,
    "completion_due_soon": 6,
    "completion_overdue": 12,
}
IDLE_STATES = {"idle_1y": 35, "idle_2y": 20, "idle_gov_delay": 15, "idle_stalled": 18, "idle_stalled_2y": 12}
DUNHE_IDLE = ("idle_1y", "idle_2y", "idle_gov_delay", "idle_stalled", "idle_1y", "idle_2y")
COMPLETED = {
    "met": 45,
    "below_100": 15,
    "below_80": 10,
    "energy_exceeded": 5,
    "not_reviewed": 5,
    "production_due_soon": 8,
    "production_overdue": 7,
    "awaiting_production": 5,
}
# 最低亩均税收标准 (万元/亩) by kind of park; 敦和园区 has its own (its firms pay under 1万元/亩)
MINIMUM_TAX_PER_MU = {"zone_industrial": Decimal("5"), "industrial": Decimal("4"), DUNHE: Decimal("3")}


@dataclass
class ContractPlan:
    """One contract; ``holder`` is a USCC of the registry or None (then ``holder_name`` only)."""

    number: str
    parcel: str
    town_code: str
    kind: str
    state: str
    holder: str | None
    holder_name: str
    price_wan: Decimal
    area_m2: Decimal
    term_years: int
    project: str = ""
    signed_on: dt.date | None = None
    agreed_delivery: dt.date | None = None
    agreed_start: dt.date | None = None
    agreed_completion: dt.date | None = None
    agreed_production: dt.date | None = None
    actual_delivery: dt.date | None = None
    actual_start: dt.date | None = None
    actual_completion: dt.date | None = None
    actual_production: dt.date | None = None
    developed_area_share: Decimal | None = None
    investment_share: Decimal | None = None
    stopped_since: dt.date | None = None
    commitments: list[dict] = field(default_factory=list)
    extensions: list[dict] = field(default_factory=list)
    delays: list[dict] = field(default_factory=list)


def park_minimums(parks, story_codes: dict[str, str]) -> dict[str, Decimal]:
    """Park code -> minimum tax per mu, for the industrial parks and 敦和园区."""
    out = {}
    for p in parks:
        if story_codes.get(p.code) == DUNHE:
            out[p.code] = MINIMUM_TAX_PER_MU[DUNHE]
        elif p.kind == INDUSTRIAL:
            out[p.code] = MINIMUM_TAX_PER_MU["zone_industrial" if is_zone(p.town_code) else "industrial"]
    return out


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class Numbers:
    """电子监管号-like contract numbers: county code, year, A (grant) or L (lease), sequence."""

    def __init__(self, county: str = COUNTY_CODE):
        self.county = county
        self.seq: dict[tuple[int, str], int] = {}

    def next(self, year: int, letter: str) -> str:
        n = self.seq[(year, letter)] = self.seq.get((year, letter), 0) + 1
        return f"{self.county}{year}{letter}{n:05d}"


def _project_company(rng: random.Random, used: set[str], city: str = "宁波") -> str:
    words = [w for ws in INDUSTRY_WORDS.values() for w in ws]
    while True:
        name = f"{city}{rng.choice(BRAND_CHARS)}{rng.choice(BRAND_CHARS)}{rng.choice(words)}有限公司"
        if name not in used:
            used.add(name)
            return name


def _holders(occupancies) -> tuple[dict[str, tuple[str, dt.date]], dict[str, tuple[dt.date, dt.date | None]]]:
    """Who owns each parcel on the reference day (enterprise, since) and which parcels the state leases
    (start, end)."""
    owner: dict[str, tuple[str, dt.date]] = {}
    state_lease: dict[str, tuple[dt.date, dt.date | None]] = {}
    for o in occupancies:
        if not o.active_on(REFERENCE_DATE):
            continue
        if o.kind == OWNED:
            owner.setdefault(o.parcel, (o.enterprise, o.start))
        elif o.kind == LEASED and o.lessor is None:
            state_lease.setdefault(o.parcel, (o.start, o.end))
    return owner, state_lease


def build_contracts(
    parks,
    parcels,
    enterprises,
    occupancies,
    story_codes: dict[str, str],
    rng: random.Random,
    *,
    deck=None,
    old_grant_rate: float = 0.04,
    lease_rate: float = 0.1,
    county: str = COUNTY_CODE,
    city: str = "宁波",
    used_names: set[str] | None = None,
) -> list[ContractPlan]:
    """The county's contracts, parcel by parcel. ``landcycle generate`` passes a ``deck`` (draws every
    state before drawing by weight; told each contract's final state), higher rates of quiet old grants
    and state leases, another county and city, and the names its province has used."""
    names = {e.uscc: e.name for e in enterprises}
    if used_names is None:
        used_names = set(names.values())
    else:
        used_names.update(names.values())
    pick = deck.pick if deck is not None else _pick
    owner, state_lease = _holders(occupancies)
    park_story = {p.code: story_codes.get(p.code) for p in parks}
    park_kind = {p.code: p.kind for p in parks}
    numbers, out, dunhe_idle = Numbers(county), [], 0
    for parcel in parcels:
        held = owner.get(parcel.number)
        state = None
        if parcel.tenure == GRANTED and parcel.status == CONSTRUCTION:
            state = pick(rng, BUILDING)
        elif parcel.tenure == GRANTED and parcel.status == IDLE and held is None:
            if park_story[parcel.park_code] == DUNHE:
                state, dunhe_idle = DUNHE_IDLE[dunhe_idle % len(DUNHE_IDLE)], dunhe_idle + 1
            elif rng.random() < 0.7:
                state = pick(rng, IDLE_STATES)
        elif parcel.tenure == GRANTED and parcel.status == IN_USE and held is not None:
            if dt.date(2016, 1, 1) <= held[1] <= dt.date(2022, 6, 30):
                state = pick(rng, COMPLETED)
            elif park_kind[parcel.park_code] != OLD_BLOCK and rng.random() < old_grant_rate:
                state = "old_grant"
        elif (
            parcel.tenure == LEASED_LAND
            and parcel.status == IN_USE
            and parcel.number in state_lease
            and rng.random() < lease_rate
        ):
            state = "lease"
        if state is None:
            continue
        c = draw_contract(parcel, state, held, state_lease.get(parcel.number), names, used_names, numbers, rng, city)
        if deck is not None:
            deck.seen(c.state)
        out.append(c)
    return out


def draw_contract(parcel, state, held, lease, names, used_names, numbers, rng, city: str = "宁波") -> ContractPlan:
    mu = parcel.area_m2 / M2_PER_MU
    holder = held[0] if held else None
    holder_name = names[holder] if holder else _project_company(rng, used_names, city)
    if state.startswith("idle"):
        standard = rng.random() < 0.3  # most idle land is an ordinary grant; some is 标准地
    else:
        standard = state not in ("old_grant", "lease")
    kind = "standard" if standard else ("lease" if state == "lease" else "grant")
    c = ContractPlan(
        number="",
        parcel=parcel.number,
        town_code=parcel.town_code,
        kind=kind,
        state=state,
        holder=holder,
        holder_name=holder_name,
        area_m2=parcel.area_m2,
        term_years=50,
        price_wan=states.q(float(mu) * rng.uniform(40, 90), 2),
        project=f"{holder_name.removesuffix('有限公司')}{'厂房扩建' if held else '新建'}项目",
    )
    if standard:
        c.commitments = states.commitments(rng)
    if state in BUILDING:
        start = held[1] if held else REFERENCE_DATE - states.days(rng.randint(200, 500))
        c.signed_on = start - states.days(rng.randint(30, 90))
        states.building(c, state, rng)
    elif state in IDLE_STATES:
        c.state = states.idle(c, state, rng)
    elif state == "lease":
        c.signed_on = lease[0] - states.days(rng.randint(10, 30))
        c.term_years = max(1, round((lease[1] or REFERENCE_DATE).year - lease[0].year))
        c.price_wan = states.q(float(mu) * rng.uniform(0.8, 1.6) * c.term_years, 2)
        c.actual_start = lease[0]  # a state lease of land in use: the works it covers stand (started, not idle)
    elif state == "old_grant":
        c.signed_on = held[1] - states.days(rng.randint(30, 120))
        c.agreed_start = c.signed_on + states.days(180)
        c.actual_start = c.agreed_start + states.days(rng.randint(0, 60))
        c.agreed_completion = c.agreed_start + states.days(730)
        c.actual_completion = c.agreed_completion - states.days(rng.randint(0, 90))
        c.price_wan = states.q(float(mu) * rng.uniform(8, 30), 2)
        if zlib.crc32(parcel.number.encode()) % 8 == 0:  # an old 协议出让 record with no agreed dates at all
            c.state = "not_judged"
            c.agreed_start = c.actual_start = c.agreed_completion = c.actual_completion = None
    else:
        c.state = states.completed(c, state, held[1], rng)
    c.number = numbers.next(c.signed_on.year, "L" if kind == "lease" else "A")
    for m in c.commitments:
        m.pop("places", None)
    return c
