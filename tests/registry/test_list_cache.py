"""Issue 18: the registry lists' cards and counts (parks, parcels, enterprises) and the enterprise list's industry
choices read every row of the scope; they come from the cache (kit.cache) until a write of the registry commits: a
second view reads fewer queries and shows the same, a write shows at once, scopes and filters are kept apart."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import QIAOTOU, XINPU
from landcycle.registry.models import Parcel
from landcycle.registry.services import enterprise_update, parcel_update

pytestmark = pytest.mark.django_db

LISTS = ("park_list", "parcel_list", "enterprise_list")


def _view(client, name, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    values = [(str(k["label"]), k["value"], str(k["note"])) for k in response.context["kpis"]]
    return response, values, len(ctx.captured_queries)


@pytest.mark.page_cache_off  # reads the context of a page asked twice
@pytest.mark.parametrize("name", LISTS)
def test_cards_and_count_come_from_the_cache(client, personas, registry_data, name):
    client.force_login(personas["admin"])
    first, cards, cold = _view(client, name)
    again, cards_again, warm = _view(client, name)
    assert cards_again == cards
    assert warm < cold
    assert again.context["page_obj"].paginator.count == first.context["page_obj"].paginator.count
    assert [o.pk for o in again.context["page_obj"].object_list] == [
        o.pk for o in first.context["page_obj"].object_list
    ]


def test_a_write_shows_at_once(client, personas, registry_data):
    admin = personas["admin"]
    client.force_login(admin)
    parcel = registry_data[XINPU]["parcels"][0]
    _r, before, _n = _view(client, "parcel_list", status=Parcel.Status.IDLE)
    idle = Parcel.objects.filter(status=Parcel.Status.IDLE).count()
    assert _r.context["page_obj"].paginator.count == idle
    parcel_update(actor=admin, parcel=parcel, status=Parcel.Status.IDLE if parcel.status != "idle" else "in_use")
    response, after, _n = _view(client, "parcel_list", status=Parcel.Status.IDLE)
    now_idle = Parcel.objects.filter(status=Parcel.Status.IDLE).count()
    assert now_idle != idle
    assert response.context["page_obj"].paginator.count == now_idle == len(response.context["page_obj"].object_list)
    assert after != before
    owner = registry_data[QIAOTOU]["owner"]
    response, _cards, _n = _view(client, "enterprise_list")
    assert "13" not in dict(response.context["listing"].filters[4].choices)
    enterprise_update(actor=admin, enterprise=owner, industry_code="1311")
    response, _cards, _n = _view(client, "enterprise_list")
    assert "13" in dict(response.context["listing"].filters[4].choices)  # the industry choices at once too


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_scopes_and_filters_are_kept_apart(client, personas, registry_data):
    client.force_login(personas["admin"])
    counts = {}
    for _pass in range(2):
        for town in ("", XINPU, QIAOTOU):
            response, _cards, _n = _view(client, "parcel_list", **({"town": town} if town else {}))
            counts.setdefault(town, response.context["page_obj"].paginator.count)
            assert response.context["page_obj"].paginator.count == counts[town]
    assert counts == {"": 4, XINPU: 2, QIAOTOU: 2}
    client.force_login(personas["xinpu"])
    for _pass in range(2):
        response, cards, _n = _view(client, "parcel_list")
        assert response.context["page_obj"].paginator.count == 2
        assert cards[0][1] == "2"
        assert {p.park.town.code for p in response.context["page_obj"].object_list} == {XINPU}
