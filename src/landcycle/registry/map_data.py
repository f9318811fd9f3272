"""What the county map reads besides the parcels' own shapes: the outlines of parks and towns (stored or derived by
``rules.outlines``) and an index of every parcel's bounding box, for serving only the parcels in view.

Both are computed from the whole registry at once and kept in Django's cache under the registry's audit head
(``kit.cache.heads``: the sequence number and hash of the last audit entry about a registry object, one row read by
its key): every write of a parcel or park — forms, services, imports, the generator — is audited and moves it, so
the next map request computes them anew; nothing has to remember to invalidate them, and the key costs the same
whatever the number of parcels (it was an aggregate over every parcel and park, issue 18). Scope is applied by the
views when they pick from them: the cache holds ids and shapes, never anything a user is shown without a scoped
query first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from django.core.cache import cache
from django.db.models import TextField
from django.db.models.functions import Cast

from landcycle.kit.cache import heads
from landcycle.rules.outlines import Outline, derive_outlines

from .models import Parcel, Park

DERIVATION = 2  # bump when rules.outlines changes what it draws, so cached outlines are drawn anew
CACHE_SECONDS = 30 * 24 * 3600


@dataclass
class MapBase:
    parks: dict[int, Outline] = field(default_factory=dict)  # park id -> outline (stored boundary or derived)
    towns: dict[int, Outline] = field(default_factory=dict)  # town (Region) id -> derived outline
    derived_parks: frozenset[int] = frozenset()  # parks whose outline is derived from their parcels
    parcel_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    parcel_bounds: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))  # minx, miny, maxx, maxy


def fingerprint() -> str:
    """Changes whenever a parcel or park (or any other registry object) is created, written or deleted."""
    return f"{DERIVATION}:{heads(('registry',))}"


def _geoms(texts: list[str | None]) -> np.ndarray:
    usable = [t if t and t != "null" else None for t in texts]
    return shapely.from_geojson(np.asarray(usable, dtype=object), on_invalid="ignore")


def build() -> MapBase:
    """Outlines and the parcel index from the database (two queries, one pass of shapely)."""
    parcel_rows = list(
        Parcel.objects.annotate(shape=Cast("geometry", TextField())).values_list("id", "park_id", "shape")
    )
    park_rows = list(Park.objects.annotate(shape=Cast("boundary", TextField())).values_list("id", "town_id", "shape"))
    parcel_geoms = _geoms([r[2] for r in parcel_rows])
    park_geoms = _geoms([r[2] for r in park_rows])
    has_shape = ~shapely.is_missing(parcel_geoms) & ~shapely.is_empty(parcel_geoms)
    ids = np.asarray([r[0] for r in parcel_rows], dtype=np.int64)[has_shape]
    bounds = shapely.bounds(parcel_geoms[has_shape]) if has_shape.any() else np.zeros((0, 4))
    shapes_of: dict[int, list] = {}
    for (_pk, park_id, _t), geom, ok in zip(parcel_rows, parcel_geoms, has_shape, strict=True):
        if ok:
            shapes_of.setdefault(park_id, []).append(geom)
    parks_in = {}
    for (pk, town_id, _t), stored in zip(park_rows, park_geoms, strict=True):
        usable = stored if stored is not None and stored.geom_type in ("Polygon", "MultiPolygon") else None
        parks_in[pk] = (town_id, usable, shapes_of.get(pk, []))
    park_outlines, town_outlines = derive_outlines(parks_in)
    derived = frozenset(pk for pk, (_town, stored, _s) in parks_in.items() if stored is None and pk in park_outlines)
    return MapBase(park_outlines, town_outlines, derived, ids, np.asarray(bounds, dtype=float))


def map_base() -> MapBase:
    """The cached ``build()`` for the registry as it is now."""
    key = f"lc:map:base:{fingerprint()}"
    base = cache.get(key)
    if base is None:
        base = build()
        cache.set(key, base, CACHE_SECONDS)
    return base
