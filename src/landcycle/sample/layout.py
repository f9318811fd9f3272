"""Where the sample's land lies (空间布局): parks around their town, parcels inside their park.

Everything is laid out in metres on a local plane (x east, y north) around a point in the middle of
慈溪市 and turned into WGS 84 longitude/latitude by an affine map, so boxes that do not overlap on the
plane do not overlap on the map. Parcels are packed in rows (shelves) separated by roads, with gaps
between neighbours; an "irregular" parcel only pulls its corners inward, so it stays inside its box.
Areas are then measured geodesically, as the registry measures them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from shapely.geometry import Polygon

from landcycle.rules.geometry import geodesic_area_m2, ring_area_m2

ORIGIN_LON, ORIGIN_LAT = 121.25, 30.20
_A, _F = 6378137.0, 1 / 298.257223563  # WGS 84
_E2 = _F * (2 - _F)

PARK_MARGIN_M = 15.0  # from the outermost parcels to the park boundary
ROAD_M = (16.0, 26.0)  # between rows of parcels
GAP_M = (5.0, 12.0)  # between neighbouring parcels in a row
PARK_BUFFER_M = 80.0  # between parks
SPIRAL_STEP_M = 150.0


def _metres_per_degree(lat: float) -> tuple[float, float]:
    phi = math.radians(lat)
    w = 1 - _E2 * math.sin(phi) ** 2
    n = _A / math.sqrt(w)
    m = _A * (1 - _E2) / w**1.5
    return n * math.cos(phi) * math.pi / 180, m * math.pi / 180


M_PER_DEG_LON, M_PER_DEG_LAT = _metres_per_degree(ORIGIN_LAT)


def to_plane(lon: float, lat: float) -> tuple[float, float]:
    return (lon - ORIGIN_LON) * M_PER_DEG_LON, (lat - ORIGIN_LAT) * M_PER_DEG_LAT


def to_lonlat(x: float, y: float) -> list[float]:
    """Plane metres to [lon, lat], rounded to 1e-7 degree (about 1 cm)."""
    return [round(ORIGIN_LON + x / M_PER_DEG_LON, 7), round(ORIGIN_LAT + y / M_PER_DEG_LAT, 7)]


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def overlaps(self, other: Box, buffer: float = 0.0) -> bool:
        return not (
            self.x1 + buffer <= other.x0
            or other.x1 + buffer <= self.x0
            or self.y1 + buffer <= other.y0
            or other.y1 + buffer <= self.y0
        )


# ------------------------------------------------------------------ parcels inside a park
def parcel_size(area_m2: float, rng: random.Random) -> tuple[float, float]:
    """(width, depth) in metres of a rectangle of that area, with a plausible aspect ratio."""
    aspect = rng.uniform(0.55, 1.8)
    width = math.sqrt(area_m2 * aspect)
    return width, area_m2 / width


def pack_parcels(sizes: list[tuple[float, float]], rng: random.Random) -> tuple[list[int], list[Box], Box]:
    """Shelf packing: (indices in layout order, their boxes in that order, the park's box).

    Rows hold parcels of similar depth; rows are then shuffled so big lots are not all at one end.
    Boxes are relative to the park's lower-left corner.
    """
    order = sorted(range(len(sizes)), key=lambda i: (-sizes[i][1], i))
    footprint = sum((w + GAP_M[1]) * (d + ROAD_M[1]) for w, d in sizes)
    widest = max(w for w, _d in sizes)
    row_width = max(math.sqrt(footprint * rng.uniform(0.8, 1.5)), widest)
    rows: list[list[int]] = [[]]
    x = 0.0
    for i in order:
        w = sizes[i][0]
        if rows[-1] and x + w > row_width:
            rows.append([])
            x = 0.0
        rows[-1].append(i)
        x += w + GAP_M[1]
    rng.shuffle(rows)
    laid, boxes = [], []
    y, right = PARK_MARGIN_M, 0.0
    for row in rows:
        x = PARK_MARGIN_M
        for i in row:
            w, d = sizes[i]
            boxes.append(Box(x, y, x + w, y + d))
            laid.append(i)
            x += w + rng.uniform(*GAP_M)
        right = max(right, boxes[-1].x1)
        y += max(sizes[i][1] for i in row) + rng.uniform(*ROAD_M)
    top = max(b.y1 for b in boxes)
    return laid, boxes, Box(0.0, 0.0, right + PARK_MARGIN_M, top + PARK_MARGIN_M)


def corners(box: Box, rng: random.Random, irregular: bool) -> list[tuple[float, float]]:
    """The box's corners counter-clockwise from the lower left; an irregular parcel pulls each corner
    inward by up to 6 % of the side, which keeps it convex and inside the box."""
    if not irregular:
        return [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]

    def pull(span: float) -> float:
        return rng.uniform(0.0, 0.06) * span

    w, h = box.width, box.height
    return [
        (box.x0 + pull(w), box.y0 + pull(h)),
        (box.x1 - pull(w), box.y0 + pull(h)),
        (box.x1 - pull(w), box.y1 - pull(h)),
        (box.x0 + pull(w), box.y1 - pull(h)),
    ]


def polygon_geojson(points: list[tuple[float, float]], dx: float, dy: float) -> dict:
    """A closed, counter-clockwise GeoJSON Polygon (RFC 7946) from plane points shifted by (dx, dy)."""
    ring = [to_lonlat(x + dx, y + dy) for x, y in points]
    ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}


def measured_area_m2(geojson: dict) -> float:
    """Geodesic area on the WGS 84 ellipsoid, exactly as the registry's area check measures it."""
    return geodesic_area_m2(Polygon(geojson["coordinates"][0]))


def round7(values: np.ndarray) -> list[float]:
    """``[round(v, 7) for v in values]``, vectorised: ``rint(v * 1e7) / 1e7`` is Python's correctly rounded result
    (the division of two exact integers is correctly rounded, as ``round``'s decimal-to-double step is) unless the
    product's own rounding error could have moved it across a half; those few values go through ``round``. For
    degrees (|v| ≤ 360) that error is below 1e-6, far inside the 1e-4 taken as "near a half"."""
    scaled = values * 1e7
    out = (np.rint(scaled) / 1e7).tolist()
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-4
    for i in np.flatnonzero(near_half).tolist():
        out[i] = round(float(values[i]), 7)
    return out


def polygons_geojson(shapes: list[list[tuple[float, float]]], dx: float, dy: float) -> tuple[list[dict], list[float]]:
    """``polygon_geojson(points, dx, dy)`` and its ``measured_area_m2`` for every shape at once (the same values:
    the plane-to-degrees arithmetic is done on arrays in the same order, the rounding by :func:`round7`, the area
    measured from the same closed ring)."""
    if not shapes:
        return [], []
    points = np.array([p for s in shapes for p in s], dtype=float)
    lons = round7(ORIGIN_LON + (points[:, 0] + dx) / M_PER_DEG_LON)
    lats = round7(ORIGIN_LAT + (points[:, 1] + dy) / M_PER_DEG_LAT)
    geometries, areas, at = [], [], 0
    for s in shapes:
        end = at + len(s)
        ring_lons, ring_lats = lons[at:end], lats[at:end]
        ring_lons.append(ring_lons[0])
        ring_lats.append(ring_lats[0])
        ring = [[x, y] for x, y in zip(ring_lons, ring_lats, strict=True)]
        geometries.append({"type": "Polygon", "coordinates": [ring]})
        areas.append(ring_area_m2(ring_lons, ring_lats))
        at = end
    return geometries, areas


# ------------------------------------------------------------------ parks around their town
class ParkPlacer:
    """Places park boxes without overlap, each as near its town's point as free space allows."""

    CELL_M = 1000.0

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box):
        c = self.CELL_M
        for i in range(math.floor((box.x0 - PARK_BUFFER_M) / c), math.floor((box.x1 + PARK_BUFFER_M) / c) + 1):
            for j in range(math.floor((box.y0 - PARK_BUFFER_M) / c), math.floor((box.y1 + PARK_BUFFER_M) / c) + 1):
                yield i, j

    def _free(self, box: Box) -> bool:
        return not any(
            box.overlaps(other, PARK_BUFFER_M) for key in self._keys(box) for other in self._cells.get(key, ())
        )

    def place(self, size: Box, centre: tuple[float, float], phase: float) -> Box:
        """Put a park of ``size`` (a box at the origin) on the nearest free spot of a spiral around
        ``centre``; returns the placed box."""
        ring = 0
        while True:
            radius = ring * SPIRAL_STEP_M
            steps = 1 if ring == 0 else max(6, int(2 * math.pi * radius / SPIRAL_STEP_M))
            for k in range(steps):
                angle = phase + 2 * math.pi * k / steps
                cx, cy = centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)
                box = size.moved(cx - size.width / 2, cy - size.height / 2)
                if self._free(box):
                    for key in self._keys(box):
                        self._cells.setdefault(key, []).append(box)
                    return box
            ring += 1
