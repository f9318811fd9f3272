"""Enterprises under supervision: tax per mu against the park's minimum (最低亩均税收标准), and the class
of the published per-mu evaluation (D 限制整治类 -> red)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from .assessment import Assessment
from .findings import GREY, RED, YELLOW, Finding, num, pct
from .policy import WarningPolicy


@dataclass(frozen=True)
class EnterpriseStanding:
    uscc: str
    name: str = ""
    tax_per_mu: Decimal | None = None  # 万元/亩, of the evaluation year
    park_minimum_tax_per_mu: Decimal | None = None
    evaluation_class: str | None = None  # A / B / C / D of the published evaluation
    evaluation_year: int | None = None
    park: str = ""


@lru_cache(maxsize=4096)
def _fraction(text: str) -> Fraction:
    """The thresholds and park minimums recur for every enterprise: parse each once (Fractions are immutable)."""
    return Fraction(text)


def tax_per_mu_finding(tax_per_mu, minimum, policy: WarningPolicy, year: int | None = None) -> Finding | None:
    """Below ``tax_per_mu_yellow_below`` × minimum -> yellow; below ``tax_per_mu_red_below`` × minimum -> red."""
    if tax_per_mu is None or minimum is None or Decimal(minimum) <= 0:
        return None
    rule = policy.enterprise.tax_per_mu
    share = Fraction(str(tax_per_mu)) / _fraction(str(minimum))
    if share >= _fraction(str(rule.yellow_below)):
        return None
    red = share < _fraction(str(rule.red_below))
    limit = pct(Decimal(rule.red_below if red else rule.yellow_below), 0)
    y_zh, y_en = (f"{year}年度", f" in {year}") if year else ("", "")
    return Finding(
        "enterprise.tax_per_mu",
        RED if red else YELLOW,
        f"{y_zh}亩均税收{num(tax_per_mu)}万元/亩，为园区最低标准{num(minimum)}万元/亩的{pct(share)}（低于{limit}）",
        f"tax per mu{y_en} {num(tax_per_mu)} 万元/亩, {pct(share)} of the park minimum {num(minimum)} 万元/亩 "
        f"(below {limit})",
        {"tax_per_mu": tax_per_mu, "park_minimum": minimum, "share": pct(share), "year": year},
    )


CLASS_ZH = {"A": "优先发展类", "B": "鼓励提升类", "C": "监管调控类", "D": "限制整治类"}


def class_finding(evaluation_class: str | None, policy: WarningPolicy, year: int | None = None) -> Finding | None:
    if not evaluation_class:
        return None
    cls = evaluation_class.strip().upper()
    rule = policy.enterprise
    if cls in rule.red_classes:
        colour = RED
    elif cls in rule.yellow_classes:
        colour = YELLOW
    else:
        return None
    y_zh, y_en = (f"{year}年度", f"{year} ") if year else ("", "")
    name = CLASS_ZH.get(cls, "")
    return Finding(
        "enterprise.class",
        colour,
        f"{y_zh}亩均效益综合评价为{cls}类{('（' + name + '）') if name else ''}",
        f"class {cls} in the {y_en}per-mu benefit evaluation",
        {"class": cls, "year": year},
    )


def evaluate_enterprise(e: EnterpriseStanding, as_of: dt.date, policy: WarningPolicy) -> Assessment:
    found = [
        tax_per_mu_finding(e.tax_per_mu, e.park_minimum_tax_per_mu, policy, e.evaluation_year),
        class_finding(e.evaluation_class, policy, e.evaluation_year),
    ]
    return Assessment(as_of, tuple(f for f in found if f), (), policy.version, e)


# ------------------------------------------------------------------ exemptions, current data, ended leases
@dataclass(frozen=True)
class Exemption:
    """An exemption of the per-mu evaluation that also spares a firm the tax-per-mu warning: ``kind`` is
    ``registered_within_years`` (a new firm) or ``granted_within_years`` (its own land granted within
    ``years``: the construction period) — ``[[exemptions]]`` of policies/evaluation.toml."""

    key: str
    kind: str
    years: int
    zh: str
    en: str


def tax_exemption(
    year: int, exemptions, registered_on: dt.date | None, land_granted_on: dt.date | None
) -> Exemption | None:
    """The first exemption that applies for the figures of ``year`` ("within N years": later than 31
    December of ``year`` minus N years, as the evaluation counts it)."""
    for e in exemptions:
        d = registered_on if e.kind == "registered_within_years" else land_granted_on
        if d is not None and d > dt.date(year - e.years, 12, 31):
            return e
    return None


def stale_figures_finding(year: int | None, as_of: dt.date, policy: WarningPolicy) -> Finding | None:
    """Figures older than ``enterprise.figures_max_age_years`` give "no current data" (grey), not a colour
    of a year long past. None when the figures are current."""
    oldest = as_of.year - policy.enterprise.figures_max_age_years
    if year is not None and year >= oldest:
        return None
    have_zh = f"最近的亩均税收数据为{year}年度" if year else "没有亩均税收数据"
    have_en = f"the latest tax figures are of {year}" if year else "no tax figures"
    return Finding(
        "enterprise.tax_per_mu",
        GREY,
        f"无当期数据：{have_zh}，早于{oldest}年度，未能判定",
        f"no current data: {have_en}, older than {oldest}: not judged",
        {"year": year, "oldest_current_year": oldest},
    )


def ended_lease_finding(parcel: str, end: dt.date, as_of: dt.date, firm: str, vacating: bool) -> Finding:
    """租约到期未腾退: a lease of ``parcel`` that ended on ``end`` while the firm is still there. Yellow: the
    firm keeps its land (and its place in the evaluation) until it has left; vacating (腾退) starts here."""
    days = (as_of - end).days
    state_zh = "，地块已列入腾退" if vacating else ""
    state_en = "; the parcel is being vacated" if vacating else ""
    return Finding(
        "lease.ended_not_vacated",
        YELLOW,
        f"租约到期未腾退：{firm}在地块{parcel}的租约已于{end}到期（已过{days}天），企业仍在{state_zh}；"
        "迁出前其用地仍计入亩均评价",
        f"lease ended, not vacated: {firm}'s lease of parcel {parcel} ended on {end} ({days} days ago) and "
        f"the firm is still there{state_en}; its land counts in the per-mu evaluation until it has left",
        {"parcel": parcel, "lease_end": end, "days_since_end": days, "firm": firm},
        days,
    )
