"""Reading an evaluation policy: the shipped default, a path, TOML text or a parsed dict, validated with every
mistake collected with its path, in both languages. The text is read and hashed by the one policy loader
(``landcycle.rules.policy``); the model is in ``policy/__init__.py``."""

from __future__ import annotations

import os
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from ...policy import content_hash, read_policy
from ...problems import Problem
from . import (
    BENCHMARK_METHODS,
    BENCHMARK_SCOPES,
    CLASS_METHODS,
    DIRECTIONS,
    INDICATOR_FIELDS,
    MISSING_COLUMN_RULES,
    MISSING_RULES,
    RULE_KINDS,
    SCALES,
    TIE_BREAKS,
    Benchmark,
    ClassLevel,
    EvaluationPolicy,
    Group,
    Indicator,
    PolicyError,
    Rule,
)

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MISSING = object()


class Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def err(self, path: str, rule: str, zh: str, en: str) -> None:
        self.problems.append(Problem(path, rule, zh, en))

    def table(self, value, path: str, allowed: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            self.err(path, "policy.type", f"“{path}”应为表（table）", f"'{path}' must be a table")
            return {}
        for k in value:
            if k not in allowed:
                self.err(
                    f"{path}.{k}" if path else k,
                    "policy.unknown",
                    f"“{_join(path, k)}”不是评价办法的设置项（可用：{'、'.join(allowed)}）",
                    f"'{_join(path, k)}' is not a setting of the policy (known: {', '.join(allowed)})",
                )
        return value

    def get(self, d: dict, key: str, path: str, kind: type | tuple, default=_MISSING):
        where = _join(path, key)
        if key not in d:
            if default is _MISSING:
                self.err(where, "policy.missing", f"缺少“{where}”", f"'{where}' is missing")
                return None
            return default
        v = d[key]
        ok = isinstance(v, kind) and not (kind in (int, float, (int, float)) and isinstance(v, bool))
        if not ok:
            zh, en = _KIND.get(kind, ("值", "a value"))
            self.err(where, "policy.type", f"“{where}”应为{zh}，实为“{v}”", f"'{where}' must be {en}, not '{v}'")
            return None if default is _MISSING else default
        return v

    def number(
        self, d: dict, key: str, path: str, default=_MISSING, *, minimum: float | None = None, positive: bool = False
    ):
        if key not in d and default is not _MISSING:
            return default
        v = self.get(d, key, path, (int, float))
        if v is None:
            return None
        where = _join(path, key)
        if positive and not v > 0:
            self.err(where, "policy.range", f"“{where}”应大于0，实为{v}", f"'{where}' must be greater than 0, not {v}")
        elif minimum is not None and v < minimum:
            self.err(
                where,
                "policy.range",
                f"“{where}”不应小于{minimum}，实为{v}",
                f"'{where}' must not be below {minimum}, not {v}",
            )
        return float(v)

    def choice(self, d: dict, key: str, path: str, options: tuple[str, ...], default=_MISSING):
        v = self.get(d, key, path, str, default)
        if v is not None and v not in options:
            where = _join(path, key)
            self.err(
                where,
                "policy.choice",
                f"“{where}”应为 {'、'.join(options)} 之一，实为“{v}”",
                f"'{where}' must be one of {', '.join(options)}, not '{v}'",
            )
            return None
        return v

    def key(self, d: dict, path: str, pattern: re.Pattern = KEY) -> str | None:
        v = self.get(d, "key", path, str)
        if v is not None and not pattern.match(v):
            self.err(
                f"{path}.key",
                "policy.key",
                f"“{path}.key”应由小写字母、数字和下划线组成，实为“{v}”",
                f"'{path}.key' must be lower-case letters, digits and underscores, not '{v}'",
            )
        return v

    def unique(self, keys: list, path: str) -> None:
        seen = set()
        for k in keys:
            if k is not None and k in seen:
                self.err(path, "policy.duplicate", f"“{path}”中的“{k}”重复", f"'{k}' appears twice in '{path}'")
            seen.add(k)


_KIND = {
    str: ("文字", "text"),
    bool: ("true 或 false", "true or false"),
    (int, float): ("数字", "a number"),
    int: ("整数", "a whole number"),
    list: ("列表", "a list"),
    dict: ("表", "a table"),
}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _rule(c: Checker, d, path: str, default_kind: str | None) -> Rule:
    d = c.table(d, path, ("key", "kind", "column", "years", "divisions", "zh", "en"))
    key = c.key(d, path)
    kind = c.choice(d, "kind", path, RULE_KINDS, default_kind if default_kind else _MISSING)
    column = c.get(d, "column", path, str, None)
    years = c.get(d, "years", path, int, None)
    divisions = c.get(d, "divisions", path, list, [])
    zh, en = c.get(d, "zh", path, str), c.get(d, "en", path, str)
    if column is not None and not COLUMN.match(column):
        c.err(
            f"{path}.column",
            "policy.column",
            f"“{path}.column”不是有效的列名：“{column}”",
            f"'{path}.column' is not a valid column name: '{column}'",
        )
    if kind in ("flag", "granted_within_years") and column is None:
        c.err(f"{path}.column", "policy.missing", f"“{path}”（{kind}）需要 column", f"'{path}' ({kind}) needs a column")
    if kind in ("registered_within_years", "granted_within_years") and (years is None or years < 0):
        c.err(
            f"{path}.years",
            "policy.missing",
            f"“{path}”（{kind}）需要不小于0的 years",
            f"'{path}' ({kind}) needs years (0 or more)",
        )
    if kind == "industry_divisions":
        bad = [x for x in divisions if not (isinstance(x, str) and re.fullmatch(r"\d{2}", x))]
        if not divisions or bad:
            c.err(
                f"{path}.divisions",
                "policy.divisions",
                f"“{path}.divisions”应为2位行业大类代码的列表（GB/T 4754-2017）",
                f"'{path}.divisions' must list 2-digit divisions of GB/T 4754-2017",
            )
    if kind == "registered_within_years" and column is None:
        column = "registered_on"
    return Rule(key or "", zh or "", en or "", kind or "flag", column, years, tuple(str(x) for x in divisions))


def _indicator(c: Checker, d, path: str, cap_factor: float) -> Indicator:
    d = c.table(
        d,
        path,
        ("key", "zh", "en", "numerator", "denominator", "unit", "direction", "weight", "cap", "benchmark", "missing"),
    )
    key = c.key(d, path)
    num = c.choice(d, "numerator", path, INDICATOR_FIELDS)
    den = c.choice(d, "denominator", path, INDICATOR_FIELDS)
    direction = c.choice(d, "direction", path, DIRECTIONS, "higher")
    weight = c.number(d, "weight", path, positive=True)
    cap: float | None
    if d.get("cap") == "none":
        cap = None
        if direction == "lower":
            c.err(
                f"{path}.cap",
                "policy.cap",
                f"“{path}”方向为 lower（越低越好），必须设上限",
                f"'{path}' has direction 'lower' and must have a cap",
            )
    else:
        cap = c.number(d, "cap", path, None, positive=True)
        if cap is None and weight is not None:
            cap = weight * cap_factor if cap_factor > 0 else None
    bpath = f"{path}.benchmark"
    b = c.table(d.get("benchmark", {"method": "group_mean"}), bpath, ("method", "value", "min_firms", "scope"))
    method = c.choice(b, "method", bpath, BENCHMARK_METHODS, "group_mean")
    scope = c.choice(b, "scope", bpath, BENCHMARK_SCOPES, "group")
    value = c.number(b, "value", bpath, None, positive=True)
    min_firms = c.get(b, "min_firms", bpath, int, 5)
    if method == "fixed" and value is None and "value" not in b:
        c.err(
            f"{bpath}.value",
            "policy.missing",
            f"“{bpath}”为 fixed（公布值）时需要 value",
            f"'{bpath}' is 'fixed' and needs a value",
        )
    missing = c.choice(d, "missing", path, MISSING_RULES, "problem")
    return Indicator(
        key or "",
        c.get(d, "zh", path, str) or "",
        c.get(d, "en", path, str) or "",
        num or "",
        den or "",
        c.get(d, "unit", path, str, ""),
        direction or "higher",
        weight or 0.0,
        cap,
        Benchmark(method or "group_mean", value, min_firms or 5, scope or "group"),
        missing or "problem",
    )


def _group(c: Checker, d, path: str, cap_factor: float) -> Group:
    d = c.table(d, path, ("key", "zh", "en", "scale", "owns_land", "min_land_mu", "max_land_mu", "indicators"))
    key = c.key(d, path)
    lo = c.number(d, "min_land_mu", path, None, minimum=0)
    hi = c.number(d, "max_land_mu", path, None, positive=True)
    if lo is not None and hi is not None and lo >= hi:
        c.err(
            path,
            "policy.range",
            f"“{path}”的 min_land_mu 应小于 max_land_mu",
            f"'{path}': min_land_mu must be below max_land_mu",
        )
    items = c.get(d, "indicators", path, list)
    inds = tuple(_indicator(c, x, f"{path}.indicators[{i}]", cap_factor) for i, x in enumerate(items or []))
    if not inds and items is not None:
        c.err(f"{path}.indicators", "policy.missing", f"分组“{key}”没有指标", f"Group '{key}' has no indicators")
    c.unique([i.key for i in inds], f"{path}.indicators")
    total = sum(i.weight for i in inds)
    if inds and abs(total - 100) > 1e-9:
        c.err(
            f"{path}.indicators",
            "policy.weights",
            f"分组“{key}”的权重合计应为100，实为{total:g}",
            f"The weights of group '{key}' must add up to 100, not {total:g}",
        )
    return Group(
        key or "",
        c.get(d, "zh", path, str) or "",
        c.get(d, "en", path, str) or "",
        c.choice(d, "scale", path, SCALES, "any") or "any",
        c.get(d, "owns_land", path, bool, None),
        lo,
        hi,
        inds,
    )


def _classes(c: Checker, d) -> tuple[str, tuple[ClassLevel, ...]]:
    d = c.table(d, "classes", ("method", "levels"))
    method = c.choice(d, "method", "classes", CLASS_METHODS, "rank_percentile")
    levels = []
    fields = (
        "key",
        "zh",
        "en",
        "share",
        "min_score",
        "electricity_surcharge_yuan_per_kwh",
        "water_surcharge_pct",
        "land_use_tax_relief_pct",
        "min_group_size",
    )
    for i, x in enumerate(c.get(d, "levels", "classes", list) or []):
        p = f"classes.levels[{i}]"
        x = c.table(x, p, fields)
        k = c.key(x, p, re.compile(r"^[A-Za-z0-9+\-]{1,8}$"))
        levels.append(
            ClassLevel(
                k or "",
                c.get(x, "zh", p, str) or "",
                c.get(x, "en", p, str) or "",
                c.number(x, "share", p, None, minimum=0),
                c.number(x, "min_score", p, None),
                c.number(x, "electricity_surcharge_yuan_per_kwh", p, 0.0),
                c.number(x, "water_surcharge_pct", p, 0.0),
                c.number(x, "land_use_tax_relief_pct", p, 0.0, minimum=0),
                int(c.number(x, "min_group_size", p, 0, minimum=0) or 0),
            )
        )
    if len(levels) < 2:
        c.err("classes.levels", "policy.classes", "至少需要两个类别", "At least two classes are needed")
    c.unique([lv.key for lv in levels], "classes.levels")
    if method == "rank_percentile" and levels:
        shares = [lv.share for lv in levels if lv.share is not None]
        if len(shares) < len(levels):
            c.err(
                "classes.levels",
                "policy.classes",
                "按名次分类时每个类别都需要 share（占比%）",
                "Classes by rank need a share (%) for every class",
            )
        elif any(round(s * 100) != s * 100 for s in shares) or sum(round(s * 100) for s in shares) != 10000:
            c.err(
                "classes.levels",
                "policy.classes",
                f"各类占比合计应为100%（最多两位小数），实为{sum(shares):g}%",
                f"Class shares must add up to 100% (at most 2 decimals), not {sum(shares):g}%",
            )
    if method == "score_thresholds" and levels:
        mins = [lv.min_score for lv in levels[:-1] if lv.min_score is not None]
        if len(mins) < len(levels) - 1 or any(a <= b for a, b in zip(mins, mins[1:], strict=False)):
            c.err(
                "classes.levels",
                "policy.classes",
                "按分数分类时，除最后一类外每类都需要 min_score，且逐类递减",
                "Classes by score need a min_score for every class but the last, decreasing class by class",
            )
    return method or "rank_percentile", tuple(levels)


def _rules(c: Checker, d, name: str, bound_key: str, classes: list[str], default_kind: str | None):
    d = c.table(d, name, (bound_key, "rules"))
    bound = c.get(d, bound_key, name, str, classes[-2] if len(classes) > 1 else "")
    if classes and bound not in classes:
        c.err(
            f"{name}.{bound_key}",
            "policy.classes",
            f"“{name}.{bound_key}”不是已定义的类别：“{bound}”",
            f"'{name}.{bound_key}' is not a defined class: '{bound}'",
        )
    rules = tuple(
        _rule(c, x, f"{name}.rules[{i}]", default_kind) for i, x in enumerate(c.get(d, "rules", name, list, []))
    )
    c.unique([r.key for r in rules], f"{name}.rules")
    return bound, rules


def build(data: dict, digest: str) -> EvaluationPolicy:
    c = Checker()
    top = (
        "name",
        "version",
        "hash",
        "title_zh",
        "title_en",
        "scale",
        "scoring",
        "merge",
        "exemptions",
        "groups",
        "classes",
        "veto",
        "protection",
        "missing_column",
    )
    data = c.table(data, "", top)
    version = c.get(data, "version", "", (str, int, float))
    scale = c.table(data.get("scale", {}), "scale", ("above_size_revenue_wan",))
    scoring = c.table(data.get("scoring", {}), "scoring", ("cap_factor", "floor", "score_decimals", "tie_break"))
    cap_factor = c.number(scoring, "cap_factor", "scoring", 1.5, minimum=0)
    decimals = c.get(scoring, "score_decimals", "scoring", int, 2)
    if decimals is not None and not 0 <= decimals <= 6:
        c.err(
            "scoring.score_decimals",
            "policy.range",
            "“scoring.score_decimals”应在0到6之间",
            "'scoring.score_decimals' must be between 0 and 6",
        )
    merge = c.table(data.get("merge", {}), "merge", ("column",))
    merge_column = c.get(merge, "column", "merge", str, None)
    exemptions = tuple(
        _rule(c, x, f"exemptions[{i}]", None) for i, x in enumerate(c.get(data, "exemptions", "", list, []))
    )
    c.unique([r.key for r in exemptions], "exemptions")
    groups = tuple(
        _group(c, x, f"groups[{i}]", cap_factor or 0.0) for i, x in enumerate(c.get(data, "groups", "", list) or [])
    )
    if not groups:
        c.err("groups", "policy.missing", "评价办法至少需要一个分组", "The policy needs at least one group")
    c.unique([g.key for g in groups], "groups")
    seen: dict[str, tuple] = {}
    for g in groups:
        for ind in g.indicators:
            sig = (ind.numerator, ind.denominator, ind.direction)
            if seen.setdefault(ind.key, sig) != sig:
                c.err(
                    f"groups.{g.key}.{ind.key}",
                    "policy.indicator",
                    f"指标“{ind.key}”在不同分组中的公式不一致",
                    f"Indicator '{ind.key}' has different formulas in different groups",
                )
    method, classes = _classes(c, data.get("classes", {}))
    keys = [lv.key for lv in classes]
    best, vetoes = _rules(c, data.get("veto", {}), "veto", "best_class", keys, "flag")
    worst, protections = _rules(c, data.get("protection", {}), "protection", "worst_class", keys, "flag")
    for r in vetoes:
        if r.kind != "flag":
            c.err(
                f"veto.rules.{r.key}",
                "policy.choice",
                "一票否决规则只能是 flag（布尔列）",
                "Veto rules must be flags (boolean columns)",
            )
    above = c.number(scale, "above_size_revenue_wan", "scale", 2000.0, positive=True)
    floor = c.number(scoring, "floor", "scoring", 0.0)
    tie_break = c.choice(scoring, "tie_break", "scoring", TIE_BREAKS, "tax_per_mu")
    absent = c.table(data.get("missing_column", {}), "missing_column", ("rule",))
    missing_column = c.choice(absent, "rule", "missing_column", MISSING_COLUMN_RULES, "rescale")
    if c.problems:
        raise PolicyError(c.problems)
    return EvaluationPolicy(
        name=str(data.get("name", "evaluation")),
        version=str(version),
        hash=digest,
        title_zh=str(data.get("title_zh", "")),
        title_en=str(data.get("title_en", "")),
        above_size_revenue_wan=above,
        cap_factor=cap_factor,
        floor=floor,
        score_decimals=decimals,
        tie_break=tie_break,
        merge_column=merge_column,
        exemptions=exemptions,
        groups=groups,
        class_method=method,
        classes=classes,
        veto_best_class=best,
        vetoes=vetoes,
        protection_worst_class=worst,
        protections=protections,
        data=data,
        missing_column=missing_column,
    )


def parse_policy(data: dict) -> EvaluationPolicy:
    """Validate a parsed TOML dict and build the policy; raises ``PolicyError`` with every problem."""
    return build(data, content_hash(data))


def default_policy() -> EvaluationPolicy:
    """The shipped default ``landcycle/policies/evaluation.toml``."""
    return policy_of(None)


@lru_cache(maxsize=32)
def policy_of(text: str | None) -> EvaluationPolicy:
    """The policy of a TOML text (a run's or a version's; ``None``: the shipped default), cached by its text.

    Raises ``PolicyError`` when it cannot be used (not TOML, or any mistake in it)."""
    try:
        source = read_policy("evaluation", text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(
            [
                Problem(
                    "", "policy.toml", f"评价办法文件不是有效的TOML：{exc}", f"The policy file is not valid TOML: {exc}"
                )
            ]
        ) from None
    return build(source.data, source.hash)


def load_policy(source: EvaluationPolicy | dict | str | os.PathLike | None = None) -> EvaluationPolicy:
    """A policy from the default (None), a parsed dict, a path to a TOML file, or TOML text."""
    if source is None:
        return default_policy()
    if isinstance(source, EvaluationPolicy):
        return source
    if isinstance(source, dict):
        return parse_policy(source)
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source and source.endswith(".toml")):
        return policy_of(Path(source).read_text("utf-8"))
    return policy_of(str(source))
