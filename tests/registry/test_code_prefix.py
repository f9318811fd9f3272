"""Issue 18: the filters on a code's beginning (the enterprises' industry, the audit page's region) are read as a
range of the code's index (kit.listing.code_prefix) and select exactly what ``startswith`` selected."""

from __future__ import annotations

import pytest

from landcycle.kit.listing import code_prefix
from landcycle.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def test_a_prefix_range_selects_what_startswith_selects(registry_data):
    codes = set(Enterprise.objects.values_list("industry_code", flat=True))
    assert codes
    prefixes = {c[:n] for c in codes for n in (1, 2, 3, 4)} | {"0", "19", "39", "99", "x1", ""}
    for prefix in sorted(prefixes):
        by_range = set(Enterprise.objects.filter(code_prefix("industry_code", prefix)).values_list("pk", flat=True))
        by_like = set(Enterprise.objects.filter(industry_code__startswith=prefix).values_list("pk", flat=True))
        assert by_range == by_like, prefix


def test_a_prefix_range_is_no_like():
    assert "LIKE" not in str(Enterprise.objects.filter(code_prefix("industry_code", "38")).query).upper()
    assert (
        dict(code_prefix("industry_code", "09").children)["industry_code__lt"] == "10"
    )  # the next prefix keeps its width


def test_the_api_and_the_list_filter_by_industry(client, personas, registry_data):
    client.force_login(personas["admin"])
    code = Enterprise.objects.values_list("industry_code", flat=True).first()
    expected = set(Enterprise.objects.filter(industry_code__startswith=code[:2]).values_list("pk", flat=True))
    body = client.get(f"/api/enterprises/?industry={code[:2]}&page_size=500").json()
    assert {r["id"] for r in body["results"]} == expected
    page = client.get(f"/enterprises/?division={code[:2]}")
    assert page.status_code == 200
    assert {e.pk for e in page.context["page_obj"].object_list} == expected
