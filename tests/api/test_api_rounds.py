"""The reconciliation rounds (对账销号) and the warnings refresh through the API: the supervisor reviews and closes a
round, a town reads its own items only; the county queues a refresh (202) that the queue's worker runs once."""

from __future__ import annotations

import pytest
from api_support import _fresh_throttle_counts, world  # noqa: F401 -- fixtures

from conftest import QIAOTOU, XINPU

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_supervisor_reviews_and_closes_a_round_a_town_sees_its_own_items(client, personas, world):
    from landcycle.audit.models import AuditEntry

    mine, theirs = world[XINPU]["round_item"], world[QIAOTOU]["round_item"]
    rnd = mine.round
    client.force_login(personas["xinpu"])
    listed = client.get("/api/rectification/rounds/").json()["results"]
    assert [(r["id"], r["items"], r["submitted"]) for r in listed] == [(rnd.pk, 1, 1)]
    items = client.get(f"/api/rectification/round-items/?round={rnd.pk}").json()["results"]
    assert [i["id"] for i in items] == [mine.pk] and items[0]["town"] == XINPU
    assert client.get(f"/api/rectification/round-items/{theirs.pk}/").status_code == 404
    assert (
        _post(client, f"/api/rectification/round-items/{mine.pk}/review/", {"decision": "confirmed"}).status_code == 403
    )

    client.force_login(personas["supervisor"])
    assert client.get("/api/rectification/rounds/").json()["results"][0]["items"] == 2
    early = _post(client, f"/api/rectification/rounds/{rnd.pk}/close/", {"on": "2026-11-30"})
    assert early.status_code == 400 and early.json()["problems"][0]["rule"] == "round.unreviewed"
    bare = _post(client, f"/api/rectification/round-items/{theirs.pk}/review/", {"decision": "challenged"})
    assert bare.status_code == 400 and bare.json()["problems"][0]["rule"] == "review.note"
    stale = {"decision": "confirmed", "seen_report": mine.report_id + 1000}
    assert _post(client, f"/api/rectification/round-items/{mine.pk}/review/", stale).json()["problems"][0]["rule"] == (
        "review.conflict"
    )
    ok = _post(client, f"/api/rectification/round-items/{mine.pk}/review/", {"decision": "confirmed"})
    assert ok.status_code == 200 and ok.json()["decision"] == "confirmed", ok.content
    note = {"decision": "challenged", "note": "清点表缺签字"}
    assert _post(client, f"/api/rectification/round-items/{theirs.pk}/review/", note).json()["decision"] == "challenged"
    assert AuditEntry.objects.filter(action="round_item.confirmed", object_id=str(mine.pk)).count() == 1
    closed = _post(client, f"/api/rectification/rounds/{rnd.pk}/close/", {"on": "2026-11-30"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.content
    assert (closed.json()["confirmed"], closed.json()["challenged"]) == (1, 1)
    late = _post(client, f"/api/rectification/round-items/{mine.pk}/review/", note)
    assert late.status_code == 400 and late.json()["problems"][0]["rule"] == "round.closed"

    opened = _post(client, "/api/rectification/rounds/", {"on": "2026-12-01"})
    assert opened.status_code == 201 and opened.json()["period_start"] == "2026-12-01", opened.content
    assert opened.json()["items"] == 2  # both towns' tasks are still open
    again = _post(client, "/api/rectification/rounds/", {"on": "2026-12-02"})
    assert again.status_code == 400 and again.json()["problems"]
    assert _post(client, "/api/rectification/rounds/", {"on": "2026-12-01", "county": "999999"}).status_code == 400


def test_the_county_queues_a_warnings_refresh_that_runs_once(client, personas, world, run_tasks):
    from landcycle.supervision.models import RefreshRun

    client.force_login(personas["xinpu"])
    assert _post(client, "/api/warnings/refresh-runs/", {"as_of": "2026-12-01"}).status_code == 403
    client.force_login(personas["supervisor"])
    assert _post(client, "/api/warnings/refresh-runs/", {"as_of": "2026-12-01"}).status_code == 403
    client.force_login(personas["admin"])
    assert _post(client, "/api/warnings/refresh-runs/", {}).status_code == 400
    queued = _post(client, "/api/warnings/refresh-runs/", {"as_of": "2026-12-01"})
    assert queued.status_code == 202 and queued.json()["status"] == "queued", queued.content
    twice = _post(client, "/api/warnings/refresh-runs/", {"as_of": "2026-12-01"})
    assert twice.status_code == 400 and twice.json()["problems"][0]["rule"] == "refresh.running"
    run_tasks()
    done = client.get(f"/api/warnings/refresh-runs/{queued.json()['id']}/").json()
    assert done["status"] == "done" and done["attempts"] == 1 and done["summary"], done
    assert RefreshRun.objects.count() == 1

    # the towns of the county read how it went; nobody outside the county does
    client.force_login(personas["xinpu"])
    assert [r["id"] for r in client.get("/api/warnings/refresh-runs/").json()["results"]] == [done["id"]]
