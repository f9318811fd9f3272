"""Issue 13, the map: park and town outlines derived from parcels (rules/outlines.py, pure), and the arithmetic of a
map view (bbox, zoom, tolerance)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely
from shapely.geometry import box, shape

from conftest import rectangle
from landcycle.rules.outlines import (
    degrees_per_pixel,
    derive_outlines,
    in_view,
    parse_view,
    zoom_tolerance,
)

M_LAT = 110_574.0
M_LON = 111_320.0 * math.cos(math.radians(30.2))


def parcel(lon: float, lat: float, area: float = 10_000):
    return shape(rectangle(lon, lat, area))


def park_of(lon: float, lat: float, rows: int = 2, cols: int = 3):
    """A grid of parcels of ~100 m × 70 m, 150 m apart, from (lon, lat)."""
    return [parcel(lon + c * 150 / M_LON, lat + r * 120 / M_LAT) for r in range(rows) for c in range(cols)]


def _shape(outline):
    return shapely.from_geojson(outline.geojson)


def test_a_park_without_a_boundary_is_drawn_round_its_parcels_a_little_wider():
    parcels = park_of(121.30, 30.20)
    parks, towns = derive_outlines({"p": ("t", None, parcels)})
    outline = _shape(parks["p"])
    together = shapely.union_all(parcels)
    assert outline.contains(together)
    # about PARK_MARGIN_M (20 m) wider, not a whole town wider: the hull of the parcels grown by 10-40 m
    hull = shapely.convex_hull(together)
    assert outline.contains(hull.buffer(10 / M_LAT))
    assert not outline.contains(hull.buffer(40 / M_LAT))
    # its name is written inside it, and its box is its extent
    assert outline.contains(shapely.Point(parks["p"].label))
    assert parks["p"].bbox == pytest.approx(outline.bounds)
    # coordinates are rounded to 6 decimals
    assert all(round(x, 6) == x for x in shapely.get_coordinates(outline).ravel())
    # the town of a single park covers it with room to spare
    assert _shape(towns["t"]).contains(outline)


def test_an_l_shaped_park_is_not_filled_to_its_convex_hull():
    # an L of parcels: a row along the bottom, a column up the left side
    cells = [parcel(121.30 + c * 150 / M_LON, 30.20) for c in range(8)]
    cells += [parcel(121.30, 30.20 + r * 120 / M_LAT) for r in range(1, 8)]
    parks, _towns = derive_outlines({"L": ("t", None, cells)})
    outline = _shape(parks["L"])
    hull = shapely.convex_hull(shapely.union_all(cells))
    assert outline.contains(shapely.union_all(cells))
    assert outline.area < 0.8 * hull.area  # the empty corner of the L stays out


def test_a_stored_boundary_is_drawn_as_stored():
    stored = box(121.30, 30.20, 121.31, 30.21)
    parks, _towns = derive_outlines({"p": ("t", stored, [parcel(121.301, 30.201)])})
    assert _shape(parks["p"]).equals_exact(stored, tolerance=1e-6)


def test_a_park_with_no_shape_at_all_and_its_town_are_left_out():
    parks, towns = derive_outlines({"empty": ("t1", None, []), "p": ("t2", None, park_of(121.3, 30.2))})
    assert set(parks) == {"p"} and set(towns) == {"t2"}
    assert derive_outlines({}) == ({}, {})
    assert derive_outlines({"empty": ("t", None, [])}) == ({}, {})


def test_towns_cover_their_own_parks_and_never_overlap_or_cover_another_towns_park():
    # two towns whose parks interleave: A, B, A, B along a line 600 m apart, and a third town further off
    step = 600 / M_LON
    layout = {
        "a1": ("A", 121.30),
        "b1": ("B", 121.30 + step),
        "a2": ("A", 121.30 + 2 * step),
        "b2": ("B", 121.30 + 3 * step),
        "c1": ("C", 121.30 + 10 * step),
    }
    parks_in = {key: (town, None, park_of(lon, 30.20)) for key, (town, lon) in layout.items()}
    parks, towns = derive_outlines(parks_in)
    assert set(towns) == {"A", "B", "C"}
    shapes = {key: _shape(o) for key, o in towns.items()}
    for key, (town, _lon) in layout.items():
        park = _shape(parks[key])
        assert shapes[town].buffer(1e-6).contains(park), key
        for other in set(towns) - {town}:
            assert shapes[other].intersection(park).area < 1e-9, (key, other)
    m2 = M_LON * M_LAT
    for a, b in itertools.combinations(shapes, 2):
        assert shapes[a].intersection(shapes[b]).area * m2 < 50, (a, b)  # at most slivers of rounding
    # a town's name is written inside it, between its parks (not over one, where a park's name goes)
    for key, outline in towns.items():
        assert shapes[key].contains(shapely.Point(outline.label)), key
        assert not any(_shape(parks[p]).contains(shapely.Point(outline.label)) for p in parks), key


def test_a_lone_town_reaches_a_few_hundred_metres_past_its_parks():
    parks, towns = derive_outlines({"p": ("t", None, park_of(121.3, 30.2))})
    town, park = _shape(towns["t"]), _shape(parks["p"])
    minx, miny, maxx, maxy = town.bounds
    pminx, pminy, pmaxx, pmaxy = park.bounds
    assert (pminx - minx) * M_LON == pytest.approx(300, abs=15)
    assert (maxy - pmaxy) * M_LAT == pytest.approx(300, abs=15)


# ------------------------------------------------------------------ the view
def test_parse_view_reads_a_bbox_and_a_zoom_and_refuses_anything_else():
    assert parse_view("121.1,30.1,121.5,30.3", "14") == ((121.1, 30.1, 121.5, 30.3), 14.0)
    assert parse_view("121.1,30.1,121.5,30.3", "13.5")[1] == 13.5
    for bbox, zoom in [
        (None, "14"),
        ("121.1,30.1,121.5,30.3", None),
        ("121.1,30.1,121.5", "14"),
        ("121.5,30.1,121.1,30.3", "14"),  # west east of east
        ("121.1,30.3,121.5,30.1", "14"),
        ("121.1,30.1,121.5,nan", "14"),
        ("121.1,30.1,inf,30.3", "14"),
        ("-200,30.1,121.5,30.3", "14"),
        ("121.1,30.1,121.5,30.3", "23"),
        ("121.1,30.1,121.5,30.3", "-1"),
        ("a,b,c,d", "14"),
        ("121.1,30.1,121.5,30.3", "x"),
    ]:
        assert parse_view(bbox, zoom) is None, (bbox, zoom)


def test_the_tolerance_is_half_a_pixel_and_never_below_the_floor():
    assert degrees_per_pixel(0) == pytest.approx(360 / 256)
    assert zoom_tolerance(14, 1e-6) == pytest.approx(degrees_per_pixel(14) / 2)
    assert zoom_tolerance(13, 1e-6) == pytest.approx(2 * zoom_tolerance(14, 1e-6))
    assert zoom_tolerance(22, 1e-5) == 1e-5


def test_in_view_keeps_boxes_that_touch_the_view():
    bounds = np.array(
        [
            [0.0, 0.0, 1.0, 1.0],  # inside
            [2.0, 2.0, 3.0, 3.0],  # outside
            [0.9, -1.0, 5.0, 0.1],  # crosses the edge
            [-5.0, -5.0, 5.0, 5.0],  # larger than the view
        ]
    )
    assert in_view(bounds, (0.5, 0.5, 1.5, 1.5)).tolist() == [True, False, False, True]
    assert in_view(bounds, (0.0, 0.0, 1.0, 1.0)).tolist() == [True, False, True, True]
    assert in_view(np.zeros((0, 4)), (0, 0, 1, 1)).tolist() == []


def test_a_park_of_a_100000_point_parcel_is_outlined_with_few_points():
    """Each parcel enters the outline by its convex hull thinned to a few metres, so a shape stored before the
    limits does not make the derivation (union, hull, buffer) take seconds."""
    k = 1 / M_LON
    ring = [
        [
            121.3 + (60 + (1 if i % 2 else -1)) * math.cos(2 * math.pi * i / 100_000) * k,
            30.2 + (60 + (1 if i % 2 else -1)) * math.sin(2 * math.pi * i / 100_000) / M_LAT,
        ]
        for i in range(100_000)
    ]
    jagged = shapely.Polygon(ring)
    parks, towns = derive_outlines({"p": ("t", None, [jagged, parcel(121.302, 30.2)])})
    outline = _shape(parks["p"])
    xy = np.asarray(ring[::997])
    assert shapely.contains_xy(outline, xy[:, 0], xy[:, 1]).all()
    assert shapely.get_num_coordinates(outline) < 500
    assert shapely.get_num_coordinates(_shape(towns["t"])) < 500


def test_a_degenerate_voronoi_split_leaves_the_towns_drawn_unclipped(monkeypatch):
    from landcycle.rules import outlines

    def broken(parts, extent):
        raise shapely.errors.GEOSException("TopologyException: side location conflict")

    monkeypatch.setattr(outlines, "town_territories", broken)
    parks, towns = derive_outlines({"a": ("A", None, park_of(121.30, 30.2)), "b": ("B", None, park_of(121.32, 30.2))})
    assert set(towns) == {"A", "B"}
    assert _shape(towns["A"]).contains(_shape(parks["a"]))
