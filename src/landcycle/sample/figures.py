"""Scale (规上/规下) and yearly figures (年度数据) of the sample's enterprises.

Land comes first: a firm's land used (用地面积 = owned + leased − let, DOMAIN §2) at each year end
is read off its occupancies. Tax per mu is drawn (mostly 5–60 万元/亩; under 1 in 敦和园区), and
revenue follows from it and a tax rate of 3–8 %, kept on its side of the 2,000万元 line that makes a
firm 规上. Value added is 20–30 % of revenue; electricity and energy (tce, 等价值) scale with revenue
and industry; emissions, energy and R&D have gaps as real ledgers do. Years drift by a few percent.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from landcycle.rules.policy import load_default

from .dates import year_end
from .firms import FirmDraft
from .plan import ABOVE, BELOW, FIGURE_YEARS, OPERATING, SUSPENDED, FigurePlan

M2_PER_MU = 2000 / 3
# 规上: main revenue at or above this (万元), from the shipped registry policy
ABOVE_SIZE_WAN = load_default("registry")["enterprise"]["above_size_revenue_wan"]
ABOVE_SHARE = 0.25
ELECTRICITY_TCE_PER_10K_KWH = 2.95  # equivalent value (等价值) of 1万千瓦时 in tce
ENERGY_FACTOR = {"17": 1.8, "22": 1.6, "26": 2.5, "29": 1.4, "30": 3.0, "31": 4.0, "32": 3.0, "33": 1.3}


def land_used_mu(firms: list[FirmDraft], day) -> dict[str, float]:
    """Land used on ``day`` in mu by USCC: owned + leased − let to others."""
    out = {f.uscc: 0.0 for f in firms}
    for firm in firms:
        for occ in firm.occupancies:
            if occ.active_on(day):
                area = float(occ.area_m2) / M2_PER_MU
                out[firm.uscc] += area
                if occ.lessor:
                    out[occ.lessor] -= area
    return out


def decide_scale(firms: list[FirmDraft], land: dict[str, float], rng: random.Random) -> dict[str, str]:
    """规上 for the ~25 % of firms with the most land (plus noise); tenants rarely, newcomers and
    敦和园区's firms never."""
    scores = {}
    for firm in firms:
        mu = land[firm.uscc]
        if firm.status in (OPERATING, SUSPENDED) and firm.role not in ("new", "dunhe", "former") and mu > 0:
            penalty = 0.8 if firm.role in ("subtenant", "micro") else 0.0
            scores[firm.uscc] = math.log(mu) + rng.gauss(0, 0.3) - penalty
    ranked = sorted(scores, key=lambda code: (-scores[code], code))
    above = set(ranked[: round(ABOVE_SHARE * len(firms))])
    return {f.uscc: ABOVE if f.uscc in above else BELOW for f in firms}


def figure_years(firm: FirmDraft, land_by_year: dict[int, dict[str, float]]) -> list[int]:
    """Years with figures: the firm is running, registered by then (newcomers report from the year
    after) and holds land at the year's end; a suspended firm stopped reporting after 2024."""
    if firm.status not in (OPERATING, SUSPENDED):
        return []
    first = firm.registered_on.year + (1 if firm.role == "new" else 0)
    last = 2024 if firm.status == SUSPENDED else FIGURE_YEARS[-1]
    return [y for y in FIGURE_YEARS if first <= y <= last and land_by_year[y][firm.uscc] > 0]


@dataclass
class Profile:
    """A firm's lasting traits, from which each year's figures are drawn."""

    tax_rate: float
    value_added_ratio: float
    electricity_per_wan: float
    electricity_share: float
    emissions_per_tce: float | None
    rnd_ratio: float | None
    productivity: float  # revenue per employee, 万元


def draw_profile(rng: random.Random, scale: str, industry_code: str) -> Profile:
    above = scale == ABOVE
    if above:
        rnd = rng.uniform(0.01, 0.06)
    else:
        roll = rng.random()
        rnd = 0.0 if roll < 0.45 else None if roll < 0.65 else rng.uniform(0.002, 0.02)
    missing_emissions = rng.random() < (0.10 if above else 0.35)
    return Profile(
        tax_rate=rng.uniform(0.035, 0.075) if above else rng.uniform(0.03, 0.07),
        value_added_ratio=rng.uniform(0.20, 0.30),
        electricity_per_wan=rng.lognormvariate(math.log(0.025), 0.45) * ENERGY_FACTOR.get(industry_code[:2], 1.0),
        electricity_share=rng.uniform(0.6, 0.9),
        emissions_per_tce=None if missing_emissions else rng.lognormvariate(math.log(0.01), 0.6),
        rnd_ratio=rnd,
        productivity=rng.lognormvariate(math.log(70), 0.4),
    )


def base_revenue(rng: random.Random, firm: FirmDraft, scale: str, mu: float, rate: float) -> float:
    """Revenue of the latest year (万元), from a drawn tax per mu and the firm's tax rate."""
    if firm.role == "new":
        return rng.uniform(30, 600)  # trial production
    if firm.role == "dunhe":
        return rng.uniform(0.15, 0.7) * mu / rate
    if scale == ABOVE:
        revenue = rng.lognormvariate(math.log(26), 0.5) * mu / rate
        return revenue if revenue >= ABOVE_SIZE_WAN else ABOVE_SIZE_WAN * math.exp(abs(rng.gauss(0, 0.35)))
    revenue = rng.lognormvariate(math.log(11), 0.5) * mu / rate
    return max(rng.uniform(20, 60), revenue if revenue < ABOVE_SIZE_WAN else rng.uniform(1200, 1990))


def keep_scale(rng: random.Random, scale: str, revenue: float) -> float:
    """Keep a year's revenue (as rounded to the 百元) on its side of the 规上 line."""
    if scale == ABOVE and round(revenue, 2) < ABOVE_SIZE_WAN:
        return ABOVE_SIZE_WAN * rng.uniform(1.01, 1.2)
    if scale == BELOW and round(revenue, 2) >= ABOVE_SIZE_WAN:
        return ABOVE_SIZE_WAN * rng.uniform(0.8, 0.99)
    return revenue


def revenues(rng: random.Random, latest: float, years: list[int], scale: str) -> dict[int, float]:
    """Revenue by year, drifting backwards from the latest year by −20 % to +30 % a year (mean +4 %)."""
    out, value = {}, latest
    for year in sorted(years, reverse=True):
        out[year] = keep_scale(rng, scale, value)
        value = out[year] / (1 + min(0.3, max(-0.2, rng.gauss(0.04, 0.07))))
    return out


def _wan(x: float | None, places: int = 2) -> Decimal | None:
    return None if x is None else Decimal(f"{x:.{places}f}")


def one_year(
    rng: random.Random, firm: FirmDraft, year: int, revenue: float, profile: Profile, scale: str, mu: float
) -> FigurePlan:
    tax = revenue * profile.tax_rate * rng.uniform(0.93, 1.07)
    if firm.role == "dunhe":
        tax = min(tax, 0.95 * mu)  # 敦和园区: 亩均税收不到1万元
    electricity = revenue * profile.electricity_per_wan * rng.uniform(0.95, 1.05)
    energy = (
        None
        if scale == BELOW and rng.random() < 0.04
        else (electricity * ELECTRICITY_TCE_PER_10K_KWH / profile.electricity_share)
    )
    emissions = None
    if profile.emissions_per_tce is not None and energy is not None and rng.random() > 0.03:
        emissions = energy * profile.emissions_per_tce * rng.uniform(0.9, 1.1)
    rnd = None if profile.rnd_ratio is None else revenue * profile.rnd_ratio * rng.uniform(0.9, 1.1)
    return FigurePlan(
        enterprise=firm.uscc,
        year=year,
        revenue=_wan(revenue),
        tax=_wan(tax),
        value_added=_wan(revenue * profile.value_added_ratio * rng.uniform(0.97, 1.03)),
        energy_tce=_wan(energy),
        emissions_t=_wan(emissions, 3),
        rnd=_wan(rnd),
        staff=max(3, round(revenue / profile.productivity)),
        electricity_10k_kwh=_wan(electricity),
    )


def build_figures(
    firms: list[FirmDraft], scales: dict[str, str], industries: dict[str, str], rng: random.Random
) -> list[FigurePlan]:
    land_by_year = {y: land_used_mu(firms, year_end(y)) for y in FIGURE_YEARS}
    out = []
    for firm in firms:
        years = figure_years(firm, land_by_year)
        if not years:
            continue
        scale = scales[firm.uscc]
        profile = draw_profile(rng, scale, industries[firm.uscc])
        mu = land_by_year[years[-1]][firm.uscc]
        by_year = revenues(rng, base_revenue(rng, firm, scale, mu, profile.tax_rate), years, scale)
        out += [one_year(rng, firm, y, by_year[y], profile, scale, land_by_year[y][firm.uscc]) for y in years]
    return out
