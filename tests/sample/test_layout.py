"""Issue 18: the parcels' shapes and measured areas computed for a whole park at once (``layout.polygons_geojson``,
``layout.round7``) are exactly those of the one-parcel functions (``polygon_geojson``, ``measured_area_m2``): the
generated sample does not change."""

from __future__ import annotations

import random

import numpy as np

from landcycle.sample import layout


def test_round7_is_round_to_seven_places_even_next_to_a_half():
    rng = random.Random(18)
    values = [121.25 + rng.uniform(-2, 2) for _ in range(20_000)] + [30.2 + rng.uniform(-2, 2) for _ in range(20_000)]
    # decimals that end in a 5 at the eighth place: their doubles lie a hair off the half, either side
    halves = [(k + 0.5) / 1e7 for k in range(1_212_500_000, 1_212_500_000 + 2_000)]
    halves += [v + d for v in halves[:200] for d in (-1e-15, 1e-15)]
    for sample in (values, halves, [-v for v in halves[:500]], []):
        assert layout.round7(np.array(sample, dtype=float)) == [round(v, 7) for v in sample]


def test_shapes_of_a_park_at_once_are_those_of_one_parcel_at_a_time():
    rng = random.Random(7)
    shapes = []
    for _ in range(300):
        x, y = rng.uniform(-5e4, 5e4), rng.uniform(-5e4, 5e4)
        box = layout.Box(x, y, x + rng.uniform(10, 400), y + rng.uniform(10, 400))
        shapes.append(layout.corners(box, rng, irregular=rng.random() < 0.5))
    dx, dy = rng.uniform(-1e5, 1e5), rng.uniform(-1e5, 1e5)
    geometries, areas = layout.polygons_geojson(shapes, dx, dy)
    one_by_one = [layout.polygon_geojson(points, dx, dy) for points in shapes]
    assert geometries == one_by_one
    assert areas == [layout.measured_area_m2(g) for g in one_by_one]
    assert layout.polygons_geojson([], dx, dy) == ([], [])
