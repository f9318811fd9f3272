"""List pages and the map's GeoJSON run a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import XINPU, rectangle
from landcycle.registry import services
from landcycle.registry.models import Enterprise
from landcycle.registry.selectors import land_used_m2, land_used_many
from landcycle.rules.codes import make_uscc
from landcycle.rules.geometry import geodesic_area_m2, parse_polygon

pytestmark = pytest.mark.django_db


def _grow(admin, town, n: int, start: int) -> None:
    """n more parks, parcels with shapes, enterprises and occupancies (owned and leased) in ``town``."""
    for i in range(start, start + n):
        park = services.park_create(actor=admin, code=f"QP{i:03d}", name=f"测试园区{i}", kind="micro", town=town)
        geom = rectangle(121.30 + 0.002 * i, 30.20, 5000)
        shape, _ = parse_polygon(geom)
        parcel = services.parcel_create(
            actor=admin,
            number=f"Q-{i:04d}",
            park=park,
            area_m2=round(geodesic_area_m2(shape), 2),
            geometry=geom,
            tenure="granted",
        )
        ent = services.enterprise_create(
            actor=admin,
            uscc=make_uscc("91", "330282", f"Q{i:07d}"),
            name=f"测试企业{i}",
            industry_code="3851",
            scale="below",
            registered_on=dt.date(2010, 1, 1),
            town=town,
        )
        services.occupancy_create(
            actor=admin, enterprise=ent, parcel=parcel, kind="owned", area_m2=parcel.area_m2, start=dt.date(2011, 1, 1)
        )
        if i % 2:
            services.occupancy_create(
                actor=admin, enterprise=ent, parcel=parcel, kind="leased", area_m2=100, start=dt.date(2020, 1, 1)
            )


PAGES = [
    ("park_list", {}),
    ("parcel_list", {}),
    ("enterprise_list", {}),
    ("parcel_geojson", {}),
    ("map_outlines", {}),
    ("overview", {}),
    ("audit_list", {}),
    ("parcel_list", {"town": XINPU, "sort": "-area"}),
    ("enterprise_list", {"q": "测试", "scale": "below"}),
]


def _queries(client, name, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(name), params).status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_rows(client, personas, regions, registry_data, django_assert_max_num_queries):
    admin = personas["admin"]
    client.force_login(admin)
    _grow(admin, regions[XINPU], 5, 0)
    small = {f"{n}{p}": _queries(client, n, p) for n, p in PAGES}
    _grow(admin, regions[XINPU], 45, 5)
    for name, params in PAGES:
        with django_assert_max_num_queries(small[f"{name}{params}"]):
            response = client.get(reverse(name), params)
        if name.endswith("_list") and not params:
            assert len(response.context["page_obj"].object_list) >= 49


def test_detail_queries_are_bounded(client, personas, regions, registry_data, django_assert_max_num_queries):
    admin = personas["admin"]
    client.force_login(admin)
    _grow(admin, regions[XINPU], 30, 0)
    park = registry_data[XINPU]["park"]
    # a file (一企一档, 园区档案) reads each app's sections: a fixed number of queries, whatever the rows
    with django_assert_max_num_queries(40):
        client.get(reverse("park_detail", args=[park.pk]))
    with django_assert_max_num_queries(40):
        client.get(reverse("enterprise_detail", args=[registry_data[XINPU]["owner"].pk]))
    with django_assert_max_num_queries(40):
        client.get(reverse("parcel_detail", args=[registry_data[XINPU]["parcels"][0].pk]))


def test_land_used_on_lists_matches_the_selector(personas, regions, registry_data):
    _grow(personas["admin"], regions[XINPU], 6, 0)
    today = timezone.localdate()
    ents = list(Enterprise.objects.all())
    batch = land_used_many([e.pk for e in ents], today)
    assert {e.pk: land_used_m2(e, today)["used"] for e in ents} == batch
    owner = registry_data[XINPU]["owner"]
    assert batch[owner.pk] == owner.occupancies.get(kind="owned").area_m2 - 2000  # let 2,000 m² to its tenant
