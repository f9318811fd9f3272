from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from conftest import rectangle
from landcycle.rules.geometry import area_mismatch, area_problems, geodesic_area_m2, parse_polygon
from landcycle.rules.units import hectare_to_mu, m2_to_mu, mu_to_m2


def test_mu_is_exactly_two_thousand_thirds_of_a_square_metre():
    assert m2_to_mu(Decimal("666.67")) == Decimal("1.000005")
    assert m2_to_mu(2000) == 3
    assert mu_to_m2(1) == Fraction(2000, 3)
    assert hectare_to_mu(Decimal("1")) == 15
    assert m2_to_mu(Decimal("780666.67")) == Decimal("1171.000005")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000000"), places=2))
def test_m2_to_mu_round_trips_exactly(m2):
    assert Fraction(m2_to_mu(m2)) * Fraction(2000, 3) == Fraction(m2)


def test_float_input_goes_through_its_shortest_repr():
    assert m2_to_mu(0.1) == Decimal("0.00015")


def test_geodesic_area_of_a_rectangle():
    shape, problems = parse_polygon(rectangle(121.3, 30.2, 20000))
    assert problems == []
    assert abs(geodesic_area_m2(shape) - 20000) / 20000 < 0.005


def test_self_intersecting_polygon_is_refused():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[121.3, 30.2], [121.31, 30.21], [121.31, 30.2], [121.3, 30.21], [121.3, 30.2]]],
    }
    shape, problems = parse_polygon(bowtie)
    assert shape is None and problems[0].rule == "geometry.self_intersection"
    assert "自相交" in problems[0].zh and "intersects itself" in problems[0].en


def test_mis_sized_polygon_is_refused_and_a_close_one_passes():
    shape, _ = parse_polygon(rectangle(121.3, 30.2, 20000))
    (p,) = area_mismatch(30000, shape, 5)
    assert p.rule == "geometry.area_mismatch" and "30,000" in p.zh
    assert area_mismatch(20500, shape, 5) == []


def test_projected_coordinates_and_bad_json_are_refused():
    _, problems = parse_polygon(
        {
            "type": "Polygon",
            "coordinates": [[[500000, 3340000], [500100, 3340000], [500100, 3340100], [500000, 3340000]]],
        }
    )
    assert problems[0].rule == "geometry.crs"
    _, problems = parse_polygon("{not json")
    assert problems[0].rule == "geometry.json"
    _, problems = parse_polygon({"type": "Point", "coordinates": [121.3, 30.2]})
    assert problems[0].rule == "geometry.type"


def test_zero_negative_and_non_numeric_areas_are_refused():
    assert area_problems(0)[0].rule == "area.positive"
    assert area_problems(-5)[0].rule == "area.positive"
    assert area_problems("abc")[0].rule == "area.number"
    assert area_problems(10)[0:] == []
    assert area_problems(10**9, policy={"min_area_m2": 1, "max_area_m2": 1000})[0].rule == "area.range"
