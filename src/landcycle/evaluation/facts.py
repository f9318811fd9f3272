"""The kinds of evaluation facts (评价事项) an enterprise can have in a year, and what each does.

A fact's kind is the column the evaluation policy reads: the shipped policy's veto rules (一票否决:
major work-safety, environmental or food-safety accident, a missed energy-saving task, illegal land use),
its protection flags (重大项目建设期, 经认定的保护企业), its flag exemptions (政策性搬迁 — a fact of its
own, recorded with its source, not the registry status 迁出) and the merge column (合并评价: firms sharing
one parcel evaluated as one unit; the unit's key is the fact's ``value``). The catalogue is read from the
shipped policy, so a kind's label and effect are the policy's own words; a run's policy decides what a
recorded fact does in that run (the result page shows it)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from landcycle.rules.evaluation import EvaluationPolicy
from landcycle.rules.evaluation.policy.parse import default_policy

from .labels import english

VETO, PROTECTION, EXEMPTION, MERGE = "veto", "protection", "exemption", "merge"
CATEGORY_LABELS = {VETO: _("一票否决"), PROTECTION: _("保护"), EXEMPTION: _("不参评"), MERGE: _("合并评价")}
MERGE_KIND = "merge_key"


@dataclass(frozen=True)
class FactKind:
    kind: str  # the policy column
    category: str  # veto | protection | exemption | merge
    rule: str  # the policy rule's key ("" for merge)
    zh: str
    en: str

    @property
    def label(self) -> str:
        return self.en if english() else self.zh


def kinds_of(policy: EvaluationPolicy) -> list[FactKind]:
    """Every kind of fact ``policy`` reads, in the order: vetoes, protections, exemptions, merge."""
    out: list[FactKind] = []
    seen: set[str] = set()
    for category, rules in ((VETO, policy.vetoes), (PROTECTION, policy.protections), (EXEMPTION, policy.exemptions)):
        for r in rules:
            if r.kind == "flag" and r.column and r.column not in seen:
                seen.add(r.column)
                out.append(FactKind(r.column, category, r.key, r.zh, r.en))
    if policy.merge_column:
        out.append(
            FactKind(
                policy.merge_column,
                MERGE,
                "",
                "合并评价（同一地块上的企业作为一个单位评价）",
                "merged evaluation (firms on one parcel evaluated as one unit)",
            )
        )
    return out


@lru_cache(maxsize=1)
def shipped_kinds() -> tuple[FactKind, ...]:
    return tuple(kinds_of(default_policy()))


def kind_map() -> dict[str, FactKind]:
    return {k.kind: k for k in shipped_kinds()}


def flag_kinds() -> list[str]:
    """The boolean kinds (all but the merge key), in catalogue order."""
    return [k.kind for k in shipped_kinds() if k.category != MERGE]


def merge_kind() -> str:
    return next((k.kind for k in shipped_kinds() if k.category == MERGE), MERGE_KIND)
