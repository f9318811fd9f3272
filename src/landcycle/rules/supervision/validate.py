"""Checking a contract before it is supervised: dates that contradict each other, numbers that are not
numbers, commitments without a unit, delays without a cause or evidence. Every problem names the field
and the rule (a stable code) in Chinese and English; a contract with problems is not supervised."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

from ..dates import bounds, date_problems
from ..problems import Problem
from .contract import CONTRACT_DATES, KINDS, MILESTONES, Contract
from .policy import DIRECTIONS, STAGES, WarningPolicy

LABELS = {
    "number": ("合同编号", "contract number"),
    "holder": ("土地使用权人", "holder"),
    "kind": ("合同类型", "contract kind"),
    "price_wan": ("成交价格（万元）", "price (万元)"),
    "area_m2": ("面积（平方米）", "area (m²)"),
    "signed_on": ("合同签订日期", "signing date"),
    "agreed_delivery": ("约定交地日期", "agreed delivery"),
    "agreed_start": ("约定开工日期", "agreed start"),
    "agreed_completion": ("约定竣工日期", "agreed completion"),
    "agreed_production": ("约定达产日期", "agreed full production"),
    "actual_delivery": ("实际交地日期", "actual delivery"),
    "actual_start": ("实际开工日期", "actual start"),
    "actual_completion": ("实际竣工日期", "actual completion"),
    "actual_production": ("实际达产日期", "actual full production"),
    "developed_area_share": ("已开发面积占比", "developed area share"),
    "investment_share": ("已投资额占比", "investment share"),
    "stopped_since": ("停工日期", "stopped since"),
}
# (earlier, later, rule): the later date must not be before the earlier one
# A start before signing is not refused: it is common for 补办出让 (land in use before the contract was
# signed); the rules supervise such a contract and flag the date instead (agreed_dates._flags).
ORDER = (
    ("agreed_start", "agreed_completion", "contract.completion_before_start"),
    ("actual_start", "actual_completion", "contract.completion_before_start"),
    ("agreed_completion", "agreed_production", "contract.production_before_completion"),
    ("actual_completion", "actual_production", "contract.production_before_completion"),
    ("actual_start", "stopped_since", "contract.stopped_before_start"),
)


def is_number(v) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float, Decimal, Fraction)):
        return False
    if isinstance(v, Decimal):
        return v.is_finite()
    return not isinstance(v, float) or math.isfinite(v)


def label(name: str) -> tuple[str, str]:
    return LABELS.get(name, (name, name))


def validate_contract(c: Contract, policy: WarningPolicy) -> list[Problem]:
    out: list[Problem] = []
    if c.kind not in KINDS:
        out.append(
            Problem(
                "kind",
                "contract.kind",
                f"合同类型“{c.kind}”无法识别（应为出让、租赁、标准地或划拨）",
                f"contract kind '{c.kind}' is not one of grant, lease, standard, allocation",
            )
        )
    for name in ("price_wan", "area_m2"):
        v = getattr(c, name)
        if v is None:
            continue
        zh, en = LABELS[name]
        if not is_number(v):
            out.append(Problem(name, "contract.not_a_number", f"{zh}“{v}”不是数字", f"{en} '{v}' is not a number"))
        elif v < 0:
            out.append(Problem(name, "contract.negative", f"{zh}不能为负数（{v}）", f"{en} cannot be negative ({v})"))
    dates = {n: getattr(c, n) for n in CONTRACT_DATES}
    dates["stopped_since"] = c.development.stopped_since
    out += _plausible_dates(c, dates)
    for early, late, rule in ORDER:
        a, b = dates[early], dates[late]
        if a is not None and b is not None and b < a:
            out.append(_order(late, b, early, a, rule))
    if c.extensions and any(c.extended(m) for m in MILESTONES):  # nor may an extension contradict them
        _extended_order(c, out)
    out += _shares(c)
    out += _commitments(c, policy)
    for i, e in enumerate(c.extensions):
        if e.milestone not in MILESTONES:
            out.append(
                Problem(
                    f"extensions[{i}].milestone",
                    "contract.extension_milestone",
                    f"延期事项“{e.milestone}”应为开工、竣工或达产",
                    f"extension milestone '{e.milestone}' must be start, completion or production",
                )
            )
    for i, d in enumerate(c.government_delays):
        if not (d.cause or "").strip():
            out.append(
                Problem(
                    f"government_delays[{i}].cause",
                    "contract.delay_cause",
                    "政府原因延迟未写明原因",
                    "a government-caused delay must say its cause",
                )
            )
        if not (d.evidence or "").strip():
            out.append(
                Problem(
                    f"government_delays[{i}].evidence",
                    "contract.delay_evidence",
                    f"政府原因延迟（{d.cause}）缺少佐证材料",
                    f"the government-caused delay ({d.cause}) has no evidence",
                )
            )
    return out


def _plausible_dates(c: Contract, dates: dict) -> list[Problem]:
    """Every date of the contract, its extensions and delays within the plausible range (policies/registry.toml
    ``[dates]``: not before 1949-10-01, at most 50 years after signing): a typo such as 9999-12-31 would
    break the rules' own date arithmetic. One comparison of the earliest and the latest date per contract in
    the common case (a province refreshes 150,000 contracts)."""
    values = [d for d in dates.values() if d is not None]
    for e in c.extensions:
        values += [d for d in (e.new_date, e.approved_on) if d is not None]
    values += [d.recorded_on for d in c.government_delays if d.recorded_on is not None]
    b = bounds()
    if not values or (
        all(isinstance(d, dt.date) for d in values)
        and b.earliest <= min(values)
        and max(values) <= b.latest_for_contract(c.signed_on)[0]
    ):
        return []
    named = [(name, d, label(name), name != "signed_on") for name, d in dates.items()]
    for i, e in enumerate(c.extensions):
        named += [
            (f"extensions[{i}].new_date", e.new_date, ("延期后日期", "extended date"), True),
            (f"extensions[{i}].approved_on", e.approved_on, ("延期批准日期", "extension approval date"), True),
        ]
    for i, d in enumerate(c.government_delays):
        named.append(
            (
                f"government_delays[{i}].recorded_on",
                d.recorded_on,
                ("政府原因延迟登记日期", "government delay recorded on"),
                True,
            )
        )
    out = []
    for name, d, (zh, en), contract in named:
        out += date_problems(name, d, zh, en, signed_on=c.signed_on, contract=contract)
    return out


def _order(late, b, early, a, rule) -> Problem:
    lz, le = label(late)
    ez, ee = label(early)
    return Problem(
        late,
        rule,
        f"{lz}（{b.isoformat()}）早于{ez}（{a.isoformat()}）",
        f"{le} ({b.isoformat()}) is before the {ee} ({a.isoformat()})",
    )


def _extended_order(c: Contract, out: list[Problem]) -> None:
    s, f, p = c.agreed("start"), c.agreed("completion"), c.agreed("production")
    pairs = (
        (
            "completion",
            s,
            f,
            "延期后约定竣工日期",
            "extended agreed completion",
            "约定开工日期",
            "agreed start",
            "contract.completion_before_start",
        ),
        (
            "production",
            f,
            p,
            "延期后约定达产日期",
            "extended agreed full production",
            "约定竣工日期",
            "agreed completion",
            "contract.production_before_completion",
        ),
    )
    for m, a, b, lz, le, ez, ee, rule in pairs:
        if a and b and b < a:
            out.append(
                Problem(f"extensions.{m}", rule, f"{lz}（{b}）早于{ez}（{a}）", f"{le} ({b}) is before the {ee} ({a})")
            )


def percent_text(share) -> str:
    """A share (1.5) as the percentage a person types and reads: "150%"; "12.5%" for 0.125."""
    d = Decimal(str(share)) * 100
    text = format(d.normalize(), "f")
    return f"{text}%"


def _shares(c: Contract) -> list[Problem]:
    out = []
    for name in ("developed_area_share", "investment_share"):
        v = getattr(c.development, name)
        if v is None:
            continue
        zh, en = LABELS[name]
        if not is_number(v):
            out.append(Problem(name, "contract.not_a_number", f"{zh}“{v}”不是数字", f"{en} '{v}' is not a number"))
        elif not 0 <= v <= 1:
            typed = percent_text(v)  # as it was typed ("150%"), not the stored share (1.5)
            out.append(
                Problem(
                    name,
                    "contract.share_range",
                    f"{zh}应在0%到100%之间（填写的是{typed}）",
                    f"{en} must be between 0% and 100% (given: {typed})",
                )
            )
    return out


def _commitments(c: Contract, policy: WarningPolicy) -> list[Problem]:
    out = []
    for i, m in enumerate(c.commitments):
        where = f"commitments[{i}]"
        kind = policy.commitment_kinds.get(m.kind)
        name_zh = m.zh or (kind.zh if kind else m.kind)
        name_en = m.en or (kind.en if kind else m.kind)
        for attr in ("committed", "measured"):
            v = getattr(m, attr)
            if (v is not None or attr == "committed") and not is_number(v):
                out.append(
                    Problem(
                        f"{where}.{attr}",
                        "contract.not_a_number",
                        f"承诺指标“{name_zh}”的{'承诺值' if attr == 'committed' else '实测值'}“{v}”不是数字",
                        f"the {attr} value '{v}' of the commitment '{name_en}' is not a number",
                    )
                )
        unit = (m.unit or "").strip()
        if not unit and (kind is None or kind.unit):
            out.append(
                Problem(
                    f"{where}.unit",
                    "contract.commitment_unit",
                    f"承诺指标“{name_zh}”未注明单位" + (f"（应为{kind.unit}）" if kind else ""),
                    f"the commitment '{name_en}' has no unit" + (f" (expected {kind.unit})" if kind else ""),
                )
            )
        elif kind is not None and unit != kind.unit:
            out.append(
                Problem(
                    f"{where}.unit",
                    "contract.commitment_unit_mismatch",
                    f"承诺指标“{name_zh}”的单位为“{unit}”，规则要求“{kind.unit or '无量纲'}”，请先换算",
                    f"the commitment '{name_en}' is in '{unit}' but the policy expects "
                    f"'{kind.unit or 'no unit'}': convert it first",
                )
            )
        if kind is None:
            if m.direction not in DIRECTIONS or m.stage not in STAGES:
                out.append(
                    Problem(
                        f"{where}.kind",
                        "contract.commitment_kind",
                        f"承诺指标“{m.kind}”不在预警规则中，须注明方向（min/max）和考核阶段（completion/production）",
                        f"the commitment '{m.kind}' is not in the policy: give its direction (min/max) "
                        "and stage (completion/production)",
                    )
                )
    return out
