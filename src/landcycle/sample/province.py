"""A province of sample counties (``landcycle generate``): which real towns of 浙江 it uses, how many
enterprises and contracts each county gets, and where its towns lie.

慈溪市 comes first (its towns where the sample county puts them), then the other counties of 浙江 in
code order, each whole until the number of towns asked for is reached (the last one may be partial).
Towns are the 2023 statistical towns (镇, 街道, 乡 and development zones; forest farms and nature
reserves are left out). A county's towns lie around a point near its city, on a spiral; the parks of
all counties are placed by one placer, so that no two overlap. Enterprises are shared among the towns
by a drawn weight (a 街道 less than a 镇, a development zone more); contracts among the counties in
proportion to their enterprises. Plain data, no database.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

from landcycle.rules.codes import Division, divisions

from .names import CIXI, Places
from .plan import COUNTY_CODE, TownPlan
from .towns import TOWN_PROFILE, short_name

PROVINCE = "33"  # 浙江省
FIRMS_PER_TOWN = 210  # 慈溪: 5,100 enterprises in 24 towns
PARCELS_PER_FIRM = 1.5  # a little under what settling yields, so that fitting adds a few tenants
PARCELS_PER_PARK = 40  # 慈溪: 8,000 parcels in 200 parks
MIN_FIRMS_PER_TOWN = 20
KIND_WEIGHT = {"镇": 1.0, "街道": 0.8, "乡": 0.4, "zone": 1.6}
NOT_TOWNS = ("林场", "农场", "场区", "保护区", "保税区")
ZONE_SUFFIXES = (
    "经济技术开发区",
    "经济开发区",
    "高新技术产业园区",
    "产业园区",
    "开发区",
    "工业园区",
    "园区",
    "新区",
    "新城",
    "工业城",
    "商业城",
    "创新中心",
)
# where each city's counties gather (lon, lat, WGS 84)
CITY_POINTS = {
    "3301": (120.0, 30.0),
    "3302": (121.5, 29.7),
    "3303": (120.5, 27.9),
    "3304": (120.8, 30.7),
    "3305": (119.9, 30.8),
    "3306": (120.6, 29.7),
    "3307": (119.9, 29.1),
    "3308": (118.8, 28.9),
    "3309": (122.2, 30.1),
    "3310": (121.2, 28.7),
    "3311": (119.5, 28.3),
}


@dataclass
class CountySpec:
    """One county of the province: its towns, and how many enterprises, contracts, parcels and parks
    (by town) it gets."""

    code: str
    name: str
    places: Places
    towns: list[TownPlan]
    firms: int
    contracts: int
    parcels: int
    park_counts: dict[str, int]


@lru_cache(maxsize=1)
def _province() -> tuple[dict[str, Division], dict[str, Division], dict[str, list[Division]]]:
    """Cities and counties of 浙江 by code, and each county's towns."""
    cities, counties, towns = {}, {}, {}
    for d in divisions():
        if not d.code.startswith(PROVINCE):
            continue
        if d.level == "city":
            cities[d.code] = d
        elif d.level == "county":
            counties[d.code] = d
        elif d.level == "town" and not any(word in d.name for word in NOT_TOWNS):
            towns.setdefault(d.parent, []).append(d)
    return cities, counties, towns


def is_zone_code(code: str) -> bool:
    return code[6:7] == "4"


def town_kind(d: Division) -> str:
    if is_zone_code(d.code):
        return "zone"
    return next((s for s in ("街道", "镇", "乡") if d.name.endswith(s)), "镇")


def town_short(d: Division, county_short: str) -> str:
    """The prefix of a town's park names: 新浦镇 -> 新浦; a zone without a place in its name -> the county's."""
    if d.code.startswith(COUNTY_CODE) or not is_zone_code(d.code):
        return short_name(d.code, d.name)
    for suffix in ZONE_SUFFIXES:
        if d.name.endswith(suffix):
            return d.name[: -len(suffix)] or county_short
    return d.name


def county_places(county: Division, city: Division) -> Places:
    """慈溪市 -> (慈溪市, 慈溪, 宁波); 西湖区 -> (杭州市, 西湖, 杭州): firms of a district take the city's name."""
    if county.code == COUNTY_CODE:
        return CIXI
    short = county.name
    for suffix in ("自治县", "市", "县", "区"):
        if short.endswith(suffix) and len(short) > len(suffix) + 1:
            short = short[: -len(suffix)]
            break
    city_short = city.name.removesuffix("市")
    return Places(county=city.name if county.name.endswith("区") else county.name, short=short, city=city_short)


def county_order() -> list[str]:
    _cities, counties, towns = _province()
    return [COUNTY_CODE] + [code for code in sorted(counties) if code != COUNTY_CODE and towns.get(code)]


def _spiral(lon: float, lat: float, n: int, step_deg: float, phase: float) -> list[tuple[float, float]]:
    golden = math.pi * (3 - math.sqrt(5))
    return [
        (
            round(lon + step_deg * math.sqrt(i + 0.5) * math.cos(phase + i * golden) / math.cos(math.radians(lat)), 5),
            round(lat + step_deg * math.sqrt(i + 0.5) * math.sin(phase + i * golden), 5),
        )
        for i in range(n)
    ]


def _town_plans(county: Division, chosen: list[Division], places: Places, index: int) -> list[TownPlan]:
    if county.code == COUNTY_CODE:
        points = [TOWN_PROFILE[d.code][:2] for d in chosen]
    else:
        cx, cy = CITY_POINTS.get(county.parent, (120.2, 29.2))
        ring = _spiral(cx, cy, index + 1, 0.22, 0.7)[index]  # the counties of a city around its point
        points = _spiral(ring[0], ring[1], len(chosen), 0.035, index * 1.3)
    return [
        TownPlan(code=d.code, name=d.name, short=town_short(d, places.short), lon=lon, lat=lat)
        for d, (lon, lat) in zip(chosen, points, strict=False)
    ]


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """``total`` shared in proportion to ``weights`` (whole numbers adding up to ``total``)."""
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    out = [int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: (-(shares[i] % 1), i))[: total - sum(out)]:
        out[i] += 1
    return out


def default_towns(enterprises: int) -> int:
    return max(1, round(enterprises / FIRMS_PER_TOWN))


def province_counties(enterprises: int, contracts: int, towns: int | None, rng: random.Random) -> list[CountySpec]:
    """The counties of a province sample of ``enterprises`` firms and ``contracts`` contracts in ``towns``
    towns (default: one per ~210 enterprises)."""
    towns = default_towns(enterprises) if towns is None else towns
    if towns < 1 or enterprises < MIN_FIRMS_PER_TOWN * towns:
        raise ValueError(
            f"{enterprises} enterprises are too few for {towns} towns (at least {MIN_FIRMS_PER_TOWN} a town)"
        )
    cities, counties, by_county = _province()
    picked: list[tuple[Division, list[Division]]] = []
    left = towns
    for code in county_order():
        if left == 0:
            break
        chosen = sorted(by_county[code], key=lambda d: d.code)[:left]
        picked.append((counties[code], chosen))
        left -= len(chosen)
    if left:
        raise ValueError(f"浙江 has {towns - left} towns, fewer than the {towns} asked for")
    specs, weights, town_lists = [], [], []
    for index, (county, chosen) in enumerate(picked):
        places = county_places(county, cities[county.parent])
        town_lists.append(_town_plans(county, chosen, places, index))
        for d in chosen:
            base = TOWN_PROFILE[d.code][2] / 8.3 if d.code in TOWN_PROFILE else KIND_WEIGHT[town_kind(d)]
            weights.append(base * rng.uniform(0.6, 1.4))
        specs.append((county, places))
    town_firms = largest_remainder(enterprises - MIN_FIRMS_PER_TOWN * towns, weights)
    town_firms = [MIN_FIRMS_PER_TOWN + n for n in town_firms]
    out, at = [], 0
    for (county, places), plans in zip(specs, town_lists, strict=False):
        firms = town_firms[at : at + len(plans)]
        at += len(plans)
        park_counts = {
            t.code: max(1, round(n * PARCELS_PER_FIRM / PARCELS_PER_PARK)) for t, n in zip(plans, firms, strict=False)
        }
        parcels = max(round(sum(firms) * PARCELS_PER_FIRM), 10 * sum(park_counts.values()))
        out.append(
            CountySpec(
                code=county.code,
                name=county.name,
                places=places,
                towns=plans,
                firms=sum(firms),
                contracts=0,
                parcels=parcels,
                park_counts=park_counts,
            )
        )
    for spec, n in zip(out, largest_remainder(contracts, [s.firms for s in out]), strict=False):
        spec.contracts = n
    return out
