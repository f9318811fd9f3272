"""Issue 18: a page of a list's second half is read from its end (kit.listing.FromTheEnd) — the registry lists and
the API's page-number mode: every page still holds exactly the rows it held, ties (two firms of one name) included,
and the last page asks for no OFFSET over the rows before it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import QIAOTOU, XINPU
from landcycle.kit.listing import FromTheEnd, total_order
from landcycle.registry.models import Enterprise, Parcel, Park
from landcycle.registry.services import enterprise_create
from landcycle.rules.codes import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(personas, regions, registry_data):
    """Seven more firms, five of them of one name (ties in the list's order by name)."""
    for n in range(7):
        enterprise_create(
            actor=personas["admin"],
            uscc=make_uscc("91", "330282", f"MA2H7T{n:02d}"),
            name="同名企业有限公司" if n < 5 else f"企业{n}",
            industry_code="3851",
            scale="below",
            registered_on=dt.date(2020, 1, 1),
            town=regions[XINPU if n % 2 else QIAOTOU],
        )
    return Enterprise.objects.count()


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 5])
def test_every_page_holds_what_it_held(twins, per_page):
    for qs in (Enterprise.objects.all(), Parcel.objects.order_by("-area_m2"), Park.objects.order_by("kind")):
        everything = list(total_order(qs))
        paginator = FromTheEnd(total_order(qs), per_page)
        pages = [list(paginator.page(n).object_list) for n in paginator.page_range]
        assert [row for page in pages for row in page] == everything
        assert all(len(p) == per_page for p in pages[:-1])


def test_total_order_ends_with_the_key():
    assert total_order(Enterprise.objects.all()).query.order_by == ("name", "pk")
    assert total_order(Enterprise.objects.order_by("-name", "-pk")).query.order_by == ("-name", "-pk")
    assert total_order(Parcel.objects.all()).query.order_by == ("number",)  # unique already
    assert total_order(Parcel.objects.order_by("-area_m2")).query.order_by == ("-area_m2", "pk")


def _walk(client, url, pages):
    rows, sqls = [], []
    for n in range(1, pages + 1):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{url}page={n}")
        assert response.status_code == 200
        rows.append(response)
        sqls.append([q["sql"] for q in ctx.captured_queries if 'FROM "registry_enterprise"' in q["sql"]])
    return rows, sqls


def test_the_enterprise_list_and_the_api_walk_every_row_once(client, personas, twins, settings):
    settings.PAGE_SIZE = 2
    client.force_login(personas["admin"])
    expected = list(total_order(Enterprise.objects.all()).values_list("pk", flat=True))
    pages = -(-twins // 2)
    responses, sqls = _walk(client, "/enterprises/?", pages)
    assert [e.pk for r in responses for e in r.context["page_obj"].object_list] == expected
    last = [s for s in sqls[-1] if "LIMIT" in s.upper()]
    assert last and "OFFSET" not in last[0].upper() and "DESC" in last[0].upper()  # the end, read backwards
    responses, sqls = _walk(client, "/api/enterprises/?page_size=2&", pages)
    assert [row["id"] for r in responses for row in r.json()["results"]] == expected
    last = [s for s in sqls[-1] if "LIMIT" in s.upper()]
    assert last and "OFFSET" not in last[0].upper()
