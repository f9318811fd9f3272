"""From a seed to the whole sample county (示例县), without touching the database.

Each stage draws from its own generator, seeded from the sample's seed and the stage's name, so a
change in one stage does not reshuffle the others.
"""

from __future__ import annotations

import random

from . import names
from .contracts import build_contracts, park_minimums
from .dates import year_end
from .figures import build_figures, decide_scale, land_used_mu
from .firms import FirmDraft, settle_all
from .identity import draw_industry, other_classes
from .land import build_land
from .plan import ABOVE, DEFAULT_SEED, FIGURE_YEARS, EnterprisePlan, SamplePlan, TownPlan
from .towns import is_zone, sample_towns


def stage_rng(seed: int, stage: str) -> random.Random:
    """A generator for one stage (str seeds are hashed with SHA-512: stable across runs)."""
    return random.Random(f"landcycle-sample:{seed}:{stage}")


def name_enterprises(
    firms: list[FirmDraft],
    towns: list[TownPlan],
    scales: dict[str, str],
    industries: dict[str, str],
    rng: random.Random,
    places: names.Places = names.CIXI,
    used: set[str] | None = None,
) -> list[EnterprisePlan]:
    """Names (unique within ``used``, which a province shares between its counties) and contacts."""
    town_names = {t.code: t.name for t in towns}
    used = set() if used is None else used
    out = []
    for firm in firms:
        name = names.company_name(
            industry_code=industries[firm.uscc],
            above=scales[firm.uscc] == ABOVE,
            registered_year=firm.registered_on.year,
            town_name=town_names[firm.town_code],
            zone=is_zone(firm.town_code),
            used=used,
            rng=rng,
            places=places,
        )
        out.append(
            EnterprisePlan(
                uscc=firm.uscc,
                name=name,
                industry_code=industries[firm.uscc],
                scale=scales[firm.uscc],
                registered_on=firm.registered_on,
                status=firm.status,
                town_code=firm.town_code,
                contact=names.person_name(rng),
            )
        )
    return out


def generate_plan(seed: int = DEFAULT_SEED) -> SamplePlan:
    """The sample county for ``seed``: the same seed always gives the same plan."""
    towns = sample_towns()
    parks, parcels = build_land(towns, stage_rng(seed, "land"))
    firms = settle_all(parks, stage_rng(seed, "firms"))
    scales = decide_scale(firms, land_used_mu(firms, year_end(FIGURE_YEARS[-1])), stage_rng(seed, "scale"))
    industry_rng, others = stage_rng(seed, "industry"), other_classes()
    industries = {f.uscc: draw_industry(industry_rng, others) for f in firms}
    enterprises = name_enterprises(firms, towns, scales, industries, stage_rng(seed, "names"))
    figures = build_figures(firms, scales, industries, stage_rng(seed, "figures"))
    occupancies = [o for f in firms for o in f.occupancies]
    story = {p.plan.code: p.story.key for p in parks if p.story}
    park_plans = [p.plan for p in parks]
    contracts = build_contracts(park_plans, parcels, enterprises, occupancies, story, stage_rng(seed, "contracts"))
    return SamplePlan(
        seed=seed,
        towns=towns,
        parks=park_plans,
        parcels=parcels,
        enterprises=enterprises,
        occupancies=occupancies,
        figures=figures,
        contracts=contracts,
        park_minimums=park_minimums(park_plans, story),
    )
