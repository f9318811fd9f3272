"""Making a generated county exactly as large as asked (``landcycle generate``), and moving it in time.

- :class:`StateDeck` deals every contract state once before drawing states by weight, so that even a
  small sample has contracts in every state (a state the dates turn into another is dealt again);
- :func:`fit_firms` tops a county's enterprises up with tenants of owners' parcels (or, when settling
  made too many, drops firms no one depends on: firms gone, tenants of owners, micro-park tenants);
- :func:`fit_contracts` drops quiet contracts (old grants, state leases) or adds old grants of parcels
  in use, and numbers the contracts;
- :func:`shift_plan` moves every date by the days between the sample's reference date and ``--as-of``
  (figure years by whole years), so that the states hold on that day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter

from .contracts import Numbers, draw_contract
from .dates import DAY, date_between
from .firms import FirmFactory, settle_subtenants
from .land import ParkDraft
from .plan import GRANTED, IN_USE, LEASED_LAND, MICRO, OWNED, VACATING, SamplePlan

QUIET = ("old_grant", "lease")
DROPPABLE = ("former", "subtenant", "micro")  # no other firm or contract depends on these yet


class StateDeck:
    """A state picker for ``build_contracts``: the states not yet seen first (each dealt at most
    ``tries`` times), then by weight."""

    def __init__(self, tries: int = 3):
        self.tries = tries
        self.realised: set[str] = set()
        self.dealt: Counter = Counter()

    def pick(self, rng: random.Random, weights: dict[str, int]) -> str:
        for state in weights:
            if state not in self.realised and self.dealt[state] < self.tries:
                self.dealt[state] += 1
                return state
        keys = list(weights)
        return rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def seen(self, state: str) -> None:
        self.realised.add(state)


def fit_firms(factory: FirmFactory, parks: list[ParkDraft], target: int) -> None:
    """Exactly ``target`` enterprises in ``factory.firms``."""
    rng, firms = factory.rng, factory.firms
    if len(firms) > target:
        pool = [f for f in firms if f.role in DROPPABLE]
        rng.shuffle(pool)
        pool.sort(key=lambda f: DROPPABLE.index(f.role))
        excess = len(firms) - target
        if excess > len(pool):
            raise ValueError(f"cannot bring {len(firms)} enterprises down to {target}")
        gone = {f.uscc for f in pool[:excess]}
        factory.firms[:] = [f for f in firms if f.uscc not in gone]
        return
    by_code = {p.plan.code: p for p in parks}
    parcels = {parcel.number: parcel for p in parks for parcel in p.parcels}
    hosts = [
        (firm, parcels[o.parcel])
        for firm in firms
        if firm.role == "owner"
        for o in firm.occupancies
        if o.kind == OWNED
        and o.end is None
        and parcels[o.parcel].status == IN_USE
        and parcels[o.parcel].tenure != LEASED_LAND
    ]
    if len(firms) < target and not hosts:
        raise ValueError("no parcel in use to host more tenants: ask for fewer towns")
    while len(factory.firms) < target:
        owner, parcel = rng.choice(hosts)
        settle_subtenants(factory, by_code[owner.park_code], [(owner, parcel)])


def fit_contracts(
    contracts: list,
    target: int,
    *,
    parcels,
    parks,
    enterprises,
    occupancies,
    county: str,
    city: str,
    used_names: set[str],
    deck: StateDeck | None,
    rng: random.Random,
) -> list:
    """Exactly ``target`` contracts, numbered in order (the first of each state is always kept)."""
    quiet = [c for c in contracts if c.state in QUIET]
    if len(contracts) > target:
        drop = len(contracts) - target
        rng.shuffle(quiet)
        gone = {id(c) for c in quiet[:drop]}
        if drop > len(quiet):
            first = {}
            for c in contracts:
                first.setdefault(c.state, c)
            rest = [c for c in contracts if c.state not in QUIET and first[c.state] is not c]
            rng.shuffle(rest)
            gone |= {id(c) for c in rest[: drop - len(quiet)]}
        contracts = [c for c in contracts if id(c) not in gone]
    elif len(contracts) < target:
        contracts = contracts + _more_grants(
            target - len(contracts), parcels, parks, enterprises, occupancies, city, used_names, rng
        )
    numbers = Numbers(county)
    for c in contracts:
        c.number = numbers.next(c.signed_on.year, "L" if c.kind == "lease" else "A")
    if deck is not None:
        for c in contracts:
            deck.seen(c.state)
    return contracts


def _more_grants(
    n: int, parcels, parks, enterprises, occupancies, city: str, used_names: set[str], rng: random.Random
) -> list:
    """Old grants (and supplementary grants, 补充出让合同) of granted parcels in use, quiet contracts."""
    owners = {}
    for o in occupancies:
        if o.kind == OWNED and o.end is None:
            owners.setdefault(o.parcel, (o.enterprise, o.start))
    kinds = {p.code: p.kind for p in parks}
    candidates = [p for p in parcels if p.tenure == GRANTED and p.status in (IN_USE, VACATING)]
    if not candidates:
        raise ValueError("no granted parcel in use to carry more contracts: ask for fewer contracts")
    names = {e.uscc: e.name for e in enterprises}
    numbers = Numbers("0")  # numbered again by fit_contracts
    rng.shuffle(candidates)
    out = []
    for i in range(n):
        parcel = candidates[i % len(candidates)]
        held = owners.get(parcel.number)
        if held is None or kinds[parcel.park_code] == MICRO:  # the park's operator, or a company since gone
            held = (None, date_between(rng, dt.date(2003, 1, 1), dt.date(2020, 12, 31)))
        out.append(draw_contract(parcel, "old_grant", held, None, names, used_names, numbers, rng, city))
    return out


def _shift(value, days: dt.timedelta):
    if isinstance(value, dt.date):
        return value + days
    if isinstance(value, dict):
        return {k: _shift(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, days) for v in value]
    return value


def shift_plan(plan: SamplePlan, days: int, years: int) -> None:
    """Every date of the plan ``days`` later (earlier when negative), figure years ``years`` later."""
    if not days and not years:
        return
    delta = days * DAY
    for name in ("enterprises", "occupancies", "contracts"):
        for row in getattr(plan, name):
            for f in dataclasses.fields(row):
                value = getattr(row, f.name)
                if isinstance(value, (dt.date, list)):
                    setattr(row, f.name, _shift(value, delta))
    for figure in plan.figures:
        figure.year += years
