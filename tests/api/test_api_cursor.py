"""Issue 18: the API's cursor (keyset) pages — ``?cursor=`` then the next / previous links — walk a whole list
without repeating or skipping a row while rows are added between the requests, keep the reader's scope and filters
whatever cursor is sent, ask as many queries on a deep page as on the first, and are documented in the schema. The
page-number mode is unchanged (tests/api/test_api_smoke.py, test_api_count_cache.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from api_support import _fresh_throttle_counts, world  # noqa: F401 -- fixtures
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import QIAOTOU, XINPU
from landcycle.api.pagination import decode_cursor, encode_cursor
from landcycle.registry.models import Enterprise, Parcel
from landcycle.registry.services import enterprise_create
from landcycle.rules.codes import make_uscc

pytestmark = pytest.mark.django_db


def _get(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.content)
    return resp.json()


def _new_firm(actor, town, n: int) -> Enterprise:
    return enterprise_create(
        actor=actor,
        uscc=make_uscc("91", "330282", f"MA2H7K{n:02d}"),
        name=f"游标测试企业{n}",
        industry_code="3851",
        scale="below",
        registered_on=dt.date(2020, 1, 1),
        town=town,
    )


def _walk(client, url, *, between=None, back=False):
    """Every row's id, following next (or previous) from ``url``; ``between(step)`` runs between two requests."""
    seen, step = [], 0
    body = _get(client, url)
    while True:
        rows = [r["id"] for r in body["results"]]
        seen.extend(reversed(rows) if back else rows)
        assert "count" not in body
        link = body["previous" if back else "next"]
        if link is None:
            return seen, body
        if between:
            between(step)
        step += 1
        body = _get(client, link)


def test_a_cursor_walk_sees_every_row_once_while_rows_are_added(client, personas, regions, registry_data):
    admin = personas["admin"]
    client.force_login(admin)
    before = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    assert len(before) >= 4
    added: list[int] = []

    def add(step):  # one firm after each of the first three pages, in both towns
        if step < 3:
            added.append(_new_firm(admin, regions[XINPU if step % 2 else QIAOTOU], step).pk)

    seen, last = _walk(client, "/api/enterprises/?cursor=&page_size=1", between=add)
    assert len(seen) == len(set(seen))  # no row twice
    assert seen == sorted(seen)  # id order
    assert set(seen) == set(before) | set(added)  # no row skipped, the new ones included
    # and back from the last page by the previous links: the same rows, in reverse, none twice
    back, _first = _walk(client, last["next"] or _last_page_url(client, last), back=True)
    assert back == sorted(seen, reverse=True)


def _last_page_url(client, body):
    """The address of the page ``body`` is (its previous page's next link)."""
    return _get(client, body["previous"])["next"]


def test_page_numbers_still_work_with_their_count(client, personas, registry_data):
    client.force_login(personas["admin"])
    body = _get(client, "/api/enterprises/?page=2&page_size=1")
    assert body["count"] == Enterprise.objects.count()
    assert "page=3" in body["next"] and len(body["results"]) == 1


def test_a_towns_cursor_never_shows_another_town(client, personas, registry_data):
    client.force_login(personas["admin"])
    everyone, _last = _walk(client, "/api/parcels/?cursor=&page_size=1")
    theirs = set(Parcel.objects.filter(park__town__code=QIAOTOU).values_list("pk", flat=True))
    ours = set(Parcel.objects.filter(park__town__code=XINPU).values_list("pk", flat=True))
    assert theirs and ours and theirs | ours <= set(everyone)
    client.force_login(personas["xinpu"])
    mine, _last = _walk(client, "/api/parcels/?cursor=&page_size=1")
    assert set(mine) == ours
    # a cursor pointing just before or after another town's row, forged or passed on, starts there in id order but
    # still shows only the reader's rows
    for pk in theirs:
        for direction in ("n", "p"):
            body = _get(client, f"/api/parcels/?cursor={encode_cursor(direction, pk)}&page_size=500")
            assert {r["id"] for r in body["results"]} <= ours
    # filters are kept on every page: the next link carries them
    client.force_login(personas["admin"])
    town_only, _last = _walk(client, f"/api/parcels/?town={QIAOTOU}&cursor=&page_size=1")
    assert set(town_only) == theirs


def test_a_deep_cursor_page_asks_as_many_queries_as_the_first(client, world, personas):
    client.force_login(personas["admin"])
    for url in ("/api/enterprises/", "/api/contracts/", "/api/parcels/", "/api/warnings/", "/api/occupancies/"):
        first = _get(client, f"{url}?cursor=&page_size=1")
        assert first["next"], url
        cache.clear()  # each request as the first (answers may be kept: a kept one asks nothing)
        with CaptureQueriesContext(connection) as one:
            _get(client, f"{url}?cursor=&page_size=1")
        counts = []
        link = first["next"]
        while link:
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                body = _get(client, link)
            counts.append(len(ctx.captured_queries))
            link = body["next"]
        assert set(counts) == {len(one.captured_queries)}, (url, counts, len(one.captured_queries))
        assert not any("COUNT(" in q["sql"].upper() for q in one.captured_queries), url  # no count in this mode
        assert not any("OFFSET" in q["sql"].upper() for q in ctx.captured_queries), url


def test_the_evaluation_results_page_by_cursor(client, world, personas):
    client.force_login(personas["admin"])
    run = world[XINPU]["run"]
    by_page = _get(client, f"/api/evaluation/runs/{run.pk}/results/?page_size=500")["results"]
    assert by_page
    seen, _last = _walk(client, f"/api/evaluation/runs/{run.pk}/results/?cursor=&page_size=1")
    assert seen == sorted(r["id"] for r in by_page)


@pytest.mark.parametrize(
    "query",
    [
        "cursor=bm90LWEtbnVtYmVy",
        "cursor=%%%",
        "cursor=eDEy",
        "cursor=&ordering=name",
        "cursor=&page=2",
        f"cursor={encode_cursor('n', 10**30)}",  # past any id: 400, not the database's overflow
    ],
)
def test_a_bad_cursor_or_a_clash_answers_400_in_the_error_shape(client, personas, registry_data, query):
    client.force_login(personas["admin"])
    resp = client.get(f"/api/enterprises/?{query}")
    assert resp.status_code == 400, query
    body = resp.json()
    assert body["status"] == 400 and body["problems"][0]["field"] in ("cursor", "ordering", "page")


def test_cursors_round_trip():
    assert decode_cursor(encode_cursor("n", 12345)) == ("n", 12345)
    assert decode_cursor(encode_cursor("p", 0)) == ("p", 0)
    assert decode_cursor("") == ("n", None)


def test_the_schema_documents_the_cursor(client, personas):
    client.force_login(personas["leader"])
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/enterprises/", "/api/contracts/", "/api/evaluation/runs/{id}/results/"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"cursor", "page", "page_size"} <= names, path
    page = schema["components"]["schemas"]["PaginatedEnterpriseList"]
    assert page["required"] == ["results"]  # no count in cursor mode
