"""Issue 18: the registry and contract lists of the API take their count from the cache (api.pagination, the
view's ``count_apps``): a second request does not count every row again, a write shows at once, scopes and filters
are kept apart, the page and its size share one count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import QIAOTOU, XINPU
from landcycle.registry.models import Enterprise
from landcycle.registry.services import enterprise_create
from landcycle.rules.codes import make_uscc

pytestmark = pytest.mark.django_db


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    return response.json(), counts


def test_the_count_comes_from_the_cache_and_a_write_shows_at_once(client, personas, regions, registry_data):
    admin = personas["admin"]
    client.force_login(admin)
    body, counts = _get(client, "/api/enterprises/")
    assert body["count"] == Enterprise.objects.count() == 4
    assert counts  # the first request counts
    again, counts = _get(client, "/api/enterprises/?page_size=1")
    assert again["count"] == 4 and len(again["results"]) == 1
    assert counts == []  # the second (another page size) does not
    enterprise_create(
        actor=admin,
        uscc=make_uscc("91", "330282", "MA2H7K3P"),
        name="新登记企业",
        industry_code="3851",
        scale="below",
        registered_on=dt.date(2020, 1, 1),
        town=regions[XINPU],
    )
    after, _counts = _get(client, "/api/enterprises/")
    assert after["count"] == 5
    assert "新登记企业" in {r["name"] for r in after["results"]}


def test_scopes_and_filters_are_kept_apart(client, personas, registry_data):
    client.force_login(personas["admin"])
    for _pass in range(2):  # the second from the cache
        assert _get(client, "/api/parcels/")[0]["count"] == 4
        assert _get(client, f"/api/parcels/?town={QIAOTOU}")[0]["count"] == 2
        assert _get(client, "/api/contracts/")[0]["count"] >= 0
    client.force_login(personas["xinpu"])
    for _pass in range(2):
        body, _counts = _get(client, "/api/parcels/")
        assert body["count"] == 2
        assert _get(client, f"/api/parcels/?town={QIAOTOU}")[0]["count"] == 0
