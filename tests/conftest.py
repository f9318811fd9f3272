"""Shared fixtures: the county of 慈溪市 (330282) with two towns' worth of registry data, and one
persona per role (two town officers of different towns)."""

from __future__ import annotations

import datetime as dt
import math
import os

import pytest

os.environ.setdefault("LANDCYCLE_HOME", os.path.join(os.path.dirname(__file__), "..", "var", "test-home"))

XINPU, QIAOTOU, HENGHE, COUNTY = "330282112", "330282109", "330282114", "330282"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests sign users in all the time; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rectangle(lon: float, lat: float, area_m2: float, ratio: float = 1.5) -> dict:
    """A GeoJSON rectangle of about ``area_m2`` (local flat approximation, <0.5 % off the geodesic area)."""
    height = math.sqrt(area_m2 / ratio)
    width = area_m2 / height
    dlat = height / 111_132.0
    dlon = width / (111_320.0 * math.cos(math.radians(lat)))
    ring = [[lon, lat], [lon + dlon, lat], [lon + dlon, lat + dlat], [lon, lat + dlat], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def regions(db):
    from landcycle.accounts.services import system_user
    from landcycle.registry.models import Region
    from landcycle.registry.regions import regions_load

    regions_load(actor=system_user(), county=COUNTY)
    return {r.code: r for r in Region.objects.all()}


def _make_user(username, role, region):
    from landcycle.accounts.models import User

    user = User.objects.create_user(username=username, password=f"{username}-pw", role=role, region=region,
                                    display_name=username)
    return user


@pytest.fixture
def personas(regions):
    """One user per role: admin, analyst, supervisor, leader at county level; officers of 新浦镇 and 桥头镇."""
    from landcycle.accounts.models import Role

    county = regions[COUNTY]
    return {
        "admin": _make_user("p_admin", Role.COUNTY_ADMIN, county),
        "analyst": _make_user("p_analyst", Role.CITY_ANALYST, county),
        "supervisor": _make_user("p_supervisor", Role.SUPERVISOR, county),
        "leader": _make_user("p_leader", Role.LEADER, county),
        "xinpu": _make_user("p_xinpu", Role.TOWN_OFFICER, regions[XINPU]),
        "qiaotou": _make_user("p_qiaotou", Role.TOWN_OFFICER, regions[QIAOTOU]),
    }


@pytest.fixture
def registry_data(personas, regions):
    """In each of 新浦镇 and 桥头镇: one park, two parcels, two enterprises (an owner letting part of its
    parcel to a tenant), one year of figures."""
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.registry import services

    admin = personas["admin"]
    out = {}
    for i, (code, lon, lat, prefix) in enumerate([(XINPU, 121.38, 30.25, "XP"), (QIAOTOU, 121.20, 30.16, "QT")]):
        town = regions[code]
        park = services.park_create(actor=admin, code=f"P{code}-01", name=f"{town.name}工业园区",
                                    kind="industrial", town=town)
        parcels = []
        for j in range(2):
            area = 20000 + 5000 * j
            geom = rectangle(lon + 0.01 * j, lat, area)
            from landcycle.rules.geometry import geodesic_area_m2, parse_polygon

            shape, _ = parse_polygon(geom)
            parcels.append(services.parcel_create(
                actor=admin, number=f"{code}-{j + 1:04d}", park=park, area_m2=round(geodesic_area_m2(shape), 2),
                geometry=geom, tenure="granted"))
        from landcycle.rules.codes import make_uscc

        owner = services.enterprise_create(
            actor=admin, uscc=make_uscc("91", "330282", f"{prefix}00000{i}"), name=f"慈溪市{town.name}电器有限公司",
            industry_code="3851", scale="above", registered_on=dt.date(2005, 3, 1), town=town)
        tenant = services.enterprise_create(
            actor=admin, uscc=make_uscc("92", "330282", f"{prefix}00001{i}"), name=f"慈溪市{town.name}塑料制品厂",
            industry_code="2929", scale="below", registered_on=dt.date(2015, 6, 1), town=town)
        own = services.occupancy_create(actor=admin, enterprise=owner, parcel=parcels[0], kind="owned",
                                        area_m2=parcels[0].area_m2, start=dt.date(2005, 3, 1))
        lease = services.occupancy_create(actor=admin, enterprise=tenant, parcel=parcels[0], kind="leased",
                                          area_m2=2000, start=dt.date(2020, 1, 1), lessor=owner)
        YearlyFigure.objects.create(enterprise=owner, year=2025, revenue=12000, tax=600, value_added=3000)
        out[code] = {"town": town, "park": park, "parcels": parcels, "owner": owner, "tenant": tenant,
                     "occupancies": [own, lease]}
    return out
