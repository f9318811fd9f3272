"""Every page of the web shell renders, and each user sees only their scope (tests/conftest.py fixtures:
慈溪市 with 新浦镇 and 桥头镇, one park, two parcels and two enterprises in each)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from conftest import QIAOTOU, XINPU
from landcycle.web.context import PENDING_AREAS

pytestmark = pytest.mark.django_db


def _urls(data, code):
    d = data[code]
    return {
        "park_detail": reverse("park_detail", args=[d["park"].pk]),
        "parcel_detail": reverse("parcel_detail", args=[d["parcels"][0].pk]),
        "enterprise_detail": reverse("enterprise_detail", args=[d["owner"].pk]),
        "park_edit": reverse("park_edit", args=[d["park"].pk]),
        "parcel_edit": reverse("parcel_edit", args=[d["parcels"][0].pk]),
        "enterprise_edit": reverse("enterprise_edit", args=[d["owner"].pk]),
        "occupancy_create": reverse("occupancy_create", args=[d["parcels"][0].pk]),
        "occupancy_end": reverse("occupancy_end", args=[d["occupancies"][1].pk]),
    }


LIST_PAGES = [
    "overview",
    "park_list",
    "parcel_list",
    "enterprise_list",
    "parcel_map",
    "audit_list",
    "park_create",
    "parcel_create",
    "enterprise_create",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_county_admin_sees_every_page(client, personas, registry_data, name):
    client.force_login(personas["admin"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "待建设" not in html and "腾退案件" in html and "赛马" in html  # every stage of the navigation is built
    assert "县级管理员" in html  # the top bar names the role


@pytest.mark.parametrize(
    "page",
    [
        "park_detail",
        "parcel_detail",
        "enterprise_detail",
        "park_edit",
        "parcel_edit",
        "enterprise_edit",
        "occupancy_create",
        "occupancy_end",
    ],
)
def test_county_admin_opens_details_and_forms(client, personas, registry_data, page):
    client.force_login(personas["admin"])
    for code in (XINPU, QIAOTOU):
        assert client.get(_urls(registry_data, code)[page]).status_code == 200


def test_detail_pages_show_what_matters(client, personas, registry_data):
    client.force_login(personas["admin"])
    d = registry_data[XINPU]
    parcel = d["parcels"][0]
    html = client.get(reverse("parcel_detail", args=[parcel.pk])).content.decode()
    assert f"{parcel.area_mu:,.2f}" in html and f"{parcel.area_m2:,.2f}" in html  # m² and mu
    assert d["owner"].name in html and d["tenant"].name in html  # occupants, the lessor too
    assert 'id="parcel-map"' in html and "leaflet/leaflet.js" in html
    html = client.get(reverse("enterprise_detail", args=[d["owner"].pk])).content.decode()
    assert "3851" in html and "制造业" in html  # GB/T 4754 lineage: section C down to the class
    assert "2025" in html  # yearly figures
    assert "出租给其他企业的土地" in html and d["tenant"].name in html
    html = client.get(reverse("park_detail", args=[d["park"].pk])).content.decode()
    assert parcel.number in html and d["owner"].name in html and 'id="park-map"' in html


def test_overview_counts_towns_in_scope(client, personas, registry_data):
    client.force_login(personas["admin"])
    html = client.get(reverse("overview")).content.decode()
    assert "新浦镇" in html and "桥头镇" in html
    assert f"{reverse('parcel_list')}?town={XINPU}" in html
    client.force_login(personas["xinpu"])
    html = client.get(reverse("overview")).content.decode()
    assert "新浦镇" in html and "桥头镇" not in html


@pytest.mark.parametrize("name", ["park_list", "parcel_list", "enterprise_list"])
def test_town_officer_lists_show_only_their_town(client, personas, registry_data, name):
    client.force_login(personas["xinpu"])
    html = client.get(reverse(name)).content.decode()
    own, other = registry_data[XINPU], registry_data[QIAOTOU]
    assert own["park"].name in html or own["parcels"][0].number in html or own["owner"].name in html
    for text in (other["park"].name, other["parcels"][0].number, other["owner"].name, other["tenant"].name):
        assert text not in html
    # asking for the other town by URL does not widen the list
    html = client.get(reverse(name), {"town": QIAOTOU}).content.decode()
    assert other["park"].name not in html and other["owner"].name not in html


def test_town_officer_geojson_is_scoped(client, personas, registry_data):
    client.force_login(personas["xinpu"])
    data = json.loads(client.get(reverse("parcel_geojson")).content)
    numbers = {f["properties"]["number"] for f in data["features"]}
    assert numbers == {p.number for p in registry_data[XINPU]["parcels"]}
    data = json.loads(client.get(reverse("parcel_geojson"), {"town": QIAOTOU}).content)
    assert {f["properties"]["number"] for f in data["features"]} == numbers


def test_geojson_filters_and_shape(client, personas, registry_data):
    client.force_login(personas["admin"])
    response = client.get(reverse("parcel_geojson"))
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 4
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert set(feature["properties"]) >= {"number", "status", "park", "area_m2", "area_mu"}
    lon0, lat0, lon1, lat1 = data["bbox"]
    assert 121 < lon0 < lon1 < 122 and 30 < lat0 < lat1 < 31
    park = registry_data[QIAOTOU]["park"]
    data = json.loads(client.get(reverse("parcel_geojson"), {"park": park.pk}).content)
    assert {f["properties"]["park"] for f in data["features"]} == {park.pk}
    data = json.loads(client.get(reverse("parcel_geojson"), {"town": XINPU}).content)
    assert len(data["features"]) == 2


@pytest.mark.parametrize(
    "page",
    [
        "park_detail",
        "parcel_detail",
        "enterprise_detail",
        "park_edit",
        "parcel_edit",
        "enterprise_edit",
        "occupancy_create",
        "occupancy_end",
    ],
)
def test_town_officer_gets_404_for_another_town(client, personas, registry_data, page):
    client.force_login(personas["xinpu"])
    assert client.get(_urls(registry_data, XINPU)[page]).status_code == 200
    assert client.get(_urls(registry_data, QIAOTOU)[page]).status_code == 404
    if page.endswith(("_edit", "_create", "_end")):
        assert client.post(_urls(registry_data, QIAOTOU)[page], {"name": "x"}).status_code == 404


@pytest.mark.parametrize("role", ["leader", "analyst", "supervisor"])
def test_read_only_roles_cannot_open_or_post_forms(client, personas, registry_data, role):
    from landcycle.audit.models import AuditEntry
    from landcycle.registry.models import Park

    client.force_login(personas[role])
    urls = _urls(registry_data, XINPU)
    for name in ("park_edit", "parcel_edit", "enterprise_edit", "occupancy_create", "occupancy_end"):
        assert client.get(urls[name]).status_code == 404
    for name in ("park_create", "parcel_create", "enterprise_create"):
        assert client.get(reverse(name)).status_code == 404
    parks, audits = Park.objects.count(), AuditEntry.objects.count()
    response = client.post(
        reverse("park_create"), {"code": "X1", "name": "偷建园区", "kind": "industrial", "town": XINPU}
    )
    assert response.status_code == 404
    assert (Park.objects.count(), AuditEntry.objects.count()) == (parks, audits)
    html = client.get(reverse("park_list")).content.decode()
    assert reverse("park_create") not in html  # no button either
    assert client.get(urls["park_detail"]).status_code == 200  # reading is fine


def test_audit_page_by_role(client, personas, registry_data, regions):
    from landcycle.accounts.models import Role, User

    client.force_login(personas["leader"])
    assert client.get(reverse("audit_list")).status_code == 404
    assert reverse("audit_list") not in client.get(reverse("overview")).content.decode()
    client.force_login(personas["supervisor"])
    html = client.get(reverse("audit_list")).content.decode()
    assert registry_data[QIAOTOU]["park"].name in html and registry_data[XINPU]["park"].name in html
    town_reader = User.objects.create_user(
        username="town_sup", password="x", role=Role.SUPERVISOR, region=regions[XINPU]
    )
    client.force_login(town_reader)
    response = client.get(reverse("audit_list"), {"type": "registry.park"})
    html = response.content.decode()
    assert registry_data[XINPU]["park"].name in html and registry_data[QIAOTOU]["park"].name not in html
    assert all(e.region_code.startswith(XINPU) for e in response.context["page_obj"].object_list)


def test_audit_filters_and_diff(client, personas, registry_data):
    from landcycle.registry import services

    admin = personas["admin"]
    park = registry_data[XINPU]["park"]
    services.park_update(actor=admin, park=park, name="新浦镇智能家电产业园")
    client.force_login(admin)
    response = client.get(reverse("audit_list"), {"action": "park.update"})
    entries = list(response.context["page_obj"].object_list)
    assert [e.action for e in entries] == ["park.update"]
    diff = entries[0].diff
    assert diff == [{"field": "园区名称", "before": "新浦镇工业园区", "after": "新浦镇智能家电产业园", "changed": True}]
    assert (
        client.get(reverse("audit_list"), {"from": "2000-01-01", "to": "2000-01-02"})
        .context["page_obj"]
        .paginator.count
        == 0
    )
    assert client.get(reverse("audit_list"), {"from": "not a date"}).status_code == 200


def test_every_area_of_the_navigation_is_built(client, personas):
    """Exit, renewal and the ranking were the last areas the navigation called not built yet."""
    assert PENDING_AREAS == {}
    client.force_login(personas["leader"])
    assert client.get(reverse("area_pending", args=["exits"])).status_code == 404
    assert client.get(reverse("area_pending", args=["nonsense"])).status_code == 404


def test_login_logout_and_language(client, personas):
    assert client.get(reverse("overview")).status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert "用户名" in html and 'lang="zh-Hans"' in html
    response = client.post(reverse("login"), {"username": "p_admin", "password": "p_admin-pw"})
    assert response.status_code == 302 and response["Location"] == reverse("home")  # sign-in lands on the to-do list
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("parcel_list")).content.decode()
    assert "Parcels" in html and "Vacating cases" in html  # the navigation in English too
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "地块" in client.get(reverse("parcel_list")).content.decode()
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("overview")).status_code == 302


def test_list_search_filter_sort(client, personas, registry_data):
    client.force_login(personas["admin"])
    owner = registry_data[XINPU]["owner"]
    page = client.get(reverse("enterprise_list"), {"q": owner.uscc.lower()}).context["page_obj"]
    assert [e.pk for e in page.object_list] == [owner.pk]
    page = client.get(reverse("enterprise_list"), {"scale": "below"}).context["page_obj"]
    assert {e.scale for e in page.object_list} == {"below"}
    page = client.get(reverse("enterprise_list"), {"division": "38"}).context["page_obj"]
    assert {e.industry_code for e in page.object_list} == {"3851"}
    page = client.get(reverse("parcel_list"), {"sort": "-area"}).context["page_obj"]
    areas = [p.area_m2 for p in page.object_list]
    assert areas == sorted(areas, reverse=True)
    page = client.get(reverse("parcel_list"), {"sort": "password", "status": "bogus"}).context["page_obj"]
    assert page.paginator.count == 4  # unknown sort keys and values are ignored
    park = registry_data[QIAOTOU]["park"]
    page = client.get(reverse("enterprise_list"), {"park": park.pk}).context["page_obj"]
    assert {e.town.code for e in page.object_list} == {QIAOTOU}


@pytest.mark.parametrize("name", ["park_list", "parcel_list", "enterprise_list"])
def test_csv_export_is_scoped_and_filtered(client, personas, registry_data, name):
    client.force_login(personas["xinpu"])
    response = client.get(reverse(name), {"export": "csv", "town": QIAOTOU})
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 with a BOM
    lines = body.strip().splitlines()
    own, other = registry_data[XINPU], registry_data[QIAOTOU]
    expected = {"park_list": 1, "parcel_list": 2, "enterprise_list": 2}[name]
    assert len(lines) == 1 + expected
    for text in (other["park"].name, other["parcels"][0].number, other["owner"].name):
        assert text not in body
    if name == "enterprise_list":
        assert f"\t{own['owner'].uscc}" in body or own["owner"].uscc in body
