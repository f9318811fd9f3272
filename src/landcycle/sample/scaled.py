"""A scaled sample (``landcycle generate --enterprises N``): a province of counties, each built by the
same stages as the sample county (land, firms, scale, industry, names, figures, contracts), without the
seed story's parks, then fitted to its share of enterprises and contracts exactly.

Counties come one at a time (:func:`province_plans` is a generator), so a province of 100,000
enterprises is never wholly in memory. The same arguments give the same counties: every stage of every
county draws from its own generator, seeded from the seed, the stage and the county's code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from . import layout
from .contracts import build_contracts, park_minimums
from .dates import year_end
from .figures import build_figures, decide_scale, land_used_mu
from .firms import FirmFactory, settle_park
from .fit import StateDeck, fit_contracts, fit_firms, shift_plan
from .generate import name_enterprises, stage_rng
from .identity import draw_industry, other_classes
from .land import build_land
from .plan import DEFAULT_SEED, FIGURE_YEARS, REFERENCE_DATE, SamplePlan
from .province import CountySpec, province_counties

CONTRACTS_PER_ENTERPRISE = 1.5


@dataclass(frozen=True)
class Scale:
    """What ``landcycle generate`` was asked for."""

    enterprises: int
    contracts: int | None = None
    seed: int = DEFAULT_SEED
    towns: int | None = None
    as_of: dt.date = REFERENCE_DATE

    @property
    def contract_count(self) -> int:
        return round(CONTRACTS_PER_ENTERPRISE * self.enterprises) if self.contracts is None else self.contracts

    @property
    def shift_days(self) -> int:
        return (self.as_of - REFERENCE_DATE).days

    @property
    def shift_years(self) -> int:
        return round(self.shift_days / 365.25)

    @property
    def evaluation_year(self) -> int:
        """The latest year with figures, evaluated and published."""
        return FIGURE_YEARS[-1] + self.shift_years

    def counties(self) -> list[CountySpec]:
        return province_counties(self.enterprises, self.contract_count, self.towns, stage_rng(self.seed, "province"))


def generate_county(
    spec: CountySpec, seed: int, *, deck: StateDeck, used_names: set[str], placer: layout.ParkPlacer
) -> SamplePlan:
    """One county with exactly ``spec.firms`` enterprises and ``spec.contracts`` contracts."""

    def rng(stage: str):
        return stage_rng(seed, f"{stage}:{spec.code}")

    parks, parcels = build_land(
        spec.towns,
        rng("land"),
        park_counts=spec.park_counts,
        stories=(),
        total_parcels=spec.parcels,
        county_name=spec.name,
        placer=placer,
    )
    factory = FirmFactory(rng("firms"), spec.code)
    for park in parks:
        settle_park(factory, park)
    fit_firms(factory, parks, spec.firms)
    firms = factory.firms
    scales = decide_scale(firms, land_used_mu(firms, year_end(FIGURE_YEARS[-1])), rng("scale"))
    industry_rng, others = rng("industry"), other_classes()
    industries = {f.uscc: draw_industry(industry_rng, others) for f in firms}
    enterprises = name_enterprises(firms, spec.towns, scales, industries, rng("names"), spec.places, used_names)
    figures = build_figures(firms, scales, industries, rng("figures"))
    occupancies = [o for f in firms for o in f.occupancies]
    park_plans = [p.plan for p in parks]
    contract_rng = rng("contracts")
    contracts = build_contracts(
        park_plans,
        parcels,
        enterprises,
        occupancies,
        {},
        contract_rng,
        deck=deck,
        old_grant_rate=1.0,
        lease_rate=1.0,
        county=spec.code,
        city=spec.places.city,
        used_names=used_names,
    )
    contracts = fit_contracts(
        contracts,
        spec.contracts,
        parcels=parcels,
        parks=park_plans,
        enterprises=enterprises,
        occupancies=occupancies,
        county=spec.code,
        city=spec.places.city,
        used_names=used_names,
        deck=deck,
        rng=contract_rng,
    )
    if spec.name != "慈溪市":
        for c in contracts:
            for d in c.delays:
                d["evidence"] = d["evidence"].replace("慈溪市", spec.name)
    return SamplePlan(
        seed=seed,
        towns=spec.towns,
        parks=park_plans,
        parcels=parcels,
        enterprises=enterprises,
        occupancies=occupancies,
        figures=figures,
        contracts=contracts,
        park_minimums=park_minimums(park_plans, {}),
    )


def province_plans(scale: Scale, specs: list[CountySpec] | None = None) -> Iterator[SamplePlan]:
    """The province's counties, one at a time, their dates moved to ``scale.as_of``."""
    deck, used_names, placer = StateDeck(), set(), layout.ParkPlacer()
    for spec in specs if specs is not None else scale.counties():
        plan = generate_county(spec, scale.seed, deck=deck, used_names=used_names, placer=placer)
        shift_plan(plan, scale.shift_days, scale.shift_years)
        yield plan
