"""The evaluation policy (亩均效益综合评价办法) as typed, validated, hashable dataclasses.

A policy is data: the shipped default is ``landcycle/policies/evaluation.toml``; a county copies it,
edits the numbers and gives it a new version. ``load_policy`` (in ``parse.py``) accepts that default, a path,
TOML text or an already parsed dict; every mistake in it is reported at once, in Chinese and English, as a
``PolicyError`` (a ``RuleError`` carrying ``Problem`` objects whose ``field`` is the path in the file).

The policy hash is the one content hash of ``landcycle.rules.policy`` (SHA-256 of the canonical JSON of the
parsed content, keys sorted, first 16 hex digits): two files that differ only in comments or layout evaluate
identically and share a hash. This module is the model; ``parse.py`` reads and checks (it imports this
module, never the other way round).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...problems import RuleError

# Input fields an indicator may divide (DOMAIN §2; money in 万元, electricity in 万千瓦时, land in 亩).
FIGURE_FIELDS = ("revenue", "tax", "value_added", "energy_tce", "emissions_t", "rnd", "staff", "electricity_10k_kwh")
INDICATOR_FIELDS = FIGURE_FIELDS + ("land_mu",)
SCALES = ("above", "below", "any")
DIRECTIONS = ("higher", "lower")
BENCHMARK_METHODS = ("group_mean", "industry_mean", "fixed", "previous_year")
BENCHMARK_SCOPES = ("group", "county", "industry")
MISSING_RULES = ("problem", "group_average_score")
CLASS_METHODS = ("rank_percentile", "score_thresholds")
RULE_KINDS = ("registered_within_years", "granted_within_years", "industry_divisions", "flag")
TIE_BREAKS = ("tax_per_mu", "none")
# [missing_column] rule: a ledger without a whole column an indicator needs (see absent.py)
MISSING_COLUMN_RULES = ("rescale", "refuse")


class PolicyError(RuleError):
    """An evaluation policy that cannot be used; ``problems`` lists every mistake found."""


@dataclass(frozen=True)
class Benchmark:
    """How an indicator's reference value is found: ``group_mean`` (Σ numerator / Σ denominator over
    the group's evaluated firms of the year), ``industry_mean`` (the same per GB/T 4754 division, the
    group's when the division has fewer than ``min_firms``), ``fixed`` (``value``) or ``previous_year``
    (Σ numerator / Σ denominator of the year before, so firms know their target in advance: over the
    group's firms (``scope = "group"``), the whole county's (``"county"``) or the firm's GB/T 4754
    division (``"industry"``, the group's when the division had fewer than ``min_firms``); the previous
    year's firms that are not exempt and report the indicator count)."""

    method: str
    value: float | None = None
    min_firms: int = 5
    scope: str = "group"


@dataclass(frozen=True)
class Indicator:
    """One indicator of a group: ``numerator / denominator`` (input fields), weight in points, cap in
    points (None = uncapped), direction ``higher`` (more is better) or ``lower``."""

    key: str
    zh: str
    en: str
    numerator: str
    denominator: str
    unit: str
    direction: str
    weight: float
    cap: float | None
    benchmark: Benchmark
    missing: str


@dataclass(frozen=True)
class Group:
    """An evaluation group (分组). A firm belongs to the first group whose conditions all hold."""

    key: str
    zh: str
    en: str
    scale: str = "any"
    owns_land: bool | None = None
    min_land_mu: float | None = None
    max_land_mu: float | None = None
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class ClassLevel:
    """A class (A 优先发展类 … D 限制整治类), its share of the group or minimum score, and what it costs."""

    key: str
    zh: str
    en: str
    share: float | None = None
    min_score: float | None = None
    electricity_surcharge_yuan_per_kwh: float = 0.0
    water_surcharge_pct: float = 0.0
    land_use_tax_relief_pct: float = 0.0
    min_group_size: int = 0  # a group with fewer units has none of this class (its firms go one class inwards)


@dataclass(frozen=True)
class Rule:
    """An exemption, veto or protection rule. ``kind`` is ``flag`` (a boolean ``column``),
    ``registered_within_years`` / ``granted_within_years`` (a date column later than 31 December of the
    evaluation year minus ``years``) or ``industry_divisions`` (GB/T 4754 2-digit ``divisions``)."""

    key: str
    zh: str
    en: str
    kind: str = "flag"
    column: str | None = None
    years: int | None = None
    divisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvaluationPolicy:
    name: str
    version: str
    hash: str
    title_zh: str
    title_en: str
    above_size_revenue_wan: float
    cap_factor: float
    floor: float
    score_decimals: int
    tie_break: str
    merge_column: str | None
    exemptions: tuple[Rule, ...]
    groups: tuple[Group, ...]
    class_method: str
    classes: tuple[ClassLevel, ...]
    veto_best_class: str
    vetoes: tuple[Rule, ...]
    protection_worst_class: str
    protections: tuple[Rule, ...]
    data: dict
    missing_column: str = "rescale"

    def group(self, key: str) -> Group:
        for g in self.groups:
            if g.key == key:
                return g
        raise KeyError(key)

    def indicators(self) -> dict[str, Indicator]:
        """Every indicator key used by any group (one definition per key; weights may differ)."""
        out: dict[str, Indicator] = {}
        for g in self.groups:
            for ind in g.indicators:
                out.setdefault(ind.key, ind)
        return out

    def class_index(self, key: str) -> int:
        return [c.key for c in self.classes].index(key)

    def describe(self) -> dict:
        """What a result records about the policy it was computed with."""
        return {
            "name": self.name,
            "version": self.version,
            "hash": self.hash,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
        }
