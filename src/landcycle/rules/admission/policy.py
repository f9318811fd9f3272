"""The entry rules (``landcycle/policies/admission.toml``) as typed, checked values.

``load_policy()`` gives the shipped default, ``load_policy(text=…)`` a county's edited copy; ``parse_policy(data)``
checks a parsed one. Every mistake is reported at once (``PolicyError`` carries ``Problem``s naming the setting).
``rules_for(policy, park_code, park_kind)`` resolves the layers (default < kind of park < park) into the
``ParkRules`` an application is checked against. Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..policy import read_policy
from ..problems import Problem, RuleError
from .metrics import METRICS

PARK_KINDS = ("industrial", "micro", "old_block")


class PolicyError(RuleError):
    """Entry rules that cannot be used, with every problem found."""


@dataclass(frozen=True)
class Threshold:
    """One numeric rule: the metric ``key`` must be ≥ ``min`` and/or ≤ ``max``; ``source`` is its document."""

    key: str
    min: Decimal | None
    max: Decimal | None
    source: str
    dated: dt.date | None
    layer: str  # "default", "kinds.micro", "parks.P-001": where the rule was set


@dataclass(frozen=True)
class IndustryEntry:
    """A GB/T 4754-2017 prefix on a negative list (with its reason) or a positive list."""

    prefix: str
    reason: str
    source: str
    dated: dt.date | None
    layer: str


@dataclass(frozen=True)
class ParkRules:
    """Every rule in force for one park: thresholds by metric, the negative list, the positive list (``None``
    when the park has none), and the policy's version and hash recorded with each check."""

    thresholds: dict[str, Threshold]
    negative: tuple[IndustryEntry, ...]
    positive: tuple[IndustryEntry, ...] | None
    version: str
    hash: str
    effective_from: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return not self.thresholds and not self.negative and self.positive is None


@dataclass(frozen=True)
class Layer:
    thresholds: dict[str, Threshold] = field(default_factory=dict)
    negative: tuple[IndustryEntry, ...] = ()
    positive: tuple[IndustryEntry, ...] | None = None


@dataclass(frozen=True)
class EntryPolicy:
    version: str
    hash: str
    title_zh: str
    title_en: str
    effective_from: dt.date | None
    default: Layer
    kinds: dict[str, Layer]
    parks: dict[str, Layer]


class _Check:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def err(self, where: str, rule: str, zh: str, en: str) -> None:
        self.problems.append(Problem(where, rule, f"准入规则“{where}”：{zh}", f"entry rules '{where}': {en}"))

    def table(self, d: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        v = d.get(key, {})
        if not isinstance(v, dict):
            self.err(where, "policy.type", "应为表（table）", "must be a table")
            return {}
        return v

    def number(self, d: Mapping[str, Any], key: str, where: str) -> Decimal | None:
        if key not in d:
            return None
        v = d[key]
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            self.err(f"{where}.{key}", "policy.type", f"应为数值，实为“{v}”", f"must be a number, not '{v}'")
            return None
        try:
            out = Decimal(str(v))
        except InvalidOperation:
            self.err(f"{where}.{key}", "policy.type", f"应为数值，实为“{v}”", f"must be a number, not '{v}'")
            return None
        if not out.is_finite() or out < 0:
            self.err(f"{where}.{key}", "policy.range", f"应为非负数，实为“{v}”", f"must not be negative, not '{v}'")
            return None
        return out

    def date(self, d: Mapping[str, Any], key: str, where: str) -> dt.date | None:
        v = d.get(key)
        if v is None:
            return None
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return v
        try:
            return dt.date.fromisoformat(str(v))
        except ValueError:
            self.err(
                f"{where}.{key}", "policy.date", f"应为日期（如 2024-09-01），实为“{v}”", f"must be a date, not '{v}'"
            )
            return None

    def text(self, d: Mapping[str, Any], key: str, where: str) -> str:
        v = d.get(key, "")
        if not isinstance(v, str):
            self.err(f"{where}.{key}", "policy.type", "应为文字", "must be text")
            return ""
        return v.strip()


def _prefix(c: _Check, raw: object, where: str) -> str:
    code = str(raw).strip()
    if not (1 <= len(code) <= 4 and (code.isdigit() or (len(code) == 1 and code.isalpha() and code.isupper()))):
        c.err(
            where,
            "policy.industry",
            f"“{code}”不是GB/T 4754-2017的门类字母或1–4位代码前缀",
            f"'{code}' is not a GB/T 4754-2017 section letter or a 1-4 digit code prefix",
        )
    return code


def _threshold(c: _Check, key: str, d: Mapping[str, Any], where: str, layer: str) -> Threshold | None:
    if key not in METRICS:
        c.err(where, "policy.unknown_rule", f"没有名为“{key}”的准入指标", f"there is no entry rule named '{key}'")
        return None
    if not isinstance(d, dict):
        c.err(where, "policy.type", "应为表（table）", "must be a table")
        return None
    lo, hi = c.number(d, "min", where), c.number(d, "max", where)
    if lo is None and hi is None and "min" not in d and "max" not in d:
        c.err(where, "policy.missing", "应给出 min 或 max", "needs min or max")
        return None
    if lo is not None and hi is not None and lo > hi:
        c.err(where, "policy.range", f"下限 {lo} 大于上限 {hi}", f"min {lo} is above max {hi}")
    source = c.text(d, "source", where)
    if not source:
        c.err(where, "policy.source", "每条准入规则都应注明依据文件（source）", "every rule needs its source document")
    return Threshold(key, lo, hi, source, c.date(d, "dated", where), layer)


def _industries(c: _Check, d: Mapping[str, Any], where: str, layer: str) -> tuple[tuple, tuple | None]:
    source, dated = c.text(d, "source", where), c.date(d, "dated", where)
    negative = []
    for i, item in enumerate(d.get("negative", []) or []):
        w = f"{where}.negative[{i}]"
        if not isinstance(item, dict) or "prefix" not in item:
            c.err(w, "policy.type", "应为 { prefix = …, reason = … }", "must be { prefix = …, reason = … }")
            continue
        reason = c.text(item, "reason", w)
        if not reason:
            c.err(
                w, "policy.reason", "负面清单的每一项都应写明理由（reason）", "every negative-list entry needs a reason"
            )
        negative.append(IndustryEntry(_prefix(c, item["prefix"], w), reason, source, dated, layer))
    positive = None
    if "positive" in d:
        raw = d["positive"]
        if not isinstance(raw, list):
            c.err(f"{where}.positive", "policy.type", "应为代码前缀列表", "must be a list of code prefixes")
            raw = []
        positive = tuple(
            IndustryEntry(_prefix(c, p, f"{where}.positive[{i}]"), "", source, dated, layer) for i, p in enumerate(raw)
        )
    return tuple(negative), positive


def _layer(c: _Check, d: Mapping[str, Any], where: str) -> Layer:
    rules = c.table(d, "rules", f"{where}.rules")
    thresholds = {}
    for key, spec in rules.items():
        t = _threshold(c, key, spec, f"{where}.rules.{key}", where)
        if t is not None:
            thresholds[key] = t
    negative, positive = _industries(c, c.table(d, "industries", f"{where}.industries"), f"{where}.industries", where)
    return Layer(thresholds, negative, positive)


def parse_policy(data: Mapping[str, Any], digest: str = "") -> EntryPolicy:
    """Check a parsed policy; raises ``PolicyError`` with every problem."""
    c = _Check()
    default = _layer(c, c.table(data, "default", "default"), "default")
    kinds = {}
    for kind, d in c.table(data, "kinds", "kinds").items():
        if kind not in PARK_KINDS:
            c.err(f"kinds.{kind}", "policy.kind", f"园区类型应为 {', '.join(PARK_KINDS)} 之一", "unknown kind of park")
            continue
        kinds[kind] = _layer(c, d if isinstance(d, dict) else {}, f"kinds.{kind}")
    parks = {
        str(code): _layer(c, d if isinstance(d, dict) else {}, f"parks.{code}")
        for code, d in c.table(data, "parks", "parks").items()
    }
    policy = EntryPolicy(
        version=str(data.get("version", "0")),
        hash=digest,
        title_zh=c.text(data, "title_zh", "policy"),
        title_en=c.text(data, "title_en", "policy"),
        effective_from=c.date(data, "effective_from", "policy"),
        default=default,
        kinds=kinds,
        parks=parks,
    )
    if c.problems:
        raise PolicyError(c.problems)
    return policy


def load_policy(text: str | None = None) -> EntryPolicy:
    """The shipped entry rules (``text=None``) or a county's TOML text. Raises ``PolicyError``."""
    try:
        source = read_policy("admission", text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(
            [
                Problem(
                    "policy",
                    "policy.syntax",
                    f"准入规则不是有效的 TOML：{e}",
                    f"The entry rules are not valid TOML: {e}",
                )
            ]
        ) from None
    return parse_policy(source.data, source.hash)


def rules_for(policy: EntryPolicy, park_code: str, park_kind: str) -> ParkRules:
    """The rules in force for one park: the default, then its kind's, then its own (a later layer's rule
    replaces the earlier one of the same metric; negative lists add up, and a prefix listed again at a later layer
    keeps that layer's reason and source; a positive list replaces)."""
    thresholds: dict[str, Threshold] = {}
    negative: dict[str, IndustryEntry] = {}
    positive: tuple[IndustryEntry, ...] | None = None
    for layer in (policy.default, policy.kinds.get(park_kind), policy.parks.get(park_code)):
        if layer is None:
            continue
        thresholds.update(layer.thresholds)
        negative.update((entry.prefix, entry) for entry in layer.negative)
        if layer.positive is not None:
            positive = layer.positive or None
    return ParkRules(thresholds, tuple(negative.values()), positive, policy.version, policy.hash, policy.effective_from)
