"""The agreed dates the rules judge a contract by, and why they are what they are.

Before a rule looks at a contract its agreed dates are settled here, each change said in words:

- **No agreed start date** (约定、规定不明确): with ``idle_land.start_from_delivery_years`` > 0 and an actual
  delivery on record, the start date is the delivery day plus that many years (《闲置土地处置办法》第三十条:
  未约定、规定动工开发日期的，以实际交付土地之日起一年为动工开发日期). Otherwise the contract is not judged.
- **Government-caused delay (Art. 8) is bounded.** It no longer exempts the land for ever:
  * with an approved extension of the start (Art. 12(1): a supplementary agreement, 延长动工开发期限最长不得超过一年)
    the new date counts, but never more than ``delay_shift_max_years`` after the original one;
  * otherwise the agreed start, completion and production dates move by the length of the delay: a late
    delivery by the days it was late, a recorded cause by its recorded days — capped, like an extension, at
    ``delay_shift_max_years`` — and by that cap when its length is not recorded.
  Once the moved date has passed, the fee and the take-back apply again (Art. 14).
- **Implausible dates are flagged, not trusted**: an agreed start before signing (common for 补办出让, whose
  land was in use before the contract), agreed start = agreed completion = signing day (a placeholder), an
  agreed date beyond signing + the term of use. The contract is still supervised; every finding built on a
  flagged date says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .contract import AGREED, COMPLETION, MILESTONES, PRODUCTION, START, Contract, Extension
from .periods import anniversary
from .policy import WarningPolicy

MZ = {m: zh for m, (zh, _en) in MILESTONES.items()}
ME = {m: en for m, (_zh, en) in MILESTONES.items()}


@dataclass
class AgreedDates:
    """``contract`` carries the dates to judge by (shifted, capped, or derived); ``notes`` say per milestone
    why a date moved, ``flags`` why a date is not trusted; ``unshifted_start`` is the start before a
    government-caused shift (None when nothing shifted); ``causes`` the government causes on record."""

    contract: Contract
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    flags: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    unshifted_start: dt.date | None = None
    shift_days: int = 0
    stall_shift_days: int = 0
    causes: list[tuple[str, str]] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    def note(self, m: str, zh: str, en: str) -> None:
        self.notes.setdefault(m, []).append((zh, en))

    def flag(self, m: str, zh: str, en: str) -> None:
        self.flags.setdefault(m, []).append((zh, en))


def settle(c: Contract, policy: WarningPolicy, causes: list[tuple[str, str]]) -> AgreedDates:
    rule = policy.idle_land
    ld = rule.leap_day
    out = AgreedDates(c, causes=causes)
    out.flags = _flags(c)
    start = c.agreed(START)
    if start is None and rule.start_from_delivery_years and c.actual_delivery is not None:
        start = anniversary(c.actual_delivery, rule.start_from_delivery_years, ld)
        c = dataclasses.replace(
            c, agreed_start=start, extensions=tuple(e for e in c.extensions if e.milestone != START)
        )
        out.note(
            START,
            f"合同未约定开工日期，依《闲置土地处置办法》第三十条以实际交地日{c.actual_delivery}起"
            f"{rule.start_from_delivery_years}年即{start}为动工开发日期",
            f"no agreed start date: the start is {start}, {rule.start_from_delivery_years} year(s) after the "
            f"actual delivery {c.actual_delivery} (Measures on Idle Land, Art. 30)",
        )
        out.figures["start_from_delivery"] = start
    if not causes or start is None:
        out.contract = c
        return out
    original = c.agreed_start or start
    cap_end = anniversary(original, rule.delay_shift_max_years, ld)
    cap_days = (cap_end - original).days
    why_zh = "；".join(z for z, _ in causes)
    why_en = "; ".join(e for _, e in causes)
    if c.extended(START):  # Art. 12(1): a supplementary agreement fixed the new start
        if start > cap_end:
            c = dataclasses.replace(
                c, extensions=(*c.extensions, Extension(START, cap_end, None, "第十二条上限 / Art. 12 cap"))
            )
            out.note(
                START,
                f"政府原因（{why_zh}）延期后的开工日期{start}超过第十二条“延长动工开发期限最长不得超过一年”的上限，"
                f"按{cap_end}计",
                f"the start extended for a government cause ({why_en}) to {start} exceeds the one-year limit of "
                f"Art. 12: counted as {cap_end}",
            )
            out.figures["extension_capped_to"] = cap_end
        else:
            out.note(
                START,
                f"政府原因（{why_zh}）已签补充协议延期至{start}（第十二条），闲置按新约定日期重新起算",
                f"extended to {start} by a supplementary agreement for a government cause ({why_en}) "
                "(Art. 12): idle land counts from the new date",
            )
        out.unshifted_start = original
        moved_start = c.agreed(START)
        assert moved_start is not None  # extended, so agreed
        out.shift_days = (moved_start - original).days
        out.contract = c
        return out
    late = 0
    if (
        rule.late_delivery_is_government_cause
        and c.actual_delivery
        and c.agreed_delivery
        and c.actual_delivery > c.agreed_delivery
    ):
        late = (c.actual_delivery - c.agreed_delivery).days
    recorded, unmeasured = 0, 0
    for d in c.government_delays:
        if d.days is None:
            unmeasured += 1
        recorded += min(cap_days, d.days if d.days is not None else cap_days)
    shift = late + recorded
    if shift <= 0:
        out.contract = c
        return out
    parts_zh, parts_en = [], []
    if late:
        parts_zh.append(f"逾期交地{late}天")
        parts_en.append(f"delivery {late} days late")
    if recorded:
        parts_zh.append(
            f"登记的政府原因{recorded}天"
            + (f"（其中{unmeasured}项未登记时长，按第十二条上限{cap_days}天计）" if unmeasured else "")
        )
        parts_en.append(
            f"recorded government causes {recorded} days"
            + (
                f" ({unmeasured} without a recorded length, counted at the Art. 12 limit of {cap_days} days)"
                if unmeasured
                else ""
            )
        )
    changes: dict[str, Any] = {}
    for m in (START, COMPLETION, PRODUCTION):
        agreed = c.agreed(m)
        if agreed is None:
            continue
        new = agreed + dt.timedelta(days=shift)
        changes[AGREED[m]] = new
        out.note(
            m,
            f"约定{MZ[m]}日因政府原因（{why_zh}）顺延{shift}天（{'，'.join(parts_zh)}）：{agreed}→{new}",
            f"agreed {ME[m]} date moved by {shift} days for a government cause ({why_en}; "
            f"{', '.join(parts_en)}): {agreed} -> {new}",
        )
    c = dataclasses.replace(
        c,
        extensions=tuple(e for e in c.extensions if e.milestone not in {m for m in MILESTONES if AGREED[m] in changes}),
        **changes,
    )
    out.contract = c
    out.unshifted_start = start
    out.shift_days = shift
    out.stall_shift_days = recorded
    out.figures["shifted_days"] = shift
    return out


def _flags(c: Contract) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    s, f, signed = c.agreed(START), c.agreed(COMPLETION), c.signed_on
    if signed is not None and s is not None and s == f == signed:
        for m in (START, COMPLETION):
            out.setdefault(m, []).append(
                (
                    "约定开工、竣工日期均为合同签订当日，疑为占位日期",
                    "agreed start and completion are both the signing day: a placeholder?",
                )
            )
    elif signed is not None and s is not None and s < signed:
        out.setdefault(START, []).append(
            (
                f"约定开工日期{s}早于合同签订日期{signed}（补办出让常见），按此日期判定的结论需核实",
                f"agreed start {s} is before the signing day {signed} (common for a "
                "regularised grant, 补办出让): a verdict built on it must be checked",
            )
        )
    if signed is not None and c.term_years:
        end = anniversary(signed, c.term_years)
        for m in (START, COMPLETION, PRODUCTION):
            d = c.agreed(m)
            if d is not None and d > end:
                out.setdefault(m, []).append(
                    (
                        f"约定{MZ[m]}日期{d}晚于签订日加使用年限{c.term_years}年（{end}）",
                        f"agreed {ME[m]} date {d} is after signing + the {c.term_years}-year term ({end})",
                    )
                )
    return out
