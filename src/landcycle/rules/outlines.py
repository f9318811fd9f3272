"""Outlines of parks and towns for the map (园区范围、镇街范围), derived from the parcels the registry holds, and the
arithmetic of a map view (bounding box, zoom, simplification tolerance). Pure: shapely and numpy, no Django.

The registry has no town boundaries and parks may lack one; the map still has to show a clerk where each town and
park lies. So:

- a park without a stored boundary is drawn as the concave hull of its parcels, ``PARK_MARGIN_M`` wider;
- a town is the convex hull of its parks (stored or derived outlines) ``TOWN_MARGIN_M`` wider, clipped to the part
  of the plane nearer to its own parks than to any other town's (Voronoi cells of the parks' vertices, merged by
  town), so two neighbouring towns never overlap.

The work is done in metres on a local plane around the data's centre (an equirectangular projection: at county or
province size its error is far below what a drawn outline shows) and the results come back in WGS 84 lon/lat,
simplified to ``OUTLINE_TOLERANCE_M`` and rounded to 6 decimals.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
import shapely.errors
from shapely.ops import polylabel

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0
PARK_MARGIN_M = 20.0  # a derived park outline runs this far outside its outermost parcels
TOWN_MARGIN_M = 300.0  # a town's outline runs this far outside its parks (before it is clipped by its neighbours)
PARK_CONCAVITY = 0.3  # shapely.concave_hull ratio: 0 follows the parcels closely, 1 is the convex hull
OUTLINE_TOLERANCE_M = 5.0
SAMPLE_M = 200.0  # the Voronoi split between towns uses the parks' outlines' vertices, simplified to a tenth of this
DECIMALS = 6

# Zoom levels are Leaflet's (Web Mercator, 256 px tiles): one pixel spans 360 / (256 · 2^zoom) degrees of longitude.
MIN_ZOOM, MAX_ZOOM = 0, 22


@dataclass(frozen=True)
class Plane:
    """A local plane in metres (x east, y north) around (lon0, lat0)."""

    lon0: float
    lat0: float

    @property
    def kx(self) -> float:
        return M_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    def to_plane(self, geom):
        lon0, lat0, kx = self.lon0, self.lat0, self.kx
        return shapely.transform(
            geom, lambda xy: np.column_stack(((xy[:, 0] - lon0) * kx, (xy[:, 1] - lat0) * M_PER_DEG_LAT))
        )

    def to_lonlat(self, geom):
        lon0, lat0, kx = self.lon0, self.lat0, self.kx
        return shapely.transform(
            geom,
            lambda xy: np.round(np.column_stack((xy[:, 0] / kx + lon0, xy[:, 1] / M_PER_DEG_LAT + lat0)), DECIMALS),
        )


def plane_for(geoms: Sequence) -> Plane:
    """The plane centred on the middle of these lon/lat shapes."""
    minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(geoms, dtype=object))
    if not np.isfinite([minx, miny, maxx, maxy]).all():
        return Plane(0.0, 0.0)
    return Plane((minx + maxx) / 2, (miny + maxy) / 2)


def _polygonal(geom):
    """Only the polygons of ``geom`` (a clip may leave lines or points on a shared edge); None when none is left."""
    if geom is None or geom.is_empty:
        return None
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def park_outline_plane(parcels: Sequence, margin_m: float = PARK_MARGIN_M, concavity: float = PARK_CONCAVITY):
    """The outline (in the plane) of a park from its parcels' shapes (in the plane): their concave hull, widened by
    ``margin_m``. None when no parcel has a shape."""
    shapes = [g for g in parcels if g is not None and not g.is_empty]
    if not shapes:
        return None
    # each parcel by its convex hull thinned to OUTLINE_TOLERANCE_M: a few points each, however many the stored
    # shape has (a 100,000-point parcel would make the union, the hull and the buffer take seconds)
    hulls = shapely.simplify(shapely.convex_hull(np.asarray(shapes, dtype=object)), OUTLINE_TOLERANCE_M)
    hulls = np.where(shapely.is_empty(hulls) | (shapely.area(hulls) <= 0), shapely.envelope(shapes), hulls)
    together = shapely.union_all(hulls)
    hull = shapely.concave_hull(together, ratio=concavity)
    if hull.geom_type != "Polygon" or hull.area < together.area * 0.5:  # a degenerate hull: take the convex one
        hull = shapely.convex_hull(together)
    return _polygonal(shapely.union(hull, together).buffer(margin_m, quad_segs=4))


def _samples(geom, spacing: float) -> np.ndarray:
    """The vertices of ``geom`` simplified to ``spacing`` (Voronoi cells of points along straight edges degenerate,
    so edges are not subdivided)."""
    return shapely.get_coordinates(shapely.simplify(geom, spacing / 10))


def town_territories(parts: Mapping[Hashable, Sequence], extent) -> dict[Hashable, Any]:
    """Per town key, the part of ``extent`` nearer to its shapes (``parts``, in the plane) than to any other town's:
    Voronoi cells of points along the shapes' edges, merged by town."""
    keys, points = [], []
    for key, shapes in parts.items():
        for shape in shapes:
            xy = _samples(shape, SAMPLE_M)
            points.append(xy)
            keys.extend([key] * len(xy))
    if len(parts) < 2 or not points:
        return {key: extent for key in parts}
    xy = np.vstack(points)
    labels = np.asarray(keys, dtype=object)
    xy, first = np.unique(np.round(xy, 1), axis=0, return_index=True)
    labels = labels[first]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=extent, ordered=True))
    out = {}
    for key in parts:
        mine = cells[labels == key]
        out[key] = shapely.intersection(shapely.union_all(mine), extent) if len(mine) else None
    return out


def town_outlines_plane(parts: Mapping[Hashable, Sequence], margin_m: float = TOWN_MARGIN_M) -> dict[Hashable, Any]:
    """Per town key, its outline in the plane from its parks' outlines (``parts``): their convex hull widened by
    ``margin_m``, clipped to the town's own territory (``town_territories``). Towns without shapes are left out."""
    parts = {key: [g for g in shapes if g is not None and not g.is_empty] for key, shapes in parts.items()}
    parts = {key: shapes for key, shapes in parts.items() if shapes}
    if not parts:
        return {}
    hulls = {
        key: shapely.convex_hull(shapely.union_all(shapes)).buffer(margin_m, quad_segs=8)
        for key, shapes in parts.items()
    }
    extent = shapely.union_all(list(hulls.values())).envelope.buffer(margin_m)
    try:
        territories = town_territories(parts, extent)
    except shapely.errors.GEOSException:  # a degenerate Voronoi diagram: the towns are drawn unclipped
        territories = {}
    together = {key: shapely.union_all(shapes) for key, shapes in parts.items()}
    out = {}
    for key, hull in hulls.items():
        own = territories.get(key)
        clipped = _polygonal(shapely.intersection(hull, own)) if own is not None else hull
        # what the clip took from the town's own parks is given back (a park never loses its edge to a neighbour),
        # and the other towns' parks are taken out
        mine = shapely.union(clipped, together[key]) if clipped is not None else together[key]
        others = [g for other, g in together.items() if other != key and g.intersects(mine)]
        out[key] = _polygonal(shapely.difference(mine, shapely.union_all(others)) if others else mine)
    return out


def label_point_plane(geom) -> tuple[float, float]:
    """Where a name is written inside ``geom`` (in the plane): the pole of inaccessibility of its largest part."""
    largest = max(shapely.get_parts(geom), key=lambda g: g.area)
    point = polylabel(largest, tolerance=max(1.0, math.sqrt(largest.area) / 50))
    return point.x, point.y


@dataclass(frozen=True)
class Outline:
    """One derived or stored outline, in lon/lat: its GeoJSON text, bbox and label point."""

    geojson: str
    bbox: tuple[float, float, float, float]
    label: tuple[float, float]


def _finished(geom, plane: Plane, label_in=None) -> Outline:
    """The outline in lon/lat; its name is written in ``label_in`` (a part of it) when that is given and not empty."""
    label_x, label_y = label_point_plane(label_in if label_in is not None and label_in.area > 0 else geom)
    simple = shapely.simplify(geom, OUTLINE_TOLERANCE_M, preserve_topology=True)
    shown = plane.to_lonlat(simple)
    point = plane.to_lonlat(shapely.Point(label_x, label_y))
    minx, miny, maxx, maxy = shapely.bounds(shown).tolist()
    return Outline(shapely.to_geojson(shown), (minx, miny, maxx, maxy), (point.x, point.y))


def derive_outlines(
    parks: Mapping[Hashable, tuple[Hashable, Any, Sequence]],
) -> tuple[dict[Hashable, Outline], dict[Hashable, Outline]]:
    """Outlines of parks and towns from ``parks``: park key -> (town key, stored boundary or None, parcel shapes),
    every shape a shapely geometry in lon/lat. A park's stored boundary is drawn as stored; a park without one
    gets ``park_outline_plane`` of its parcels. Returns (park key -> Outline, town key -> Outline); a park with
    neither boundary nor shaped parcels, and a town with no such park, are left out."""
    every = [g for _town, stored, shapes in parks.values() for g in (stored, *shapes) if g is not None]
    if not every:
        return {}, {}
    plane = plane_for(every)
    park_shapes: dict[Hashable, Any] = {}
    for key, (_town, stored, shapes) in parks.items():
        if stored is not None and not stored.is_empty and stored.area > 0:
            park_shapes[key] = plane.to_plane(stored)
        else:
            park_shapes[key] = park_outline_plane([plane.to_plane(g) for g in shapes if g is not None])
    by_town: dict[Hashable, list] = {}
    for key, (town, _stored, _shapes) in parks.items():
        if park_shapes[key] is not None:
            by_town.setdefault(town, []).append(park_shapes[key])
    towns = town_outlines_plane(by_town)
    # a town's name goes where none of its parks is, so that it does not cover a park's name
    free = {key: _polygonal(shapely.difference(g, shapely.union_all(by_town[key]))) for key, g in towns.items()}
    return (
        {key: _finished(g, plane) for key, g in park_shapes.items() if g is not None},
        {key: _finished(g, plane, free.get(key)) for key, g in towns.items() if g is not None},
    )


# ------------------------------------------------------------------ the map's view
def degrees_per_pixel(zoom: float) -> float:
    """Degrees of longitude one screen pixel spans at this Leaflet zoom."""
    return 360.0 / (256.0 * 2.0**zoom)


def zoom_tolerance(zoom: float, floor: float) -> float:
    """The simplification tolerance (degrees) for shapes drawn at ``zoom``: half a pixel, never below ``floor``."""
    return max(floor, degrees_per_pixel(zoom) / 2)


def parse_view(bbox: str | None, zoom: str | None) -> tuple[tuple[float, float, float, float], float] | None:
    """``bbox`` "west,south,east,north" (degrees) and ``zoom`` from a request; None when either is missing or not a
    sane view (four finite numbers, west < east, south < north, inside lon/lat; zoom between 0 and 22)."""
    if not bbox or zoom is None:
        return None
    try:
        west, south, east, north = (float(x) for x in bbox.split(","))
        level = float(zoom)
    except ValueError:
        return None
    numbers = (west, south, east, north, level)
    if not all(math.isfinite(x) for x in numbers):
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90 and MIN_ZOOM <= level <= MAX_ZOOM):
        return None
    return (west, south, east, north), level


def in_view(bounds: np.ndarray, view: tuple[float, float, float, float]) -> np.ndarray:
    """Which rows of ``bounds`` (n × 4: minx, miny, maxx, maxy) touch the view box."""
    if not len(bounds):
        return np.zeros(0, dtype=bool)
    west, south, east, north = view
    return (bounds[:, 0] <= east) & (bounds[:, 2] >= west) & (bounds[:, 1] <= north) & (bounds[:, 3] >= south)
