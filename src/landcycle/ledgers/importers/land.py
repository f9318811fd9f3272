"""Importers of the land side of the registry: towns (镇街名录), parks (园区) and parcels (地块)."""

from __future__ import annotations

from landcycle.registry.checks import parcel_problems, town_code_problems
from landcycle.registry.models import Parcel, Park, Region
from landcycle.rules.ledger.schemas import PARCELS, PARKS
from landcycle.rules.problems import Problem

from ..lookup import Towns, fetch_in, town_code_form
from ..schemas import REGIONS
from .base import Col, Importer


class TownColumn:
    """Resolving a ``town`` column (9-digit code, 12-digit form or exact name, within the actor's scope)."""

    def load_towns(self, rows: list[dict]) -> None:
        self.town_lookup = Towns(self.actor, (r.get("town") for r in rows)) if "town" in self.present else None

    def town_of(self, row: dict) -> dict:
        if self.town_lookup is None or row.get("town") is None:
            return {}
        town, err = self.town_lookup.resolve(row["town"])
        if err:
            self.add(row, "town", *err)
            return {}
        return {"town": town}


class RegionImporter(Importer):
    """Towns by 9-digit code and name, under their county (which must be registered and in scope)."""

    kind = "regions"
    schema = REGIONS
    model = Region
    cols = (Col("name", "name"),)

    def key(self, row):
        code = row.get("code")
        return None if code is None else (town_code_form(code) or code,)

    def prefetch(self, rows):
        codes = {k[0] for k in map(self.key, rows) if k}
        self.existing = {r.code: r for r in fetch_in(Region.objects.select_related("parent"), "code", codes)}
        self.counties = {
            r.code: r
            for r in fetch_in(Region.objects.filter(level=Region.Level.COUNTY), "code", {c[:6] for c in codes})
        }

    def find(self, key):
        return self.existing.get(key[0])

    def defaults(self, row):
        code = self.key(row)[0]
        return {"code": code, "level": Region.Level.TOWN, "parent": self.counties.get(code[:6])}

    def towns(self, obj):
        return [(obj.parent, "code")] if obj.parent_id else []

    def rules(self, obj, creating):
        problems = town_code_problems(obj.code)
        if obj.level != Region.Level.TOWN:
            problems.append(
                Problem(
                    "code",
                    "region.not_town",
                    f"“{obj.code}”是{obj.get_level_display()}，不是镇街",
                    f"'{obj.code}' is a {obj.level}, not a town",
                )
            )
        elif not problems and obj.parent_id is None:
            problems.append(
                Problem(
                    "code",
                    "region.county_unknown",
                    f"上级县（市、区）{obj.code[:6]}未登记，请先载入区划（landcycle regions load）",
                    f"The county {obj.code[:6]} is not registered: load the divisions first (landcycle regions load)",
                )
            )
        return problems

    def region_code(self, obj):
        return obj.code


class ParkImporter(TownColumn, Importer):
    kind = "parks"
    schema = PARKS
    model = Park
    cols = (Col("name", "name"), Col("kind", "kind"), Col("note", "note", "blank"))

    def prefetch(self, rows):
        self.existing = {
            p.code: p for p in fetch_in(Park.objects.select_related("town"), "code", (r.get("code") for r in rows))
        }
        self.load_towns(rows)

    def find(self, key):
        return self.existing.get(key[0])

    def defaults(self, row):
        return {"code": row["code"]}

    def resolve(self, row):
        return self.town_of(row)

    def towns(self, obj):
        return [(obj.town, "town")] if obj.town_id else []

    def region_code(self, obj):
        return obj.town.code


class ParcelImporter(Importer):
    kind = "parcels"
    schema = PARCELS
    model = Parcel
    cols = (
        Col("area_m2", "area_m2"),
        Col("land_use", "land_use"),
        Col("tenure", "tenure"),
        Col("status", "status"),
        Col("address", "address", "blank"),
    )
    field_of = {"geometry": "area_m2"}  # the shape is not in the ledger: a mismatch is the stated area's

    def prefetch(self, rows):
        self.existing = {
            p.number: p
            for p in fetch_in(Parcel.objects.select_related("park__town"), "number", (r.get("number") for r in rows))
        }
        self.parks = {
            p.code: p for p in fetch_in(Park.objects.select_related("town"), "code", (r.get("park") for r in rows))
        }

    def find(self, key):
        return self.existing.get(key[0])

    def defaults(self, row):
        return {"number": row["number"]}

    def resolve(self, row):
        code = row.get("park")
        if code is None:
            return {}
        park = self.parks.get(code)
        if park is None:
            self.not_found(row, "park", "park.unknown", "园区编号", "Park code")
            return {}
        return {"park": park}

    def towns(self, obj):
        return [(obj.park.town, "park")] if obj.park_id else []

    def rules(self, obj, creating):
        _shape, problems = parcel_problems(area_m2=obj.area_m2, geometry=obj.geometry)
        return problems

    def region_code(self, obj):
        return obj.park.town.code
