"""Bulk integration: a ledger pushed as JSON rows or as a file goes through the same all-or-nothing import as
``landcycle import`` with the same problem report; a published run's results are pulled page by page."""

from __future__ import annotations

import csv
import io

import pytest
from api_support import _fresh_throttle_counts, auth, token_for  # noqa: F401 -- fixtures

from conftest import QIAOTOU, XINPU

pytestmark = pytest.mark.django_db


def _exported_rows(user, kind):
    from landcycle.ledgers.export import ledger_export

    data = ledger_export(user=user, kind=kind, fmt="csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(data)))


def test_rows_round_trip_and_a_change_is_imported(client, personas, registry_data):
    from landcycle.registry.models import Enterprise

    key = token_for(personas["xinpu"])
    rows = _exported_rows(personas["xinpu"], "enterprises")
    assert len(rows) == 2
    resp = client.post("/api/ledgers/enterprises/import/", {"rows": rows}, content_type="application/json", **auth(key))
    assert resp.status_code == 200, resp.content
    assert resp.json() | {"sha256": ""} == {
        "kind": "enterprises",
        "status": "imported",
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "invalid": 0,
        "skipped": 0,
        "sha256": "",
        "problems": [],
    }
    contact = next(k for k in rows[0] if k.startswith("联系人"))
    rows[0][contact] = "赵主任"
    resp = client.post("/api/ledgers/enterprises/import/", {"rows": rows}, content_type="application/json", **auth(key))
    assert resp.json()["status"] == "imported" and resp.json()["updated"] == 1
    assert Enterprise.objects.filter(contact="赵主任").count() == 1


def test_one_bad_row_refuses_the_whole_ledger_with_the_problem_report(client, personas, registry_data):
    from landcycle.registry.models import Enterprise

    key = token_for(personas["xinpu"])
    rows = _exported_rows(personas["xinpu"], "enterprises")
    contact = next(k for k in rows[0] if k.startswith("联系人"))
    rows[0][contact] = "不会写入"
    code = next(k for k in rows[1] if k.startswith("统一社会信用代码"))
    rows[1][code] = "91330282000000000X"
    resp = client.post("/api/ledgers/enterprises/import/", {"rows": rows}, content_type="application/json", **auth(key))
    assert resp.status_code == 400
    body = resp.json()
    assert body["status"] == 400 and body["report"]["status"] == "refused"
    problem = body["problems"][0]
    assert problem["row"] == 3 and problem["column"].startswith("统一社会信用代码")
    assert problem["rule"] and problem["message_zh"] and problem["message_en"]
    assert not Enterprise.objects.filter(contact="不会写入").exists()  # all or nothing


def test_a_town_cannot_push_another_towns_rows(client, personas, registry_data):
    key = token_for(personas["xinpu"])
    rows = _exported_rows(personas["qiaotou"], "enterprises")
    resp = client.post("/api/ledgers/enterprises/import/", {"rows": rows}, content_type="application/json", **auth(key))
    assert resp.status_code == 400 and resp.json()["report"]["status"] == "refused"


def test_a_file_is_imported_like_landcycle_import(client, personas, registry_data):
    from landcycle.ledgers.export import ledger_export

    data = ledger_export(user=personas["admin"], kind="parcels", fmt="xlsx")
    upload = io.BytesIO(data)
    upload.name = "地块.xlsx"
    client.force_login(personas["admin"])
    resp = client.post("/api/ledgers/parcels/import/", {"file": upload, "dry_run": "true"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "dry_run" and resp.json()["unchanged"] == 4


def test_import_refusals_in_the_error_shape(client, personas, registry_data):
    client.force_login(personas["leader"])
    resp = client.post("/api/ledgers/enterprises/import/", {"rows": [{"a": "b"}]}, content_type="application/json")
    assert resp.status_code == 403 and resp.json()["status"] == 403  # the leader reads only
    client.force_login(personas["admin"])
    assert client.post("/api/ledgers/nothing/import/", {"rows": []}, content_type="application/json").status_code == 404
    neither = client.post("/api/ledgers/enterprises/import/", {}, content_type="application/json")
    assert neither.status_code == 400 and neither.json()["problems"][0]["field"] == "file"
    unusable = client.post(
        "/api/ledgers/enterprises/import/", {"rows": [{"毫无关系": "1"}]}, content_type="application/json"
    )
    assert unusable.status_code == 400 and unusable.json()["problems"][0]["field"] == "file"
    kinds = client.get("/api/ledgers/").json()
    assert {"enterprises", "parcels", "contracts"} <= {k["name"] for k in kinds}


def test_a_published_run_is_pulled_with_its_results_in_scope(client, personas, evaluation_data):
    run = evaluation_data[XINPU]["run"]
    key = token_for(personas["xinpu"])
    runs = client.get("/api/evaluation/runs/?status=published&year=2025", **auth(key)).json()
    assert [r["id"] for r in runs["results"]] == [run.pk]
    results = client.get(f"/api/evaluation/runs/{run.pk}/results/?page_size=1", **auth(key)).json()
    assert results["count"] == 2 and results["next"]  # the officer's own town's two firms, page by page
    towns = {r["town"] for r in client.get(f"/api/evaluation/runs/{run.pk}/results/", **auth(key)).json()["results"]}
    assert towns == {XINPU}
    client.force_login(personas["admin"])
    everyone = client.get(f"/api/evaluation/runs/{run.pk}/results/").json()
    assert everyone["count"] == 4 and {r["town"] for r in everyone["results"]} == {XINPU, QIAOTOU}


def test_drafts_are_only_for_the_evaluations_writers(client, personas, evaluation_data):
    from landcycle.evaluation import services

    draft = services.run_create(actor=personas["analyst"], year=2025)
    client.force_login(personas["leader"])
    assert client.get(f"/api/evaluation/runs/{draft.pk}/").status_code == 404
    assert draft.pk not in [r["id"] for r in client.get("/api/evaluation/runs/").json()["results"]]
    client.force_login(personas["analyst"])
    assert client.get(f"/api/evaluation/runs/{draft.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [("admin", 200), ("analyst", 403), ("supervisor", 403), ("leader", 403), ("xinpu", 400), ("qiaotou", 200)],
)
def test_the_import_route_with_every_persona(client, personas, registry_data, who, expected):
    """桥头镇's enterprises pushed back (a dry run) by each persona: the county administrator and 桥头镇's officer
    may; 新浦镇's officer is refused by the import's own scope check (nothing written); the other roles may not
    import the registry at all."""
    rows = _exported_rows(personas["qiaotou"], "enterprises")
    client.force_login(personas[who])
    resp = client.post(
        "/api/ledgers/enterprises/import/", {"rows": rows, "dry_run": True}, content_type="application/json"
    )
    assert resp.status_code == expected, (who, resp.content[:300])
    body = resp.json()
    if expected == 200:
        assert body["status"] == "dry_run" and body["unchanged"] == 2
    else:
        assert body["status"] == expected and body["problems"]


def test_a_json_body_over_the_limit_is_refused_before_it_is_read(client, personas, registry_data, settings):
    client.force_login(personas["admin"])
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.LANDCYCLE_UPLOAD_MAX_BYTES = 5000
    big = {"name": "x" * 2000, "uscc": "1", "industry_code": "1", "scale": "above"}
    resp = client.post("/api/enterprises/", big, content_type="application/json")
    assert resp.status_code == 413 and resp.json()["problems"][0]["rule"] == "api.too_large"
    rows = [{"统一社会信用代码": "1" * 18, "企业名称": "y" * 100}] * 20  # ~4 KB: within the ledger's own limit
    small = client.post("/api/ledgers/enterprises/import/", {"rows": rows}, content_type="application/json")
    assert small.status_code == 400 and small.json()["status"] == 400  # read, then refused by the import's rules
    rows = rows * 3
    huge = client.post("/api/ledgers/enterprises/import/", {"rows": rows}, content_type="application/json")
    assert huge.status_code == 413
