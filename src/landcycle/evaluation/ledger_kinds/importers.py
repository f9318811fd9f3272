"""Importers of the evaluation's ledgers: yearly figures (企业年度数据) and evaluation facts (评价事项)."""

from __future__ import annotations

from landcycle.accounts.scope import Area
from landcycle.ledgers.importers.base import Col, Importer
from landcycle.ledgers.importers.firms import EnterpriseLookup
from landcycle.ledgers.lookup import fetch_in
from landcycle.rules.dates import year_problems
from landcycle.rules.problems import Problem

from ..facts import MERGE, kind_map, shipped_kinds
from ..models import EvaluationFact, YearlyFigure
from ..services.facts import fact_problems
from .schemas import EVALUATION_FACTS, FIGURES_LEDGER


def _year_key(year) -> bool:
    """A year the database can look up (its column holds 0..32767); others are refused by the rules."""
    return isinstance(year, int) and 0 <= year <= 32767


class FigureImporter(EnterpriseLookup, Importer):
    """Yearly figures by (credit code, year). Land columns of the ledger (自有/租赁/出租用地) are read and
    checked but not stored: land used comes from the occupancy ledger. The columns of evaluation facts
    (重大安全生产事故 … 政策性搬迁, 合并评价编号; what an export writes) are checked against the facts
    recorded for the enterprise and year: a fact needs its date and source, so it is recorded on the
    enterprise's page or in the 评价事项 ledger, and a figures ledger that disagrees is refused rather than
    silently dropping (or inventing) a veto."""

    kind = "figures"
    schema = FIGURES_LEDGER
    model = YearlyFigure
    areas = (Area.LEDGERS,)
    cols = tuple(
        Col(n, n, "null")
        for n in ("revenue", "tax", "value_added", "energy_tce", "emissions_t", "rnd", "staff", "electricity_10k_kwh")
    )
    uscc_fields = ("uscc",)
    field_of = {"enterprise": "uscc"}

    def prefetch(self, rows):
        self.load_enterprises(rows, ("uscc",))
        years = {r.get("year") for r in rows}
        found = fetch_in(
            YearlyFigure.objects.select_related("enterprise__town").filter(year__in=[y for y in years if _year_key(y)]),
            "enterprise_id",
            [e.pk for e in self.enterprises.values()],
        )
        self.existing = {(f.enterprise_id, f.year): f for f in found}
        self.fact_cols = [k for k in shipped_kinds() if k.kind in self.present]
        self.facts: dict[tuple, str] = {}
        if self.fact_cols:
            recorded = fetch_in(
                EvaluationFact.objects.filter(year__in=[y for y in years if y is not None]),
                "enterprise_id",
                [e.pk for e in self.enterprises.values()],
            )
            self.facts = {(f.enterprise_id, f.year, f.kind): f.value for f in recorded}

    def find(self, key):
        ent = self.enterprises.get(key[0])
        return None if ent is None else self.existing.get((ent.pk, key[1]))

    def defaults(self, row):
        return {"year": row["year"]}

    def rules(self, obj, creating):
        return year_problems("year", obj.year, "年度", "year")  # the plausible range (registry.toml [dates])

    def plan_row(self, row):
        plan = super().plan_row(row)
        ent = self.enterprises.get(row.get("uscc"))
        if ent is not None and row.get("year") is not None:
            for k in self.fact_cols:
                self.check_fact(row, ent, k)
        return plan

    def check_fact(self, row, ent, k) -> None:
        recorded = self.facts.get((ent.pk, row["year"], k.kind))
        given = row.get(k.kind)
        if k.category == MERGE:
            same = (given or "") == (recorded or "")
        else:
            same = bool(given) == (recorded is not None)
        if same:
            return
        was_zh = "未登记" if recorded is None else (f"已登记为“{recorded}”" if k.category == MERGE else "已登记")
        was_en = (
            "not recorded" if recorded is None else (f"recorded as '{recorded}'" if k.category == MERGE else "recorded")
        )
        self.add(
            row,
            k.kind,
            "figures.fact_differs",
            f"“{k.zh}”与登记的评价事项不一致（{ent.name} {row['year']}年度{was_zh}）：评价事项连同日期和依据文件在"
            "企业评价页或评价事项台账中登记",
            f"'{k.en}' differs from the recorded evaluation facts ({was_en} for {ent.uscc} in {row['year']}): "
            "record facts with their date and source on the enterprise's evaluation page or in the evaluation "
            "facts ledger",
        )

    def resolve(self, row):
        return self.enterprise_of(row, "uscc", "enterprise")

    def towns(self, obj):
        return [(obj.enterprise.town, "uscc")] if obj.enterprise_id else []

    def region_code(self, obj):
        return obj.enterprise.town.code


class FactImporter(EnterpriseLookup, Importer):
    """Evaluation facts (评价事项) by (credit code, year, kind): vetoes, protections, 政策性搬迁, merged
    units, each with its date and source. Written by the roles that write the evaluation."""

    kind = "evaluation_facts"
    schema = EVALUATION_FACTS
    model = EvaluationFact
    areas = (Area.EVALUATION,)
    cols = (
        Col("value", "value", "blank"),
        Col("occurred_on", "occurred_on", "null"),
        Col("source", "source"),
        Col("note", "note", "blank"),
    )
    uscc_fields = ("uscc",)
    field_of = {"enterprise": "uscc"}

    def prefetch(self, rows):
        self.load_enterprises(rows, ("uscc",))
        years = [y for y in {r.get("year") for r in rows} if y is not None]
        found = fetch_in(
            EvaluationFact.objects.select_related("enterprise__town").filter(year__in=years),
            "enterprise_id",
            [e.pk for e in self.enterprises.values()],
        )
        self.existing = {(f.enterprise_id, f.year, f.kind): f for f in found}

    def find(self, key):
        ent = self.enterprises.get(key[0])
        return None if ent is None else self.existing.get((ent.pk, key[1], key[2]))

    def defaults(self, row):
        return {
            "year": row["year"],
            "kind": row["kind"],
            "created_by": self.actor if getattr(self.actor, "pk", None) else None,
        }

    def resolve(self, row):
        return self.enterprise_of(row, "uscc", "enterprise")

    def rules(self, obj, creating):
        problems = fact_problems(
            kind=obj.kind, year=obj.year, value=obj.value, occurred_on=obj.occurred_on, source=obj.source
        )
        known = kind_map().get(obj.kind)
        if known is not None and known.category != MERGE and obj.value:
            problems.append(
                Problem(
                    "value",
                    "fact.value_not_merge",
                    "合并评价编号只用于合并评价事项",
                    "A merge key belongs only to a merged-evaluation fact",
                )
            )
        return problems

    def towns(self, obj):
        return [(obj.enterprise.town, "uscc")] if obj.enterprise_id else []

    def region_code(self, obj):
        return obj.enterprise.town.code
