"""A composite index as a versioned policy (``landcycle/policies/ranking.toml``): the hierarchy (index → dimensions →
indicators), each indicator's direction, unit, source, weight and optional denominator, the method of each stage,
and the Monte Carlo of the robustness analysis.

``load_policy()`` gives the shipped "五位一体" index, ``load_policy(text=…)`` a county's copy; ``parse_policy(data)``
checks a parsed one and reports every mistake at once (``PolicyError`` of ``Problem``s naming the setting). Pure
Python, no Django.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..policy import read_policy
from ..problems import Problem, RuleError
from .stages import AGGREGATIONS, FALLBACKS, IMPUTATIONS, NORMALISATIONS, TREATMENTS, WEIGHTINGS


class PolicyError(RuleError):
    """An index that cannot be used, with every problem found."""


@dataclass(frozen=True)
class Indicator:
    key: str
    name_zh: str
    name_en: str
    direction: int  # +1 higher is better, −1 lower is better
    unit: str
    source: str
    weight: float
    denominator: str | None = None
    benchmark: float | None = None


@dataclass(frozen=True)
class Dimension:
    key: str
    name_zh: str
    name_en: str
    weight: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Treat:
    method: str = "winsorise"
    winmax: int | None = None  # None: 10 % of the units, rounded up (COINr)
    skew: float = 2.0
    kurtosis: float = 3.5
    fallback: str = "ctlog"


@dataclass(frozen=True)
class Methods:
    denominate: bool = True
    impute: str = "group_mean"
    impute_group: str | None = None
    treat: Treat = field(default_factory=Treat)
    normalise: str = "minmax"
    weights: str = "fixed"
    aggregate_indicators: str = "arithmetic"  # indicators → dimension
    aggregate_dimensions: str = "arithmetic"  # dimensions → index


@dataclass(frozen=True)
class MonteCarlo:
    runs: int = 1000
    seed: int = 17
    weight_range: float = 0.25  # each weight × U(1 − r, 1 + r)
    normalisations: tuple[str, ...] = ("minmax",)
    aggregations: tuple[str, ...] = ("arithmetic",)
    imputation: tuple[bool, ...] = (True,)


@dataclass(frozen=True)
class IndexPolicy:
    version: str
    hash: str
    title_zh: str
    title_en: str
    dimensions: tuple[Dimension, ...]
    denominators: dict[str, str]
    methods: Methods
    monte_carlo: MonteCarlo

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)

    def with_monte_carlo(self, **changes: Any) -> IndexPolicy:
        return replace(self, monte_carlo=replace(self.monte_carlo, **changes))


class _Check:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def err(self, where: str, rule: str, zh: str, en: str) -> None:
        self.problems.append(Problem(where, rule, f"指数设置“{where}”：{zh}", f"index setting '{where}': {en}"))

    def table(self, d: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        v = d.get(key, {})
        if not isinstance(v, dict):
            self.err(where, "policy.type", "应为表（table）", "must be a table")
            return {}
        return v

    def text(self, d: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
        v = d.get(key, "")
        if not isinstance(v, str):
            self.err(f"{where}.{key}", "policy.type", "应为文字", "must be text")
            return ""
        if required and not v.strip():
            self.err(f"{where}.{key}", "policy.missing", "不能为空", "must be given")
        return v.strip()

    def number(self, d: Mapping[str, Any], key: str, where: str, default: float, lo: float, hi: float) -> float:
        v = d.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.err(f"{where}.{key}", "policy.type", f"应为数值，实为“{v}”", f"must be a number, not '{v}'")
            return default
        if not lo <= v <= hi:
            self.err(
                f"{where}.{key}",
                "policy.range",
                f"应在 {lo} 与 {hi} 之间，实为 {v}",
                f"must be in [{lo}, {hi}], not {v}",
            )
            return default
        return float(v)

    def choice(self, d: Mapping[str, Any], key: str, where: str, default: str, allowed: tuple[str, ...]) -> str:
        v = d.get(key, default)
        if v not in allowed:
            self.err(
                f"{where}.{key}",
                "policy.method",
                f"应为 {'、'.join(allowed)} 之一，实为“{v}”",
                f"must be one of {', '.join(allowed)}, not '{v}'",
            )
            return default
        return str(v)

    def choices(self, d: Mapping[str, Any], key: str, where: str, default: tuple, allowed: tuple) -> tuple:
        v = d.get(key, list(default))
        if not isinstance(v, list) or not v:
            self.err(f"{where}.{key}", "policy.type", "应为非空列表", "must be a non-empty list")
            return default
        bad = [x for x in v if x not in allowed]
        if bad:
            self.err(
                f"{where}.{key}",
                "policy.method",
                f"{bad} 不在可选范围 {list(allowed)} 内",
                f"{bad} not among {list(allowed)}",
            )
            return default
        return tuple(dict.fromkeys(v))


def _indicator(c: _Check, d: Any, where: str, denominators: dict[str, str]) -> Indicator | None:
    if not isinstance(d, dict):
        c.err(where, "policy.type", "应为表（table）", "must be a table")
        return None
    key = c.text(d, "key", where, required=True)
    direction = d.get("direction", 1)
    if direction not in (1, -1) or isinstance(direction, bool):
        c.err(f"{where}.direction", "policy.direction", "应为 1（越大越好）或 -1（越小越好）", "must be 1 or -1")
        direction = 1
    denominator = d.get("denominator")
    if denominator is not None and denominator not in denominators:
        c.err(
            f"{where}.denominator",
            "policy.denominator",
            f"分母“{denominator}”未在 [denominators] 中定义",
            f"denominator '{denominator}' is not defined in [denominators]",
        )
    benchmark = d.get("benchmark")
    if benchmark is not None and (
        isinstance(benchmark, bool) or not isinstance(benchmark, int | float) or benchmark <= 0
    ):
        c.err(f"{where}.benchmark", "policy.range", "基准值应为正数", "the benchmark must be a positive number")
        benchmark = None
    source = c.text(d, "source", where)
    if not source:
        c.err(
            f"{where}.source", "policy.source", "每个指标都应注明数据来源（source）", "every indicator needs its source"
        )
    return Indicator(
        key=key,
        name_zh=c.text(d, "name_zh", where, required=True),
        name_en=c.text(d, "name_en", where),
        direction=int(direction),
        unit=c.text(d, "unit", where),
        source=source,
        weight=c.number(d, "weight", where, 1.0, 0.0, 1e6),
        denominator=None if denominator is None else str(denominator),
        benchmark=None if benchmark is None else float(benchmark),
    )


def _dimensions(c: _Check, data: Mapping[str, Any], denominators: dict[str, str]) -> tuple[Dimension, ...]:
    raw = data.get("dimensions", [])
    if not isinstance(raw, list) or not raw:
        c.err("dimensions", "policy.missing", "应至少有一个维度（[[dimensions]]）", "needs at least one dimension")
        return ()
    out, seen = [], set()
    for n, d in enumerate(raw):
        where = f"dimensions[{n}]"
        if not isinstance(d, dict):
            c.err(where, "policy.type", "应为表（table）", "must be a table")
            continue
        key = c.text(d, "key", where, required=True)
        indicators = []
        items = d.get("indicators", [])
        if not isinstance(items, list) or not items:
            c.err(
                f"{where}.indicators",
                "policy.missing",
                "每个维度应至少有一个指标",
                "every dimension needs an indicator",
            )
            items = []
        for m, item in enumerate(items):
            ind = _indicator(c, item, f"{where}.indicators[{m}]", denominators)
            if ind is None:
                continue
            if ind.key and ind.key in seen:
                c.err(f"{where}.indicators[{m}].key", "policy.duplicate", f"指标“{ind.key}”重复", "duplicate key")
            seen.add(ind.key)
            indicators.append(ind)
        if indicators and not any(i.weight > 0 for i in indicators):
            c.err(f"{where}.indicators", "policy.weight", "维度内指标权重不能全为 0", "indicator weights are all 0")
        if key in seen:
            c.err(f"{where}.key", "policy.duplicate", f"“{key}”重复", f"duplicate key '{key}'")
        seen.add(key)
        out.append(
            Dimension(
                key,
                c.text(d, "name_zh", where, required=True),
                c.text(d, "name_en", where),
                c.number(d, "weight", where, 1.0, 0.0, 1e6),
                tuple(indicators),
            )
        )
    if out and not any(d.weight > 0 for d in out):
        c.err("dimensions", "policy.weight", "维度权重不能全为 0", "dimension weights are all 0")
    return tuple(out)


def _methods(c: _Check, data: Mapping[str, Any]) -> Methods:
    m = c.table(data, "methods", "methods")
    t = c.table(m, "treat", "methods.treat")
    winmax = t.get("winmax")
    if winmax is not None and (isinstance(winmax, bool) or not isinstance(winmax, int) or winmax < 0):
        c.err("methods.treat.winmax", "policy.range", "应为非负整数", "must be a whole number ≥ 0")
        winmax = None
    treat = Treat(
        method=c.choice(t, "method", "methods.treat", "winsorise", TREATMENTS),
        winmax=winmax,
        skew=c.number(t, "skew", "methods.treat", 2.0, 0.0, 100.0),
        kurtosis=c.number(t, "kurtosis", "methods.treat", 3.5, 0.0, 1000.0),
        fallback=c.choice(t, "fallback", "methods.treat", "ctlog", FALLBACKS),
    )
    agg = c.table(m, "aggregate", "methods.aggregate")
    denominate = m.get("denominate", True)
    if not isinstance(denominate, bool):
        c.err("methods.denominate", "policy.type", "应为 true 或 false", "must be true or false")
        denominate = True
    group = m.get("impute_group")
    if group is not None and not isinstance(group, str):
        c.err("methods.impute_group", "policy.type", "应为文字", "must be text")
        group = None
    return Methods(
        denominate=denominate,
        impute=c.choice(m, "impute", "methods", "group_mean", IMPUTATIONS),
        impute_group=group or None,
        treat=treat,
        normalise=c.choice(m, "normalise", "methods", "minmax", NORMALISATIONS),
        weights=c.choice(m, "weights", "methods", "fixed", WEIGHTINGS),
        aggregate_indicators=c.choice(agg, "indicators", "methods.aggregate", "arithmetic", AGGREGATIONS),
        aggregate_dimensions=c.choice(agg, "dimensions", "methods.aggregate", "arithmetic", AGGREGATIONS),
    )


def _monte_carlo(c: _Check, data: Mapping[str, Any], methods: Methods) -> MonteCarlo:
    r = c.table(data, "robustness", "robustness")
    runs = r.get("runs", 1000)
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= 100_000:
        c.err("robustness.runs", "policy.range", "应为 1 到 100000 之间的整数", "must be a whole number in 1–100000")
        runs = 1000
    seed = r.get("seed", 17)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        c.err("robustness.seed", "policy.type", "应为非负整数", "must be a whole number ≥ 0")
        seed = 17
    imputation = r.get("imputation", [True])
    if not isinstance(imputation, list) or not imputation or not all(isinstance(x, bool) for x in imputation):
        c.err("robustness.imputation", "policy.type", "应为 [true]、[false] 或 [true, false]", "must list true/false")
        imputation = [True]
    return MonteCarlo(
        runs=runs,
        seed=seed,
        weight_range=c.number(r, "weight_range", "robustness", 0.25, 0.0, 0.99),
        normalisations=c.choices(r, "normalisations", "robustness", (methods.normalise,), NORMALISATIONS),
        aggregations=c.choices(r, "aggregations", "robustness", (methods.aggregate_indicators,), AGGREGATIONS),
        imputation=tuple(dict.fromkeys(imputation)),
    )


def parse_policy(data: Mapping[str, Any], digest: str = "") -> IndexPolicy:
    """Check a parsed index; raises ``PolicyError`` with every problem."""
    c = _Check()
    denominators: dict[str, str] = {}
    for key, d in c.table(data, "denominators", "denominators").items():
        where = f"denominators.{key}"
        if not isinstance(d, dict):
            c.err(where, "policy.type", "应为表（table）", "must be a table")
            continue
        denominators[key] = c.text(d, "name_zh", where, required=True)
        if not c.text(d, "source", where):
            c.err(
                f"{where}.source",
                "policy.source",
                "每个分母都应注明数据来源（source）",
                "every denominator needs a source",
            )
    dimensions = _dimensions(c, data, denominators)
    methods = _methods(c, data)
    monte_carlo = _monte_carlo(c, data, methods)
    version = data.get("version")
    if not isinstance(version, str | int | float) or isinstance(version, bool) or not str(version).strip():
        c.err("version", "policy.missing", "应注明版本（version）", "needs a version")
    policy = IndexPolicy(
        version=str(version or "0"),
        hash=digest,
        title_zh=c.text(data, "title_zh", "policy"),
        title_en=c.text(data, "title_en", "policy"),
        dimensions=dimensions,
        denominators=denominators,
        methods=methods,
        monte_carlo=monte_carlo,
    )
    if c.problems:
        raise PolicyError(c.problems)
    return policy


def load_policy(text: str | None = None) -> IndexPolicy:
    """The shipped index (``text=None``) or a county's TOML text. Raises ``PolicyError``."""
    try:
        source = read_policy("ranking", text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(
            [Problem("policy", "policy.syntax", f"指数设置不是有效的 TOML：{e}", f"The index is not valid TOML: {e}")]
        ) from None
    return parse_policy(source.data, source.hash)
