"""A ledger that lacks a whole column the policy's indicators need (a town that does not collect
electricity): which indicators of which groups it affects, and the policy those firms are evaluated by.

Policy key ``[missing_column] rule``: ``"rescale"`` (the default) drops every indicator that divides
the absent field from the groups that use it and scales the group's remaining weights (and caps, which
are in points) so that they add up to 100 again — the firms are evaluated on the indicators present;
``"refuse"`` stops with an error naming the column. A group left with no indicator at all cannot be
evaluated: that is an error naming the column too. The policy keeps its version and hash (it is the
same policy applied to a ledger without the column); the note says what was dropped and rescaled.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .policy import EvaluationPolicy
from .problems import FIELD_LABELS


@dataclass(frozen=True)
class AbsentColumn:
    """One absent field and what it takes away: ``affects`` lists (group key, group zh, group en,
    indicator zh, indicator en, weight) of every indicator that needs the field."""

    field: str
    affects: tuple[tuple[str, str, str, str, str, float], ...]

    @property
    def label_zh(self) -> str:
        return FIELD_LABELS.get(self.field, (self.field, self.field))[0]

    @property
    def label_en(self) -> str:
        return FIELD_LABELS.get(self.field, (self.field, self.field))[1]


class AbsentRefused(ValueError):
    """The policy says ``refuse`` (or a group would be left with no indicator): ``zh`` / ``en`` say why."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


def _points(x: float) -> str:
    return f"{x:g}"


def absent_columns(policy: EvaluationPolicy, present: set[str]) -> list[AbsentColumn]:
    """The fields the policy's indicators divide that are not in ``present`` (the ledger's fields)."""
    out: dict[str, list] = {}
    for g in policy.groups:
        for ind in g.indicators:
            for f in dict.fromkeys((ind.numerator, ind.denominator)):
                if f not in present:
                    out.setdefault(f, []).append((g.key, g.zh, g.en, ind.zh, ind.en, ind.weight))
    return [AbsentColumn(f, tuple(a)) for f, a in out.items()]


def describe(absent: list[AbsentColumn]) -> tuple[str, str]:
    """One line in each language: the column, the indicators and weights it affects, by group."""
    zh, en = [], []
    for a in absent:
        groups: dict[str, list] = {}
        for gk, gzh, gen, izh, ien, w in a.affects:
            groups.setdefault(gk, [gzh, gen, []])[2].append((izh, ien, w))
        zh.append(
            f"台账缺少“{a.label_zh}”列，影响："
            + "；".join(
                f"{gzh} {'、'.join(f'{i}（权重{_points(w)}）' for i, _e, w in inds)}"
                for gzh, _gen, inds in groups.values()
            )
        )
        en.append(
            f"the ledger has no {a.label_en} column, which affects: "
            + "; ".join(
                f"{gen}: {', '.join(f'{e} (weight {_points(w)})' for _i, e, w in inds)}"
                for _gzh, gen, inds in groups.values()
            )
        )
    return "。".join(zh), "; ".join(en)


def without(
    policy: EvaluationPolicy, absent: list[AbsentColumn]
) -> tuple[EvaluationPolicy, dict[str, tuple[str, str]]]:
    """The policy with the indicators needing an absent field removed and each affected group's weights
    rescaled to 100, and per affected group key the sentence its firms' reasons start with. Raises
    ``AbsentRefused`` when the policy says ``refuse`` or a group has no indicator left."""
    if not absent:
        return policy, {}
    line_zh, line_en = describe(absent)
    if policy.missing_column == "refuse":
        raise AbsentRefused(
            f'{line_zh}。评价办法规定缺列时不评价（[missing_column] rule = "refuse"）',
            f'{line_en}. The policy refuses a ledger without it ([missing_column] rule = "refuse")',
        )
    fields = {a.field for a in absent}
    groups, notes = [], {}
    for g in policy.groups:
        keep = [i for i in g.indicators if i.numerator not in fields and i.denominator not in fields]
        if len(keep) == len(g.indicators):
            groups.append(g)
            continue
        if not keep:
            raise AbsentRefused(
                f"{line_zh}。分组“{g.zh}”的全部指标都需要该列，无法评价",
                f"{line_en}. Every indicator of the group '{g.en}' needs it: the group cannot be evaluated",
            )
        total = sum(i.weight for i in g.indicators)
        kept = sum(i.weight for i in keep)
        factor = total / kept
        scaled = tuple(
            dataclasses.replace(i, weight=i.weight * factor, cap=None if i.cap is None else i.cap * factor)
            for i in keep
        )
        groups.append(dataclasses.replace(g, indicators=scaled))
        gone = [i for i in g.indicators if i not in keep]
        missing = "、".join(
            dict.fromkeys(
                FIELD_LABELS.get(f, (f,))[0] for i in gone for f in (i.numerator, i.denominator) if f in fields
            )
        )
        missing_en = ", ".join(
            dict.fromkeys(
                FIELD_LABELS.get(f, (f, f))[1] for i in gone for f in (i.numerator, i.denominator) if f in fields
            )
        )
        notes[g.key] = (
            f"台账缺少“{missing}”列，{'、'.join(f'{i.zh}（权重{_points(i.weight)}）' for i in gone)}未评；"
            f"其余指标权重按比例调整为合计{_points(total)}分（"
            f"{'、'.join(f'{i.zh} {_points(round(s.weight, 4))}' for i, s in zip(keep, scaled, strict=False))}）。",
            f"The ledger has no {missing_en} column: {', '.join(f'{i.en} (weight {_points(i.weight)})' for i in gone)} "
            f"not scored; the other weights rescaled to {_points(total)} "
            f"({', '.join(f'{i.en} {_points(round(s.weight, 4))}' for i, s in zip(keep, scaled, strict=False))}). ",
        )
    return dataclasses.replace(policy, groups=tuple(groups)), notes
