"""Query counts stay flat: a list endpoint asks the same number of queries for one row as for a page of them
(select_related / prefetch, no query per row)."""

from __future__ import annotations

import pytest
from api_support import _fresh_throttle_counts, world  # noqa: F401 -- fixtures
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import XINPU

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/regions/",
    "/api/parks/",
    "/api/parcels/",
    "/api/enterprises/",
    "/api/occupancies/",
    "/api/contracts/",
    "/api/warnings/",
    "/api/warnings/refresh-runs/",
    "/api/evaluation/runs/",
    "/api/evaluation/jobs/",
    "/api/rectification/inspections/",
    "/api/rectification/tasks/",
    "/api/rectification/rounds/",
    "/api/rectification/round-items/",
    "/api/admission/applications/",
    "/api/tokens/",
    "/api/ledgers/",
    "/api/exits/cases/",
    "/api/exits/items/",
    "/api/renewal/projects/",
    "/api/renewal/firms/",
    "/api/ranking/runs/",
    "/api/ranking/inputs/",
    "/api/ranking/jobs/",
]

# lists whose rows carry their own collections: one prefetch query each (a case's enterprises, parcels, steps,
# items, money and files; a project's parks, parcels, milestones, reports and the reports' evidence; the files of a
# warning, a task, an application)
NESTED = {
    "/api/exits/cases/": 6,  # and its files
    "/api/renewal/projects/": 5,
    "/api/warnings/": 1,  # a warning's evidence
    "/api/rectification/tasks/": 1,  # a task's evidence
    "/api/admission/applications/": 1,  # an application's documents
}


# lists the fixture gives one row or none (one evaluation run, one round, no refresh yet, no ledger)
FEW = ("/api/ledgers/", "/api/evaluation/runs/", "/api/rectification/rounds/", "/api/warnings/refresh-runs/")

# a list's answer is kept (kit.pagecache) under the state of all the data: the heads and each registered reading
# (the latest refresh, the latest evaluation job), read once per request before the list
STATE = 3


def _count(client, url):
    cache.clear()  # each request as the first: a list's count is cached (api.pagination), its rows are not
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, url
    return len(ctx.captured_queries), resp.json()


def test_every_list_endpoint_is_listed_here():
    from landcycle.api.routes import router

    assert {f"/api/{prefix}/" for prefix, _v, _b in router.registry} == set(LISTS)


@pytest.mark.parametrize("who", ["admin", "xinpu"])
def test_query_counts_do_not_grow_with_the_rows_shown(client, world, personas, who):
    from landcycle.api.services import token_create

    user = personas[who]
    for n in range(3):
        token_create(actor=user, user=user, name=f"t{n}", days=5)
    client.force_login(user)
    run = world[XINPU]["run"]
    ranking = world[XINPU]["ranking_run"]
    for url in [*LISTS, f"/api/evaluation/runs/{run.pk}/results/", f"/api/ranking/runs/{ranking.pk}/results/"]:
        one, _ = _count(client, url + "?page_size=1")
        many, body = _count(client, url + "?page_size=100")
        rows = body["results"] if isinstance(body, dict) else body
        if who == "admin" and url not in FEW:
            assert len(rows) >= 2, (url, len(rows))  # more than one row shown: a query per row would show
        assert many == one, f"{url}: {one} queries for one row, {many} for {len(rows)}"
        assert many <= 8 + STATE + NESTED.get(url, 0), f"{url}: {many} queries"


def test_the_state_read_is_what_this_file_allows_for():
    from landcycle.kit import pagecache

    assert STATE == 1 + len(pagecache._STATES)
