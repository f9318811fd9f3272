"""From a seed to the whole sample county (示例县), without touching the database.

Each stage draws from its own generator, seeded from the sample's seed and the stage's name, so a
change in one stage does not reshuffle the others.
"""

from __future__ import annotations

import random
from collections import Counter

from . import names
from .contracts import build_contracts, park_minimums
from .dates import year_end
from .figures import build_figures, decide_scale, land_used_mu
from .firms import FirmDraft, settle_all
from .identity import draw_industry, other_classes
from .land import build_land
from .plan import ABOVE, DEFAULT_SEED, FIGURE_YEARS, INDUSTRIAL, MICRO, EnterprisePlan, SamplePlan, TownPlan
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


XINPU_CODE, XINPU_MICRO_NAME = "330282112", "新浦小微园区"


def mark_xinpu_micro(parks: list, parcels: list, story: dict[str, str]) -> None:
    """The seed's 新浦镇 小微园区 (《新浦镇小微园区管理办法》: a minimum tax per mu and a negative list). The drawing
    gives 新浦镇 only industrial parks, so its smallest one that no story or sample project names becomes the
    小微园区, keeping its parcels, firms and minimum tax per mu. No-op where the county has no 新浦镇."""
    taken = {"新浦工业园区", "新浦永兴工业园区", "新浦滨湾工业园区"}  # named by the admission sample
    candidates = [
        p
        for p in parks
        if p.town_code == XINPU_CODE and p.code not in story and p.kind == INDUSTRIAL and p.name not in taken
    ]
    if not candidates:
        return
    count = Counter(p.park_code for p in parcels)
    park = min(candidates, key=lambda p: (count[p.code], p.code))
    park.kind, park.name = MICRO, XINPU_MICRO_NAME


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
    minimums = park_minimums(park_plans, story)
    mark_xinpu_micro(park_plans, parcels, story)  # after every drawing stage: no other part of the county moves
    return SamplePlan(
        seed=seed,
        towns=towns,
        parks=park_plans,
        parcels=parcels,
        enterprises=enterprises,
        occupancies=occupancies,
        figures=figures,
        contracts=contracts,
        park_minimums=minimums,
    )
