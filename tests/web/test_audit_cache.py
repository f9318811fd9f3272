"""Issue 18: the audit page's figures (its filter choices, the counts of every entry and of the filtered ones, the
last write's time) read every entry of the reader's scope; they are kept in the cache until the log grows
(audit_views._log_state): a second view does not read them again, a write shows at once, filters and scopes are kept
apart."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from landcycle.accounts.models import Role, User
from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_record
from landcycle.registry.services import park_update

XINPU, QIAOTOU = "330282112", "330282109"

pytestmark = pytest.mark.django_db


def _view(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("audit_list"), params)
    assert response.status_code == 200
    kpis = [int(k["value"].replace(",", "")) for k in response.context["kpis"][:2]]  # every entry, the filtered
    return response, kpis, len(ctx.captured_queries)


def test_figures_come_from_the_cache_until_a_write(client, personas, registry_data):
    admin = personas["admin"]
    client.force_login(admin)
    first, kpis, cold = _view(client)
    total = AuditEntry.objects.count()
    assert kpis[0] == kpis[1] == total
    assert first.context["page_obj"].paginator.count == total
    again, kpis_again, warm = _view(client)
    assert kpis_again == kpis
    assert warm <= cold - 5  # the three lists of choices, the count and the last write are not read again
    assert [e.pk for e in again.context["page_obj"].object_list] == [
        e.pk for e in first.context["page_obj"].object_list
    ]
    park = registry_data[XINPU]["park"]
    park_update(actor=admin, park=park, name="新名字园区")
    after, kpis_after, _n = _view(client)
    assert kpis_after[0] == kpis_after[1] == total + 1
    assert after.context["page_obj"].object_list[0].action == "park.update"
    assert "park.update" in dict(after.context["listing"].filters[1].choices)


def test_filtered_counts_are_kept_apart(client, personas, registry_data):
    admin = personas["admin"]
    client.force_login(admin)
    audit_record(actor=admin, action="park.update", obj=registry_data[XINPU]["park"], region_code=XINPU)
    audit_record(actor=admin, action="park.update", obj=registry_data[QIAOTOU]["park"], region_code=QIAOTOU)
    for region in (XINPU, QIAOTOU, XINPU):
        for _pass in range(2):  # the second from the cache
            response, kpis, _n = _view(client, region=region)
            expected = AuditEntry.objects.filter(region_code__startswith=region).count()
            assert kpis[1] == response.context["page_obj"].paginator.count == expected
            assert kpis[0] == AuditEntry.objects.count()
    _response, kpis, _n = _view(client, action="park.update")
    assert kpis[1] == AuditEntry.objects.filter(action="park.update").count()
    audit_record(actor=admin, action="park.update", obj=registry_data[XINPU]["park"], region_code=XINPU)
    _response, kpis, _n = _view(client, region=XINPU)
    assert kpis[1] == AuditEntry.objects.filter(region_code__startswith=XINPU).count()


def test_scopes_are_kept_apart(client, personas, regions, registry_data):
    admin = personas["admin"]
    town_supervisor = User.objects.create_user(
        username="t_sup", password="t_sup-pw", role=Role.SUPERVISOR, region=regions[XINPU]
    )
    audit_record(actor=admin, action="park.update", obj=registry_data[QIAOTOU]["park"], region_code=QIAOTOU)
    client.force_login(admin)
    _r, county_kpis, _n = _view(client)
    county_total = AuditEntry.objects.count()
    client.force_login(town_supervisor)
    response, town_kpis, _n = _view(client)
    in_town = AuditEntry.objects.filter(region_code__startswith=XINPU).count()
    assert town_kpis[0] == town_kpis[1] == response.context["page_obj"].paginator.count == in_town
    assert county_kpis[0] == county_total
    assert in_town < county_kpis[0]
    assert all(e.region_code.startswith(XINPU) for e in response.context["page_obj"].object_list)
