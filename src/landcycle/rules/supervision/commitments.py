"""Commitments of a 标准地 contract against the values measured at completion acceptance (竣工验收) and
production review (达产复核). Attainment = measured / committed for a minimum ("min") commitment, and
committed / measured for a maximum ("max", e.g. energy per unit of value added). Below
``yellow_below`` -> yellow, below ``red_below`` -> red. A stage reached with nothing measured -> the
policy's ``not_reviewed_colour``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from .contract import Commitment, Contract
from .findings import RED, YELLOW, Finding, num, pct
from .policy import WarningPolicy

STAGE = {
    "completion": ("竣工验收", "completion acceptance", "completion"),
    "production": ("达产复核", "production review", "production"),
}


def _show(v, unit: str) -> str:
    if unit == "%":
        return pct(Fraction(str(v)))
    return f"{num(v)}{unit}"


def _resolve(m: Commitment, policy: WarningPolicy):
    k = policy.commitment_kinds.get(m.kind)
    return (
        m.zh or (k.zh if k else m.kind),
        m.en or (k.en if k else m.kind),
        (m.unit or (k.unit if k else "")).strip(),
        m.direction or (k.direction if k else "min"),
        m.stage or (k.stage if k else "production"),
    )


def commitment_findings(c: Contract, as_of: dt.date, policy: WarningPolicy) -> list[Finding]:
    rule = policy.commitments
    out = []
    for m in c.commitments:
        zh, en, unit, direction, stage = _resolve(m, policy)
        sz, se, milestone = STAGE[stage]
        reached = c.actual(milestone, as_of)
        figs = {
            "commitment": m.kind,
            "committed": m.committed,
            "measured": m.measured,
            "unit": unit,
            "direction": direction,
            "stage": stage,
        }
        if m.measured is None:
            if reached is not None:
                out.append(
                    Finding(
                        f"commitment.{m.kind}",
                        policy.commitment_not_reviewed_colour,
                        f"已于{reached}{'竣工' if stage == 'completion' else '达产'}，但未录入{sz}的{zh}实测值"
                        f"（承诺{'不低于' if direction == 'min' else '不高于'}{_show(m.committed, unit)}）",
                        f"{stage} reached on {reached}, but no {en} was recorded at the {se} "
                        f"(committed {'at least' if direction == 'min' else 'at most'} {_show(m.committed, unit)})",
                        {**figs, "reviewed": False},
                    )
                )
            continue
        committed, measured = Fraction(str(m.committed)), Fraction(str(m.measured))
        if direction == "min":
            if committed <= 0:
                continue
            attain = measured / committed
        else:
            if measured <= 0:
                continue
            attain = committed / measured
        if attain >= Fraction(str(rule.yellow_below)):
            continue
        red = attain < Fraction(str(rule.red_below))
        limit = rule.red_below if red else rule.yellow_below
        share = pct(attain)
        lim = pct(Decimal(limit), 0)
        if direction == "min":
            text_zh = f"{sz}{zh}{_show(m.measured, unit)}，为承诺值{_show(m.committed, unit)}的{share}（低于{lim}）"
            text_en = (
                f"{en} at the {se}: {_show(m.measured, unit)}, {share} of the committed "
                f"{_show(m.committed, unit)} (below {lim})"
            )
        else:
            text_zh = (
                f"{sz}{zh}{_show(m.measured, unit)}，超过承诺上限{_show(m.committed, unit)}（达成率{share}，低于{lim}）"
            )
            text_en = (
                f"{en} at the {se}: {_show(m.measured, unit)}, above the committed maximum "
                f"{_show(m.committed, unit)} (attainment {share}, below {lim})"
            )
        out.append(
            Finding(
                f"commitment.{m.kind}",
                RED if red else YELLOW,
                text_zh,
                text_en,
                {**figs, "attainment": share, "reviewed": True},
            )
        )
    return out
