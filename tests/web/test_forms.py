"""The registry's forms call the services; a rule broken shows its bilingual message and writes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from conftest import QIAOTOU, XINPU, rectangle
from landcycle.audit.models import AuditEntry
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park
from landcycle.rules.codes import make_uscc

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Park.objects.count(),
        Parcel.objects.count(),
        Enterprise.objects.count(),
        Occupancy.objects.count(),
        AuditEntry.objects.count(),
    )


def _enterprise_post(**overrides):
    data = {
        "uscc": make_uscc("91", "330282", "WEB00001"),
        "name": "慈溪市新浦测试电器有限公司",
        "industry_code": "3851",
        "scale": "below",
        "registered_on": "2012-05-01",
        "status": "operating",
        "town": XINPU,
        "contact": "张三",
    }
    data.update(overrides)
    return data


def _wrong_check(code: str) -> str:
    return code[:17] + ("0" if code[17] != "0" else "1")


def test_bad_credit_code_shows_both_languages_and_writes_nothing(client, personas, registry_data):
    client.force_login(personas["xinpu"])
    before = _counts()
    bad = _wrong_check(make_uscc("91", "330282", "WEB00001"))
    response = client.post(reverse("enterprise_create"), _enterprise_post(uscc=bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert "统一社会信用代码校验位错误" in html and "Credit code check character is wrong" not in html  # one language
    form = response.context["form"]
    assert [p.rule for p in form.problems["uscc"]] == ["uscc.check"]  # shown beside the uscc field
    assert _counts() == before


def test_several_problems_each_beside_its_field(client, personas, registry_data):
    client.force_login(personas["admin"])
    before = _counts()
    response = client.post(
        reverse("enterprise_create"),
        _enterprise_post(
            uscc="91330282ABC", industry_code="9999", registered_on=(dt.date.today() + dt.timedelta(days=3)).isoformat()
        ),
    )
    form = response.context["form"]
    assert set(form.problems) == {"uscc", "industry_code", "registered_on"}
    html = response.content.decode()
    assert "The registration date cannot be in the future" not in html and "成立日期不能晚于今天" in html
    assert _counts() == before


def test_uscc_override_needs_a_reason_then_saves(client, personas, registry_data):
    client.force_login(personas["admin"])
    bad = _wrong_check(make_uscc("91", "330282", "WEB00002"))
    response = client.post(reverse("enterprise_create"), _enterprise_post(uscc=bad, uscc_override="on"))
    assert [p.rule for p in response.context["form"].problems["uscc_override_reason"]] == ["uscc.override_reason"]
    assert not Enterprise.objects.filter(uscc=bad).exists()
    response = client.post(
        reverse("enterprise_create"),
        _enterprise_post(uscc=bad, uscc_override="on", uscc_override_reason="营业执照原件核对无误"),
    )
    ent = Enterprise.objects.get(uscc=bad)
    assert response.status_code == 302 and response["Location"] == reverse("enterprise_detail", args=[ent.pk])
    assert ent.uscc_override and ent.uscc_override_reason == "营业执照原件核对无误"
    assert AuditEntry.objects.filter(action="enterprise.create", object_id=str(ent.pk)).count() == 1


def test_duplicate_code_goes_beside_the_field(client, personas, registry_data):
    client.force_login(personas["admin"])
    existing = registry_data[XINPU]["owner"].uscc
    response = client.post(reverse("enterprise_create"), _enterprise_post(uscc=existing))
    assert "uscc" in response.context["form"].problems
    assert Enterprise.objects.filter(uscc=existing).count() == 1


def test_town_officer_cannot_choose_another_town(client, personas, registry_data):
    client.force_login(personas["xinpu"])
    before = _counts()
    response = client.post(
        reverse("park_create"), {"code": "QT-X", "name": "越界园区", "kind": "micro", "town": QIAOTOU}
    )
    assert response.status_code == 200 and "town" in response.context["form"].errors
    assert _counts() == before
    choices = [str(v) for v, _label in response.context["form"].fields["town"].choices if v]
    assert choices == [XINPU]


def test_park_create_and_edit(client, personas, registry_data):
    client.force_login(personas["xinpu"])
    response = client.post(
        reverse("park_create"), {"code": "XP-02", "name": "新浦小微园", "kind": "micro", "town": XINPU, "note": "二期"}
    )
    park = Park.objects.get(code="XP-02")
    assert response["Location"] == reverse("park_detail", args=[park.pk])
    response = client.post(
        reverse("park_edit", args=[park.pk]),
        {
            "code": "XP-02",
            "name": "新浦小微企业园",
            "kind": "micro",
            "town": XINPU,
            "note": "",
            "version": park.version,
        },
    )
    park.refresh_from_db()
    assert response.status_code == 302 and park.name == "新浦小微企业园"
    assert AuditEntry.objects.filter(action="park.update", object_id=str(park.pk)).exists()


def test_parcel_create_with_geometry_and_a_mismatch(client, personas, registry_data):
    client.force_login(personas["xinpu"])
    park = registry_data[XINPU]["park"]
    shape = json.dumps(rectangle(121.40, 30.26, 10000))
    before = _counts()
    response = client.post(
        reverse("parcel_create"),
        {
            "number": "XP-NEW-1",
            "park": park.pk,
            "area_m2": "30000",
            "land_use": "industrial",
            "tenure": "granted",
            "status": "in_use",
            "geometry": shape,
        },
    )
    assert [p.rule for p in response.context["form"].problems["geometry"]] == ["geometry.area_mismatch"]
    assert _counts() == before
    response = client.post(
        reverse("parcel_create"),
        {
            "number": "XP-NEW-1",
            "park": park.pk,
            "area_m2": "10000",
            "land_use": "industrial",
            "tenure": "granted",
            "status": "in_use",
            "geometry": shape,
        },
    )
    parcel = Parcel.objects.get(number="XP-NEW-1")
    assert response["Location"] == reverse("parcel_detail", args=[parcel.pk])
    assert parcel.geometry["type"] == "Polygon"
    # the park choices of a town officer are their town's parks only
    form = client.get(reverse("parcel_create")).context["form"]
    choices = {v.value for v, _label in form.fields["park"].choices if v}
    assert choices == {park.pk}


def test_parcel_edit_keeps_problems_beside_fields(client, personas, registry_data):
    client.force_login(personas["admin"])
    parcel = registry_data[QIAOTOU]["parcels"][1]
    response = client.get(reverse("parcel_edit", args=[parcel.pk]))
    assert response.context["form"].initial["number"] == parcel.number
    response = client.post(
        reverse("parcel_edit", args=[parcel.pk]),
        {
            "number": parcel.number,
            "park": parcel.park_id,
            "area_m2": "-5",
            "land_use": "industrial",
            "tenure": "granted",
            "status": "idle",
            "geometry": "",
            "version": parcel.version,
        },
    )
    assert "area_m2" in response.context["form"].problems
    parcel.refresh_from_db()
    assert parcel.status == "in_use"


def test_occupancy_from_the_parcel_page(client, personas, registry_data):
    client.force_login(personas["xinpu"])
    d = registry_data[XINPU]
    parcel, tenant = d["parcels"][1], d["tenant"]
    url = reverse("occupancy_create", args=[parcel.pk])
    before = _counts()
    response = client.post(
        url,
        {
            "enterprise": tenant.uscc,
            "kind": "owned",
            "area_m2": "1000",
            "start": "2024-01-01",
            "end": "2023-01-01",
            "lessor": d["owner"].name,
        },
    )
    problems = response.context["form"].problems
    assert set(problems) == {"end", "lessor"} and _counts() == before
    assert "终止日期早于起始日期" in response.content.decode()
    other = registry_data[QIAOTOU]["owner"]
    response = client.post(url, {"enterprise": other.uscc, "kind": "owned", "area_m2": "1000", "start": "2024-01-01"})
    assert "enterprise" in response.context["form"].errors and _counts() == before  # outside scope: unknown
    response = client.post(
        url,
        {
            "enterprise": tenant.uscc.lower(),
            "kind": "leased",
            "area_m2": "1000",
            "start": "2024-01-01",
            "lessor": d["owner"].name,
        },
    )
    assert response["Location"] == reverse("parcel_detail", args=[parcel.pk])
    occ = Occupancy.objects.get(parcel=parcel, enterprise=tenant)
    assert occ.lessor == d["owner"] and occ.kind == "leased"


def test_ending_an_occupancy(client, personas, registry_data):
    client.force_login(personas["xinpu"])
    lease = registry_data[XINPU]["occupancies"][1]
    url = reverse("occupancy_end", args=[lease.pk])
    assert client.get(url).status_code == 200
    before = _counts()
    response = client.post(url, {"end": "2019-01-01", "version": lease.version})  # before its start
    assert [p.rule for p in response.context["form"].problems["end"]] == ["occupancy.end_before_start"]
    assert _counts() == before
    response = client.post(url, {"end": "2025-06-30", "version": lease.version})
    assert response["Location"] == reverse("parcel_detail", args=[lease.parcel_id])
    lease.refresh_from_db()
    assert lease.end == dt.date(2025, 6, 30)
    assert AuditEntry.objects.filter(action="occupancy.end", object_id=str(lease.pk)).exists()
