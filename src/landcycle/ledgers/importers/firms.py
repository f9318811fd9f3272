"""Importers of the enterprise side: enterprises (企业), who occupies which parcel (用地关系) and yearly
figures (企业年度数据)."""

from __future__ import annotations

from landcycle.evaluation.facts import MERGE, kind_map, shipped_kinds
from landcycle.evaluation.models import EvaluationFact, YearlyFigure
from landcycle.evaluation.services.facts import fact_problems
from landcycle.registry.checks import enterprise_problems, occupancy_problems
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Region
from landcycle.rules.dates import year_problems
from landcycle.rules.ledger.schemas import ENTERPRISES, OCCUPANCY
from landcycle.rules.problems import Problem

from ..lookup import fetch_in
from ..schemas import EVALUATION_FACTS, FIGURES_LEDGER
from .base import Col, Importer
from .land import TownColumn


def industry_class_code(value: str) -> str:
    """``C3311`` -> ``3311``: the registry keeps the 4-digit class, a ledger may lead with the section."""
    return value[1:] if len(value) == 5 and value[0].isalpha() else value


class EnterpriseLookup:
    """Registered enterprises named by credit code in the given fields."""

    def load_enterprises(self, rows: list[dict], fields: tuple[str, ...], whole: bool = False) -> None:
        """``whole``: every field (the objects are updated); otherwise what a reference needs."""
        codes = {r.get(f) for r in rows for f in fields if f in self.present}
        qs = (
            Enterprise.objects.all()
            if whole
            else Enterprise.objects.only("id", "uscc", "name", "uscc_override", "town")
        )
        found = fetch_in(qs, "uscc", codes)
        towns = Region.objects.in_bulk({e.town_id for e in found})
        town = Enterprise._meta.get_field("town")
        for e in found:  # one Region object per town, not one per enterprise
            town.set_cached_value(e, towns[e.town_id])
        self.enterprises = {e.uscc: e for e in found}
        self.overridden = {e.uscc for e in found if e.uscc_override}

    def enterprise_of(self, row: dict, field: str, attr: str) -> dict:
        code = row.get(field)
        if code is None:
            return {}
        ent = self.enterprises.get(code)
        if ent is None:
            self.not_found(row, field, "enterprise.unknown", "统一社会信用代码", "The credit code")
            return {}
        return {attr: ent}


class EnterpriseImporter(TownColumn, EnterpriseLookup, Importer):
    kind = "enterprises"
    schema = ENTERPRISES
    model = Enterprise
    cols = (
        Col("name", "name"),
        Col("industry_code", "industry_code"),
        Col("scale", "scale"),
        Col("registered_on", "registered_on"),
        Col("status", "status"),
        Col("contact", "contact", "blank"),
    )
    uscc_fields = ("uscc",)
    field_of = {"uscc_override_reason": "uscc"}

    def prefetch(self, rows):
        self.load_enterprises(rows, ("uscc",), whole=True)
        self.load_towns(rows)
        region = getattr(self.actor, "region", None)
        # a town officer's ledger need not say which town: their own
        self.own_town = region if region is not None and region.level == Region.Level.TOWN else None

    def find(self, key):
        return self.enterprises.get(key[0])

    def values(self, row):
        out = super().values(row)
        if "industry_code" in out:
            out["industry_code"] = industry_class_code(out["industry_code"])
        return out

    def defaults(self, row):
        return {"uscc": row["uscc"], "town": self.own_town}

    def resolve(self, row):
        return self.town_of(row)

    def towns(self, obj):
        return [(obj.town, "town")] if obj.town_id else []

    def rules(self, obj, creating):
        problems = []
        if obj.town_id is None and not self._row_names_town:  # else resolving the town said why
            problems.append(
                Problem("town", "ledger.required", "新企业须填写“所属镇街”", "A new enterprise needs its town ('town')")
            )
        if not obj.uscc_override:
            obj.uscc_override_reason = ""
        return problems + enterprise_problems(
            uscc=obj.uscc,
            industry_code=obj.industry_code,
            uscc_override=obj.uscc_override,
            uscc_override_reason=obj.uscc_override_reason,
            registered_on=obj.registered_on,
        )

    def plan_row(self, row):
        self._row_names_town = "town" in self.present and row.get("town") is not None
        return super().plan_row(row)

    def region_code(self, obj):
        return obj.town.code


class OccupancyImporter(EnterpriseLookup, Importer):
    """Natural key: (credit code, parcel number, kind, start)."""

    kind = "occupancy"
    schema = OCCUPANCY
    model = Occupancy
    cols = (Col("area_m2", "area_m2"), Col("end", "end", "null"))
    uscc_fields = ("uscc", "lessor")
    field_of = {"enterprise": "uscc"}

    def key(self, row):
        key = (row.get("uscc"), row.get("parcel"), row.get("kind"), row.get("start"))
        return None if None in key else key

    def prefetch(self, rows):
        self.load_enterprises(rows, ("uscc", "lessor"))
        self.parcels = {
            p.number: p
            for p in fetch_in(Parcel.objects.select_related("park__town"), "number", (r.get("parcel") for r in rows))
        }
        found = fetch_in(
            Occupancy.objects.select_related("enterprise", "parcel__park__town", "lessor"),
            "parcel_id",
            [p.pk for p in self.parcels.values()],
        )
        self.existing = {}
        for o in sorted(found, key=lambda o: o.pk):
            self.existing.setdefault((o.enterprise_id, o.parcel_id, o.kind, o.start), o)

    def find(self, key):
        ent, parcel = self.enterprises.get(key[0]), self.parcels.get(key[1])
        if ent is None or parcel is None:
            return None
        return self.existing.get((ent.pk, parcel.pk, key[2], key[3]))

    def defaults(self, row):
        return {"kind": row["kind"], "start": row["start"]}

    def resolve(self, row):
        out = self.enterprise_of(row, "uscc", "enterprise")
        number = row.get("parcel")
        if number is not None:
            parcel = self.parcels.get(number)
            if parcel is None:
                self.not_found(row, "parcel", "parcel.unknown", "地块编号", "Parcel number")
            else:
                out["parcel"] = parcel
        if "lessor" in self.present:
            out["lessor"] = None
            out.update(self.enterprise_of(row, "lessor", "lessor"))
        return out

    def towns(self, obj):
        return [(obj.parcel.park.town, "parcel")] if obj.parcel_id else []

    def rules(self, obj, creating):
        if obj.parcel_id is None or obj.enterprise_id is None or obj.area_m2 is None:
            return []
        return occupancy_problems(
            area_m2=obj.area_m2,
            start=obj.start,
            end=obj.end,
            parcel_area_m2=obj.parcel.area_m2,
            kind=obj.kind,
            lessor=obj.lessor,
            enterprise=obj.enterprise,
        )

    def region_code(self, obj):
        return obj.parcel.park.town.code


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
    areas = ("ledgers",)
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
    areas = ("evaluation",)
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
