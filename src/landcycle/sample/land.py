"""Parks (园区) and parcels (地块) of the sample county: names, kinds, sizes, statuses, tenure, shapes.

Sizes are drawn in mu (most parcels 3–60 亩, some small ones, a few of 100+ 亩 in the industrial
parks); the stated area of each parcel is its geodesic area to the cent, sometimes off by under 1 %
as surveys are, so every parcel passes the registry's area check (policies/registry.toml).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import layout, names
from .plan import (
    ALLOCATED,
    CONSTRUCTION,
    COUNTY_NAME,
    GRANTED,
    IDLE,
    IN_USE,
    INDUSTRIAL,
    LEASED_LAND,
    MICRO,
    OLD_BLOCK,
    RESERVE,
    USE_COMMERCIAL,
    USE_INDUSTRIAL,
    USE_M0,
    USE_WAREHOUSE,
    VACATING,
    ParcelPlan,
    ParkPlan,
    TownPlan,
)
from .story import DUNHE, QIAOTOU_WEST, STORY_PARKS, YANDUN_MU, StoryPark
from .towns import is_zone, park_count

TOTAL_PARCELS = 8000
M2_PER_MU = 2000 / 3
CENT = Decimal("0.01")

KIND_WEIGHTS = {False: {INDUSTRIAL: 70, MICRO: 13, OLD_BLOCK: 17}, True: {INDUSTRIAL: 80, MICRO: 20, OLD_BLOCK: 0}}
PARCELS_PER_KIND = {INDUSTRIAL: 1.1, MICRO: 0.35, OLD_BLOCK: 0.85}
STATUS_WEIGHTS = {
    INDUSTRIAL: {IN_USE: 85, CONSTRUCTION: 4, IDLE: 4, RESERVE: 5, VACATING: 2},
    MICRO: {IN_USE: 92, CONSTRUCTION: 3, IDLE: 3, RESERVE: 2, VACATING: 0},
    OLD_BLOCK: {IN_USE: 70, CONSTRUCTION: 0, IDLE: 8, RESERVE: 7, VACATING: 15},
}
TENURE_WEIGHTS = {
    INDUSTRIAL: {GRANTED: 86, LEASED_LAND: 10, ALLOCATED: 4},
    MICRO: {GRANTED: 100, LEASED_LAND: 0, ALLOCATED: 0},
    OLD_BLOCK: {GRANTED: 70, LEASED_LAND: 20, ALLOCATED: 10},
}
LAND_USE_WEIGHTS = {
    INDUSTRIAL: {USE_INDUSTRIAL: 89, USE_WAREHOUSE: 7, USE_M0: 3, USE_COMMERCIAL: 1},
    MICRO: {USE_INDUSTRIAL: 100},
    OLD_BLOCK: {USE_INDUSTRIAL: 90, USE_WAREHOUSE: 10},
}


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass
class ParkDraft:
    """A park before it has a place: its record, its town, how many parcels, its story (if any)."""

    plan: ParkPlan
    town: TownPlan
    parcel_count: int = 0
    story: StoryPark | None = None
    parcels: list[ParcelPlan] = field(default_factory=list)

    @property
    def zone(self) -> bool:
        return is_zone(self.town.code)


# ------------------------------------------------------------------ parks
def draft_parks(
    towns: list[TownPlan],
    rng: random.Random,
    park_counts: dict[str, int] | None = None,
    stories: tuple[StoryPark, ...] = STORY_PARKS,
    total_parcels: int = TOTAL_PARCELS,
) -> list[ParkDraft]:
    """~200 parks: the story's parks first in their towns, then named parks of drawn kinds. Another
    county (``landcycle generate``) gives its own park counts, stories (none) and parcel total."""
    drafts = []
    for town in towns:
        town_stories = [s for s in stories if s.town_code == town.code]
        used = {s.name for s in town_stories}
        pool = names.park_name_pool(zone=is_zone(town.code), rng=rng)
        count = park_counts[town.code] if park_counts is not None else park_count(town.code)
        for number in range(1, count + 1):
            code = f"P{town.code}-{number:02d}"
            if town_stories:
                story = town_stories.pop(0)
                plan = ParkPlan(code=code, name=story.name, kind=story.kind, town_code=town.code, note=story.note)
                drafts.append(ParkDraft(plan=plan, town=town, parcel_count=story.parcels, story=story))
                continue
            kind = INDUSTRIAL if number == 1 else pick(rng, KIND_WEIGHTS[is_zone(town.code)])
            name = names.park_name(short=town.short, zone=is_zone(town.code), kind=kind, used=used, rng=rng, pool=pool)
            drafts.append(ParkDraft(plan=ParkPlan(code=code, name=name, kind=kind, town_code=town.code), town=town))
    _apportion_parcels(drafts, rng, total_parcels)
    return drafts


def _apportion_parcels(drafts: list[ParkDraft], rng: random.Random, total: int = TOTAL_PARCELS) -> None:
    """Share ``total`` parcels among the parks the story does not size (largest remainder, at least 8)."""
    free = [d for d in drafts if d.story is None]
    left = total - sum(d.parcel_count for d in drafts if d.story)
    weights = [PARCELS_PER_KIND[d.plan.kind] * rng.uniform(0.5, 1.5) for d in free]
    scale = (left - 8 * len(free)) / sum(weights)
    shares = [8 + w * scale for w in weights]
    for d, share in zip(free, shares, strict=False):
        d.parcel_count = int(share)
    remainder = left - sum(d.parcel_count for d in free)
    by_fraction = sorted(range(len(free)), key=lambda i: (-(shares[i] % 1), i))
    for i in by_fraction[:remainder]:
        free[i].parcel_count += 1


# ------------------------------------------------------------------ parcel sizes and attributes
def _lognormal_mu(rng: random.Random, median: float, sigma: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, rng.lognormvariate(math.log(median), sigma)))


def parcel_sizes_mu(draft: ParkDraft, rng: random.Random) -> list[float]:
    """Sizes in mu, in drawing order (a park's fixed lots come first)."""
    n, kind, story = draft.parcel_count, draft.plan.kind, draft.story
    if story and story.total_m2:
        fixed = list(YANDUN_MU) if story.key == QIAOTOU_WEST else []
        free = [_lognormal_mu(rng, 15, 0.6, 3, 80) for _ in range(n - len(fixed))]
        target = float(story.total_m2) / M2_PER_MU - sum(fixed)
        return fixed + [s * target / sum(free) for s in free]
    if story:
        return [_lognormal_mu(rng, 5 if story.key == DUNHE else 7, 0.55, 1.2, 30) for _ in range(n)]
    if kind == MICRO:
        return [_lognormal_mu(rng, 10, 0.45, 3, 35) for _ in range(n)]
    if kind == OLD_BLOCK:
        return [_lognormal_mu(rng, 6, 0.7, 0.8, 45) for _ in range(n)]
    return [
        math.exp(rng.uniform(math.log(100), math.log(320)))
        if rng.random() < 0.035
        else _lognormal_mu(rng, 7.5, 0.8, 0.8, 95)
        for _ in range(n)
    ]


def parcel_statuses(draft: ParkDraft, n: int, rng: random.Random) -> list[str]:
    """Statuses in layout order (the story fixes some parks' counts exactly)."""
    if draft.story and draft.story.statuses:
        statuses = [s for s, count in draft.story.statuses.items() for _ in range(count)]
        rng.shuffle(statuses)
        return statuses
    return [pick(rng, STATUS_WEIGHTS[draft.plan.kind]) for _ in range(n)]


def parcel_tenure(draft: ParkDraft, status: str, rng: random.Random) -> str:
    if status == CONSTRUCTION or (draft.story and draft.story.key == DUNHE):
        return GRANTED  # new land is granted (标准地); 敦和 is held by the town since its buy-back
    return pick(rng, TENURE_WEIGHTS[draft.plan.kind])


def parcel_land_use(draft: ParkDraft, rng: random.Random) -> str:
    weights = LAND_USE_WEIGHTS[draft.plan.kind]
    if draft.zone and draft.plan.kind == INDUSTRIAL:
        weights = {USE_INDUSTRIAL: 85, USE_M0: 10, USE_WAREHOUSE: 5}
    return pick(rng, weights)


# ------------------------------------------------------------------ shapes and areas
@dataclass
class ParkShape:
    """A park laid out on its own plane: parcel corners (metres) in layout order, with attributes."""

    draft: ParkDraft
    size: layout.Box
    corners: list[list[tuple[float, float]]]
    statuses: list[str]


def shape_park(draft: ParkDraft, rng: random.Random) -> ParkShape:
    sizes_mu = parcel_sizes_mu(draft, rng)
    dims = [layout.parcel_size(mu * M2_PER_MU, rng) for mu in sizes_mu]
    order, boxes, size = layout.pack_parcels(dims, rng)
    statuses = parcel_statuses(draft, len(order), rng)
    if draft.story and draft.story.key == QIAOTOU_WEST:  # the 烟墩 lots, drawn first, are reserve land
        statuses = [RESERVE if i < len(YANDUN_MU) else s for i, s in zip(order, statuses, strict=False)]
    exact = bool(draft.story and draft.story.total_m2)
    shapes = [layout.corners(box, rng, irregular=not exact and rng.random() < 0.4) for box in boxes]
    return ParkShape(draft=draft, size=size, corners=shapes, statuses=statuses)


def stated_areas(measured: list[float], rng: random.Random, total_m2: Decimal | None) -> list[Decimal]:
    """Areas as the ledger states them: measured to the cent, 30 % off by under 0.8 %; a park whose
    total the story fixes is scaled to that total exactly (rounding cents go to the largest lot)."""
    if total_m2 is None:
        return [
            Decimal(m * (1 + (rng.uniform(-0.008, 0.008) if rng.random() < 0.3 else 0.0))).quantize(CENT, ROUND_HALF_UP)
            for m in measured
        ]
    k = float(total_m2) / sum(measured)
    out = [Decimal(m * k).quantize(CENT, ROUND_HALF_UP) for m in measured]
    largest = max(range(len(out)), key=lambda i: out[i])
    out[largest] += total_m2 - sum(out)
    return out


def place_parks(
    shapes: list[ParkShape], rng: random.Random, placer: layout.ParkPlacer | None = None
) -> list[layout.Box]:
    """Story parks first at their preferred spots, then the others round-robin by town (``placer``: one
    shared by several counties, so that no two of their parks overlap)."""
    placer = placer or layout.ParkPlacer()
    queue = [s for s in shapes if s.draft.story] + _round_robin([s for s in shapes if not s.draft.story])
    placed: dict[str, layout.Box] = {}
    for shape in queue:
        town = shape.draft.town
        cx, cy = layout.to_plane(town.lon, town.lat)
        dx, dy = shape.draft.story.offset_m if shape.draft.story else (0.0, 0.0)
        placed[shape.draft.plan.code] = placer.place(shape.size, (cx + dx, cy + dy), rng.uniform(0, 2 * math.pi))
    return [placed[s.draft.plan.code] for s in shapes]


def _round_robin(shapes: list[ParkShape]) -> list[ParkShape]:
    by_town: dict[str, list[ParkShape]] = {}
    for s in shapes:
        by_town.setdefault(s.draft.town.code, []).append(s)
    out, depth = [], 0
    while len(out) < len(shapes):
        out += [queue[depth] for queue in by_town.values() if depth < len(queue)]
        depth += 1
    return out


def finish_parcels(
    shape: ParkShape, box: layout.Box, first_number: int, rng: random.Random, county_name: str = COUNTY_NAME
) -> list[ParcelPlan]:
    """The park's boundary and its parcels' GeoJSON, stated areas and attributes, numbered per town."""
    draft = shape.draft
    corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]
    draft.plan.boundary = layout.polygon_geojson(corners, 0.0, 0.0)
    geometries, measured = layout.polygons_geojson(shape.corners, box.x0, box.y0)
    areas = stated_areas(measured, rng, draft.story.total_m2 if draft.story else None)
    parcels = []
    for i, (geometry, area, status) in enumerate(zip(geometries, areas, shape.statuses, strict=False)):
        parcels.append(
            ParcelPlan(
                number=f"{draft.town.code}-{first_number + i:04d}",
                park_code=draft.plan.code,
                town_code=draft.town.code,
                area_m2=area,
                geometry=geometry,
                tenure=parcel_tenure(draft, status, rng),
                status=status,
                land_use=parcel_land_use(draft, rng),
                address=f"{county_name}{draft.town.name}{draft.plan.name}{i + 1}号地块",
            )
        )
    draft.parcels = parcels
    return parcels


def build_land(
    towns: list[TownPlan],
    rng: random.Random,
    *,
    park_counts: dict[str, int] | None = None,
    stories: tuple[StoryPark, ...] = STORY_PARKS,
    total_parcels: int = TOTAL_PARCELS,
    county_name: str = COUNTY_NAME,
    placer: layout.ParkPlacer | None = None,
) -> tuple[list[ParkDraft], list[ParcelPlan]]:
    """Parks and their parcels, in town and park order (慈溪市 by default; ``landcycle generate`` passes
    another county's park counts, parcel total, name and a placer shared by the province)."""
    drafts = draft_parks(towns, rng, park_counts, stories, total_parcels)
    shapes = [shape_park(d, rng) for d in drafts]
    boxes = place_parks(shapes, rng, placer)
    parcels: list[ParcelPlan] = []
    next_number: dict[str, int] = {}
    for shape, box in zip(shapes, boxes, strict=False):
        town = shape.draft.town.code
        parcels += finish_parcels(shape, box, next_number.get(town, 1), rng, county_name)
        next_number[town] = next_number.get(town, 1) + len(shape.corners)
    return drafts, parcels
