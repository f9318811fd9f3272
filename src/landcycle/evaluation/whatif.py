"""What-if (测算): change a policy's weights, caps, class shares and thresholds, evaluate the year in memory
with the engine and compare with the year's published run — before anything is saved.

Parameters (query string, so that a result can be paged and linked): ``w.<group>.<indicator>`` weight,
``cap.<group>.<indicator>`` cap in points (empty: ``cap_factor`` × weight), ``cap_factor``,
``method`` (rank_percentile | score_thresholds), ``share.<class>`` (%), ``min.<class>`` (score),
``above`` (规上 revenue line, 万元), ``lo.<group>`` / ``hi.<group>`` (land thresholds of a group, mu).

The comparison is by enterprise: each side's outcome is its class, or "exempt", "problem" (could not be
evaluated) or "none" (not in that run). The transition matrix counts enterprises by (published, what-if).
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field

import polars as pl

from landcycle.rules.evaluation import EvaluationPolicy, PolicyError, evaluate, parse_policy
from landcycle.rules.problems import Problem

from .models import EvaluationResult, EvaluationRun

EXEMPT, PROBLEM, NONE = "exempt", "problem", "none"


LARGEST = 1e12  # the largest number a what-if field takes (a weight, share, threshold or revenue line)


def _number(raw: str | None):
    if raw is None:
        return None
    raw = raw.strip().replace(",", "").replace("，", "")
    if raw == "":
        return ""
    try:
        value = float(raw)
    except ValueError:
        return ValueError(raw)
    if not math.isfinite(value) or abs(value) > LARGEST:  # NaN, inf, 1e308: no policy number is that large
        return OverflowError(raw)
    return int(value) if value.is_integer() else value


@dataclass
class Edit:
    """The edited policy dict, the changes made (field, before, after) and what could not be read."""

    data: dict
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _set(edit: Edit, params, name: str, target: dict, key: str, label: str, *, blank_removes: bool = False) -> None:
    value = _number(params.get(name))
    if value is None:
        return
    if isinstance(value, ValueError):
        edit.problems.append(
            Problem(
                name, "whatif.number", f"“{label}”应为数字，实为“{value}”", f"'{label}' must be a number, not '{value}'"
            )
        )
        return
    if isinstance(value, OverflowError):
        edit.problems.append(
            Problem(
                name,
                "whatif.number_range",
                f"“{label}”应为不超过{LARGEST:.0e}的有限数字，实为“{value}”",
                f"'{label}' must be a finite number up to {LARGEST:.0e}, not '{value}'",
            )
        )
        return
    before = target.get(key)
    if value == "":
        if blank_removes and key in target:
            del target[key]
            edit.changes.append((label, before, None))
        return
    if before != value:
        target[key] = value
        edit.changes.append((label, before, value))


def apply_params(data: dict, params) -> Edit:
    """A copy of ``data`` with the what-if parameters applied (unknown or absent ones are ignored)."""
    edit = Edit(copy.deepcopy(data))
    d = edit.data
    _set(edit, params, "cap_factor", d.setdefault("scoring", {}), "cap_factor", "得分上限倍数")
    _set(edit, params, "above", d.setdefault("scale", {}), "above_size_revenue_wan", "规上主营业务收入标准（万元）")
    for g in d.get("groups", []):
        gk = g.get("key")
        _set(edit, params, f"lo.{gk}", g, "min_land_mu", f"{g.get('zh', gk)}：用地下限（亩）", blank_removes=True)
        _set(edit, params, f"hi.{gk}", g, "max_land_mu", f"{g.get('zh', gk)}：用地上限（亩）", blank_removes=True)
        for ind in g.get("indicators", []):
            ik = ind.get("key")
            _set(edit, params, f"w.{gk}.{ik}", ind, "weight", f"{g.get('zh', gk)}：{ind.get('zh', ik)}权重")
            _set(
                edit,
                params,
                f"cap.{gk}.{ik}",
                ind,
                "cap",
                f"{g.get('zh', gk)}：{ind.get('zh', ik)}上限（分）",
                blank_removes=True,
            )
    classes = d.setdefault("classes", {})
    method = params.get("method")
    if method in ("rank_percentile", "score_thresholds") and method != classes.get("method", "rank_percentile"):
        edit.changes.append(("分类方法", classes.get("method", "rank_percentile"), method))
        classes["method"] = method
    for lv in classes.get("levels", []):
        k = lv.get("key")
        _set(edit, params, f"share.{k}", lv, "share", f"{k}类占比（%）", blank_removes=True)
        _set(edit, params, f"min.{k}", lv, "min_score", f"{k}类最低得分", blank_removes=True)
    return edit


_PATH = re.compile(r"groups\[(\d+)\](?:\.indicators\[(\d+)\])?(?:\.(\w+))?|classes\.levels\[(\d+)\](?:\.(\w+))?")
_FIELDS = {
    "weight": ("权重", "weight"),
    "cap": ("上限", "cap"),
    "min_land_mu": ("用地下限", "minimum land"),
    "max_land_mu": ("用地上限", "maximum land"),
    "share": ("占比", "share"),
    "min_score": ("最低得分", "minimum score"),
}


def _readable(data: dict, p: Problem) -> Problem:
    """A policy problem with its paths (``groups[0].indicators[5].weight``) and group keys written as the
    names a clerk reads on the form (规上企业：R&D…权重)."""

    def name(m: re.Match, zh: bool) -> str:
        if m.group(4) is not None:
            levels = data.get("classes", {}).get("levels", [])
            i = int(m.group(4))
            key = levels[i].get("key", "") if i < len(levels) else m.group(4)
            field = _FIELDS.get(m.group(5) or "", ("", ""))[0 if zh else 1]
            return f"{key}类{field}" if zh else f"class {key} {field}".strip()
        groups = data.get("groups", [])
        gi = int(m.group(1))
        g = groups[gi] if gi < len(groups) else {}
        text = g.get("zh" if zh else "en", g.get("key", ""))
        if m.group(2) is not None:
            inds = g.get("indicators", [])
            ii = int(m.group(2))
            ind = inds[ii] if ii < len(inds) else {}
            text += f"：{ind.get('zh', '')}" if zh else f": {ind.get('en', '')}"
        field = _FIELDS.get(m.group(3) or "", ("", ""))[0 if zh else 1]
        return f"{text}{field}" if zh else f"{text} {field}".strip()

    zh, en = _PATH.sub(lambda m: name(m, True), p.zh), _PATH.sub(lambda m: name(m, False), p.en)
    for g in data.get("groups", []):
        zh = zh.replace(f"“{g.get('key')}”", f"“{g.get('zh', g.get('key'))}”")
        en = en.replace(f"'{g.get('key')}'", f"'{g.get('en', g.get('key'))}'")
    return Problem(p.field, p.rule, zh, en)


def parse_edit(edit: Edit) -> tuple[EvaluationPolicy | None, list[Problem]]:
    if edit.problems:
        return None, edit.problems
    try:
        return parse_policy(edit.data), []
    except PolicyError as exc:
        return None, [_readable(edit.data, p) for p in exc.problems]


def _field(params, name: str, base) -> dict:
    base = "" if base is None else base
    shown = params.get(name, None) if params is not None else None
    value = base if shown is None else shown
    return {
        "name": name,
        "value": value,
        "base": base,
        "changed": shown is not None and str(shown).strip() != str(base),
    }


def _g(x):
    """A number as the form shows it: 30 not 30.0."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


def form_values(policy: EvaluationPolicy, params=None) -> dict:
    """The form's fields for a base policy, each with its ``name``, the ``value`` shown (the parameter
    when given, else the policy's) and the ``base`` value: per group its land thresholds and indicators
    (weight; cap — empty when it is the default cap_factor × weight), per class its share and minimum
    score; the class method, cap factor and 规上 revenue line."""
    data = policy.data
    groups = []
    for g, raw in zip(policy.groups, data.get("groups", []), strict=False):
        inds = [
            {
                "key": i.key,
                "zh": i.zh,
                "en": i.en,
                "unit": i.unit,
                "weight": _field(params, f"w.{g.key}.{i.key}", _g(i.weight)),
                "cap": _field(params, f"cap.{g.key}.{i.key}", _g(r.get("cap"))),
                "default_cap": _g(i.weight * policy.cap_factor),
            }
            for i, r in zip(g.indicators, raw.get("indicators", []), strict=False)
        ]
        groups.append(
            {
                "key": g.key,
                "zh": g.zh,
                "en": g.en,
                "scale": g.scale,
                "lo": _field(params, f"lo.{g.key}", _g(raw.get("min_land_mu"))),
                "hi": _field(params, f"hi.{g.key}", _g(raw.get("max_land_mu"))),
                "indicators": inds,
            }
        )
    classes = [
        {
            "key": c.key,
            "zh": c.zh,
            "en": c.en,
            "share": _field(params, f"share.{c.key}", _g(c.share)),
            "min": _field(params, f"min.{c.key}", _g(c.min_score)),
        }
        for c in policy.classes
    ]
    method = (params.get("method") if params is not None else None) or policy.class_method
    return {
        "groups": groups,
        "classes": classes,
        "method": method,
        "cap_factor": _field(params, "cap_factor", _g(policy.cap_factor)),
        "above": _field(params, "above", _g(policy.above_size_revenue_wan)),
    }


# ------------------------------------------------------------------ comparison
SIDE = {
    "enterprise_id": pl.Int64,
    "outcome": pl.String,
    "class": pl.String,
    "score": pl.Float64,
    "rank": pl.Int64,
    "group": pl.String,
}


def run_side(run: EvaluationRun) -> pl.DataFrame:
    rows = (
        EvaluationResult.objects.filter(run=run)
        .order_by()
        .values_list("enterprise_id", "outcome", "evaluation_class", "score", "rank", "group")
    )
    return pl.DataFrame(list(rows), schema=SIDE, orient="row")


def engine_side(frame: pl.DataFrame, policy: EvaluationPolicy, year: int) -> pl.DataFrame:
    """Outcome per enterprise of evaluating ``frame`` (``_row`` = enterprise id) with ``policy``."""
    result = evaluate(frame, policy, year=year, reasons=False)
    done = result.frame.select(
        pl.col("_row").alias("enterprise_id"),
        pl.when(pl.col("exempt")).then(pl.lit("exempt")).otherwise(pl.lit("evaluated")).alias("outcome"),
        pl.col("class"),
        pl.col("score"),
        pl.col("rank").cast(pl.Int64),
        pl.col("group"),
    )
    bad = (
        result.problems_frame.select(pl.col("_row").alias("enterprise_id"))
        .unique()
        .with_columns(
            pl.lit("problem").alias("outcome"),
            pl.lit(None, pl.String).alias("class"),
            pl.lit(None, pl.Float64).alias("score"),
            pl.lit(None, pl.Int64).alias("rank"),
            pl.lit(None, pl.String).alias("group"),
        )
    )
    return pl.concat([done.cast(SIDE), bad.cast(SIDE)])


def _category(prefix: str) -> pl.Expr:
    outcome = pl.col(f"{prefix}outcome")
    return (
        pl.when(outcome.is_null())
        .then(pl.lit(NONE))
        .when(outcome == "evaluated")
        .then(pl.col(f"{prefix}class"))
        .otherwise(outcome)
    ).alias(f"{prefix}cat")


def compare(base: pl.DataFrame, new: pl.DataFrame, classes: list[str]) -> dict:
    """Both sides joined by enterprise: the categories, the transition matrix and the changed rows."""
    both = base.rename({c: f"old_{c}" for c in SIDE if c != "enterprise_id"}).join(
        new.rename({c: f"new_{c}" for c in SIDE if c != "enterprise_id"}), on="enterprise_id", how="full", coalesce=True
    )
    both = both.with_columns(_category("old_"), _category("new_"))
    present = set(both["old_cat"].to_list()) | set(both["new_cat"].to_list())
    cats = list(classes) + [c for c in (EXEMPT, PROBLEM, NONE) if c in present]
    cats += sorted(present - set(cats))
    counts = {(r[0], r[1]): r[2] for r in both.group_by("old_cat", "new_cat").len().iter_rows()}
    matrix = [
        {
            "from": a,
            "cells": [{"to": b, "n": counts.get((a, b), 0), "same": a == b} for b in cats],
            "total": sum(counts.get((a, b), 0) for b in cats),
        }
        for a in cats
    ]
    changed = both.filter(pl.col("old_cat") != pl.col("new_cat"))
    order = {c: i for i, c in enumerate(cats)}
    changed = changed.with_columns(
        pl.col("old_cat").replace_strict(order, default=99).alias("_o"),
        pl.col("new_cat").replace_strict(order, default=99).alias("_n"),
    ).sort("_o", "_n", "new_rank", "enterprise_id")
    ranked = len(classes)
    up = changed.filter((pl.col("_n") < pl.col("_o")) & (pl.col("_o") < ranked)).height
    down = changed.filter((pl.col("_n") > pl.col("_o")) & (pl.col("_n") < ranked)).height
    return {
        "categories": cats,
        "matrix": matrix,
        "changed": changed,
        "total": both.height,
        "changed_n": changed.height,
        "up": up,
        "down": down,
        "other": changed.height - up - down,
        "column_totals": [sum(counts.get((a, b), 0) for a in cats) for b in cats],
    }
