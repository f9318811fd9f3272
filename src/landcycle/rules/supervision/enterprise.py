"""Enterprises under supervision: tax per mu against the park's minimum (最低亩均税收标准), and the class
of the published per-mu evaluation (D 限制整治类 -> red)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from .assessment import Assessment
from .findings import RED, YELLOW, Finding, num, pct
from .policy import WarningPolicy


@dataclass(frozen=True)
class EnterpriseStanding:
    uscc: str
    name: str = ""
    tax_per_mu: Decimal | None = None            # 万元/亩, of the evaluation year
    park_minimum_tax_per_mu: Decimal | None = None
    evaluation_class: str | None = None          # A / B / C / D of the published evaluation
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
    return Finding("enterprise.tax_per_mu", RED if red else YELLOW,
                   f"{y_zh}亩均税收{num(tax_per_mu)}万元/亩，为园区最低标准{num(minimum)}万元/亩的{pct(share)}（低于{limit}）",
                   f"tax per mu{y_en} {num(tax_per_mu)} 万元/亩, {pct(share)} of the park minimum {num(minimum)} 万元/亩 "
                   f"(below {limit})",
                   {"tax_per_mu": tax_per_mu, "park_minimum": minimum, "share": pct(share), "year": year})


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
    return Finding("enterprise.class", colour, f"{y_zh}亩均效益综合评价为{cls}类{('（' + name + '）') if name else ''}",
                   f"class {cls} in the {y_en}per-mu benefit evaluation", {"class": cls, "year": year})


def evaluate_enterprise(e: EnterpriseStanding, as_of: dt.date, policy: WarningPolicy) -> Assessment:
    found = [tax_per_mu_finding(e.tax_per_mu, e.park_minimum_tax_per_mu, policy, e.evaluation_year),
             class_finding(e.evaluation_class, policy, e.evaluation_year)]
    return Assessment(as_of, tuple(f for f in found if f), (), policy.version, e)
