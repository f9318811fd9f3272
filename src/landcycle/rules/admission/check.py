"""Checking an application against a park's entry rules, rule by rule (issue 14, DOMAIN §9).

Every rule in force gives one ``RuleResult``: the value, the threshold, pass / fail / not given, and the reason
in Chinese and English with the rule's source. "Not given" is never a pass. The verdict lists every rule that did
not pass, not only the first. ``minimums`` answers an officer's what-if: what would a project on this much land
need to pass here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..codes import industry_class
from .application import FIGURES, Application
from .metrics import METRICS
from .policy import IndustryEntry, ParkRules, Threshold

PASS, FAIL, MISSING = "pass", "fail", "missing"
STATUS_ZH = {PASS: "符合", FAIL: "不符合", MISSING: "未提供"}
STATUS_EN = {PASS: "passes", FAIL: "fails", MISSING: "not given"}
INDUSTRY = "industry"


@dataclass(frozen=True)
class RuleResult:
    rule: str  # a metric key, or "industry"
    name_zh: str
    name_en: str
    unit: str
    value: Decimal | None
    min: Decimal | None
    max: Decimal | None
    status: str
    zh: str
    en: str
    source: str
    layer: str

    @property
    def passed(self) -> bool:
        return self.status == PASS


@dataclass(frozen=True)
class Verdict:
    results: tuple[RuleResult, ...]
    version: str
    hash: str

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        """Every rule that did not pass (failed or not given), in the order of the rule table."""
        return tuple(r for r in self.results if not r.passed)


def shown(v: Decimal | None) -> str:
    """A figure as a person writes it: 2 decimals at most, no trailing zeros, no exponent."""
    if v is None:
        return "—"
    q = v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{q:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _bounds(t: Threshold) -> tuple[str, str]:
    unit = METRICS[t.key].unit
    parts_zh, parts_en = [], []
    if t.min is not None:
        parts_zh.append(f"≥ {shown(t.min)}{unit}")
        parts_en.append(f"≥ {shown(t.min)} {unit}".rstrip())
    if t.max is not None:
        parts_zh.append(f"≤ {shown(t.max)}{unit}")
        parts_en.append(f"≤ {shown(t.max)} {unit}".rstrip())
    return "且".join(parts_zh), " and ".join(parts_en)


def check_threshold(app: Application, t: Threshold) -> RuleResult:
    m = METRICS[t.key]
    value = m.value(app)
    need_zh, need_en = _bounds(t)
    src = f"（{t.source}）" if t.source else ""
    if value is None:
        missing = [f for f in m.needs if getattr(app, f) is None] or list(m.needs)
        names_zh = "、".join(FIGURES[f][0] for f in missing)
        names_en = ", ".join(FIGURES[f][1] for f in missing)
        status = MISSING
        zh = f"{m.zh}无法计算：未提供{names_zh}（要求{need_zh}）{src}"
        en = f"{m.en} cannot be worked out: {names_en} not given (required {need_en})"
    else:
        low = t.min is not None and value < t.min
        high = t.max is not None and value > t.max
        status = FAIL if low or high else PASS
        v = f"{shown(value)}{m.unit}"
        if status == PASS:
            zh, en = f"{m.zh} {v}，符合要求（{need_zh}）{src}", f"{m.en} {shown(value)} meets {need_en}"
        else:
            zh = f"{m.zh} {v}，{'低于' if low else '高于'}要求（{need_zh}）{src}"
            en = f"{m.en} {shown(value)} is {'below' if low else 'above'} the requirement ({need_en})"
    return RuleResult(t.key, m.zh, m.en, m.unit, value, t.min, t.max, status, zh, en, t.source, t.layer)


def _on_list(code: str, entries: tuple[IndustryEntry, ...]) -> IndustryEntry | None:
    # the longest matching prefix names the entry (a class listed under a listed division says why itself)
    hits = [e for e in entries if code.startswith(e.prefix) or e.prefix == _section(code)]
    return max(hits, key=lambda e: len(e.prefix)) if hits else None


def _section(code: str) -> str:
    cls = industry_class(code)
    return cls.section if cls else ""


def _industry(status: str, zh: str, en: str, entry: IndustryEntry) -> RuleResult:
    return RuleResult(INDUSTRY, "产业准入", "industry", "", None, None, None, status, zh, en, entry.source, entry.layer)


def check_industry(app: Application, rules: ParkRules) -> RuleResult | None:
    """The negative list and the positive list (when the park has one) as one rule; ``None`` when the park has
    neither."""
    entries = rules.negative + (rules.positive or ())
    if not entries:
        return None
    code = (app.industry_code or "").strip()
    cls = industry_class(code) if code else None
    if cls is None:
        what_zh = f"行业代码“{code}”不是GB/T 4754-2017的4位小类" if code else "未提供行业代码"
        what_en = f"industry code '{code}' is not a GB/T 4754-2017 class" if code else "no industry code given"
        return _industry(
            MISSING, f"{what_zh}，无法对照产业目录", f"{what_en}: the industry lists cannot be checked", entries[0]
        )
    label = f"{cls.code} {cls.name}"
    banned = _on_list(cls.code, rules.negative)
    if banned is not None:
        zh = f"{label}：列入负面清单（{banned.reason}；{banned.source}）"
        return _industry(FAIL, zh, f"{cls.code} is on the negative list ({banned.reason})", banned)
    if rules.positive:
        allowed = _on_list(cls.code, rules.positive)
        if allowed is None:
            prefixes = "、".join(e.prefix for e in rules.positive)
            zh = f"{label}：不在本园区准入产业目录内（仅限 {prefixes}；{rules.positive[0].source}）"
            en = f"{cls.code} is not on the park's positive list (only {prefixes})"
            return _industry(FAIL, zh, en, rules.positive[0])
        zh = f"{label}：属于本园区准入产业（{allowed.prefix}；{allowed.source}）"
        return _industry(PASS, zh, f"{cls.code} is on the park's positive list ({allowed.prefix})", allowed)
    zh = f"{label}：不在负面清单内（{entries[0].source}）"
    return _industry(PASS, zh, f"{cls.code} is not on the negative list", entries[0])


def check(app: Application, rules: ParkRules) -> Verdict:
    """Every rule in force, in the order of the metrics table, the industry rule first."""
    results = []
    industry = check_industry(app, rules)
    if industry is not None:
        results.append(industry)
    for key in METRICS:
        t = rules.thresholds.get(key)
        if t is not None and (t.min is not None or t.max is not None):
            results.append(check_threshold(app, t))
    return Verdict(tuple(results), rules.version, rules.hash)


@dataclass(frozen=True)
class Minimum:
    """What a project on ``land_mu`` must commit to pass one rule (an amount, not a ratio)."""

    rule: str
    figure: str
    zh: str
    en: str
    unit: str
    amount: Decimal
    source: str


# metrics that are a figure ÷ land: the figure needed is the threshold × land
_PER_MU = {"tax_per_mu": "tax", "investment_intensity": "fixed_investment", "output_intensity": "revenue"}


def minimums(rules: ParkRules, land_mu: Decimal) -> list[Minimum]:
    """For an officer talking to an investor: the least tax, investment and revenue a project on ``land_mu``
    must commit to pass this park's rules (the ratio rules, plot ratio and the like, are listed as they are)."""
    out = []
    for key, figure in _PER_MU.items():
        t = rules.thresholds.get(key)
        if t is None or t.min is None:
            continue
        zh, en, unit = FIGURES[figure]
        out.append(Minimum(key, figure, zh, en, unit, (t.min * land_mu).quantize(Decimal("0.01")), t.source))
    return out
