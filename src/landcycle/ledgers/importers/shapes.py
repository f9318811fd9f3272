"""Importer of parcel shapes (地块图形) from GeoJSON: updates ``Parcel.geometry`` of registered parcels.

The same rules as the parcel service apply (``registry.checks.parcel_problems``): a valid polygon in WGS 84
that does not intersect itself, whose geodesic area agrees with the registered area within the policy's
tolerance. A shape never creates a parcel: an unknown number is a problem. Scope as for any parcel write:
the parcel's town must be the actor's.
"""

from __future__ import annotations

import json

from landcycle.registry.checks import parcel_problems, shape_limits
from landcycle.registry.models import Parcel
from landcycle.rules.geometry import as_geojson, parse_polygon

from ..geojson import PARCEL_SHAPES, describe
from ..lookup import fetch_in
from ..plan import INVALID, RowPlan
from .base import Col, Importer


def normalised(geometry):
    """The shape as the parcel service stores it (shapely's GeoJSON, through JSON so that tuples are
    lists), or the input unchanged when it is not a valid polygon (the rules then say why)."""
    shape, problems = parse_polygon(geometry, limits=shape_limits())
    if shape is None or problems:
        return geometry
    return json.loads(json.dumps(as_geojson(shape)))


class ParcelShapeImporter(Importer):
    kind = "parcel_shapes"
    schema = PARCEL_SHAPES
    model = Parcel
    cols = (Col("geometry", "geometry"),)

    def prefetch(self, rows):
        self.existing = {
            p.number: p
            for p in fetch_in(Parcel.objects.select_related("park__town"), "number", (r.get("number") for r in rows))
        }

    def find(self, key):
        return self.existing.get(key[0])

    def values(self, row):
        out = super().values(row)
        if "geometry" in out:
            out["geometry"] = normalised(out["geometry"])
        return out

    def plan_row(self, row):
        key = self.key(row)
        if key is not None and self.find(key) is None:
            self.not_found(row, "number", "parcel.unknown", "地块编号", "Parcel number")
            return RowPlan(row["_sheet"], row["_row"], self.key_text(key), INVALID)
        return super().plan_row(row)

    def add(self, row, field, rule, zh, en, *args, **kwargs):
        self._property = row.get("_property") or None  # each feature names its number in its own property
        if self.field_of.get(field, field) == "geometry" and not args and "value" not in kwargs:
            # a shape in a few words, not its coordinates
            kwargs["value"] = describe(row.get("geometry"), shape_limits())
        try:
            super().add(row, field, rule, zh, en, *args, **kwargs)
        finally:
            self._property = None

    def column(self, name):
        if name == "number" and getattr(self, "_property", None):
            return self._property
        return super().column(name)

    def towns(self, obj):
        return [(obj.park.town, "number")] if obj.park_id else []

    def rules(self, obj, creating):
        _shape, problems = parcel_problems(area_m2=obj.area_m2, geometry=obj.geometry)
        return problems

    def region_code(self, obj):
        return obj.park.town.code
