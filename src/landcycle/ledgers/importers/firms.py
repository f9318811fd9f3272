"""Importers of the enterprise side: enterprises (企业) and who occupies which parcel (用地关系); ``EnterpriseLookup``
for every importer whose rows name enterprises by credit code (the evaluation's figures and facts)."""

from __future__ import annotations

from landcycle.registry.checks import enterprise_problems, occupancy_problems
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Region
from landcycle.rules.ledger.schemas import ENTERPRISES, OCCUPANCY
from landcycle.rules.problems import Problem

from ..lookup import fetch_in
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
