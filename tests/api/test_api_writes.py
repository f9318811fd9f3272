"""Writes through the API go through the apps' services: the same checks, the same audit rows, the same edit
versions, and every refusal in the API's error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from api_support import _fresh_throttle_counts, world  # noqa: F401 -- fixtures
from django.utils import timezone

from conftest import QIAOTOU, XINPU

pytestmark = pytest.mark.django_db

# an application that passes the shipped default entry rules (as tests/admission/admission_data.py)
GOOD = {
    "project": "年产50万台智能家电项目",
    "applicant_name": "慈溪市新浦智能家电有限公司",
    "industry_code": "3851",
    "land_mu": "20",
    "total_investment": "5000",
    "fixed_investment": "4000",
    "revenue": "6000",
    "tax": "200",
    "value_added": "3000",
    "energy_tce": "1000",
    "emissions_t": "2",
    "rd_expense": "180",
    "staff": "120",
    "plot_ratio": "1.5",
    "building_density": "40",
    "green_share": "15",
    "office_share": "5",
    "planned_delivery": "2026-05-01",
    "planned_start": "2026-08-01",
    "planned_completion": "2027-12-31",
    "planned_production": "2028-12-31",
}

NEW_FIRM = {
    "uscc": "",
    "name": "慈溪市新浦镇新材料有限公司",
    "industry_code": "2929",
    "scale": "below",
    "registered_on": "2021-04-01",
    "town": XINPU,
}


def _uscc(n: str) -> str:
    from landcycle.rules.codes import make_uscc

    return make_uscc("91", "330282", n)


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def test_a_town_registers_and_changes_its_enterprise(client, personas, registry_data):
    from landcycle.audit.models import AuditEntry
    from landcycle.registry.models import Enterprise

    client.force_login(personas["xinpu"])
    resp = _post(client, "/api/enterprises/", {**NEW_FIRM, "uscc": _uscc("AP000001")})
    assert resp.status_code == 201, resp.content
    ent = Enterprise.objects.get(pk=resp.json()["id"])
    assert ent.town.code == XINPU and resp.json()["version"] == 1
    assert AuditEntry.objects.filter(action="enterprise.create", object_id=str(ent.pk)).count() == 1
    resp = _patch(client, f"/api/enterprises/{ent.pk}/", {"contact": "王经理", "version": 1})
    assert resp.status_code == 200 and resp.json()["contact"] == "王经理" and resp.json()["version"] == 2
    assert AuditEntry.objects.filter(action="enterprise.update", object_id=str(ent.pk)).count() == 1
    stale = _patch(client, f"/api/enterprises/{ent.pk}/", {"contact": "李", "version": 1})
    assert stale.status_code == 400
    assert stale.json()["problems"][0]["rule"].startswith("edit.")
    ent.refresh_from_db()
    assert ent.contact == "王经理"


def test_the_services_rules_come_back_as_problems(client, personas, registry_data):
    from landcycle.registry.models import Enterprise

    client.force_login(personas["xinpu"])
    before = Enterprise.objects.count()
    resp = _post(client, "/api/enterprises/", {**NEW_FIRM, "uscc": "913302820000000000"})
    body = resp.json()
    assert resp.status_code == 400 and body["status"] == 400
    assert any(p["field"] == "uscc" and p["message_zh"] and p["message_en"] for p in body["problems"])
    other_town = _post(client, "/api/enterprises/", {**NEW_FIRM, "uscc": _uscc("AP000002"), "town": QIAOTOU})
    assert other_town.status_code == 400
    assert other_town.json()["problems"][0] | {"message_zh": "", "message_en": ""} == {
        "field": "town",
        "rule": "scope.town",
        "message_zh": "",
        "message_en": "",
    }
    missing = _post(client, "/api/enterprises/", {"name": "x"})
    assert missing.status_code == 400
    fields = {p["field"] for p in missing.json()["problems"]}
    assert {"uscc", "industry_code", "scale", "registered_on", "town"} <= fields
    assert all(p["rule"] == "api.required" for p in missing.json()["problems"])
    # the serializer's own message in both languages, whatever the request's language
    assert {(p["message_zh"], p["message_en"]) for p in missing.json()["problems"]} == {
        ("该字段是必填项。", "This field is required.")
    }
    assert Enterprise.objects.count() == before


def test_a_parcel_is_changed_through_its_service(client, personas, registry_data):
    from landcycle.audit.models import AuditEntry

    parcel = registry_data[XINPU]["parcels"][1]
    client.force_login(personas["xinpu"])
    resp = _patch(client, f"/api/parcels/{parcel.pk}/", {"status": "idle", "address": "新浦镇工业路1号"})
    assert resp.status_code == 200 and resp.json()["status"] == "idle"
    assert AuditEntry.objects.filter(action="parcel.update", object_id=str(parcel.pk)).exists()
    bad = _patch(client, f"/api/parcels/{parcel.pk}/", {"geometry": {"type": "Polygon", "coordinates": []}})
    assert bad.status_code == 400 and bad.json()["problems"][0]["field"] == "geometry"
    client.force_login(personas["leader"])
    assert _patch(client, f"/api/parcels/{parcel.pk}/", {"status": "idle"}).status_code == 403


def test_a_town_answers_its_warning(client, personas, supervision_data):
    warning = supervision_data[XINPU]["warning"]
    client.force_login(personas["xinpu"])
    resp = _post(client, f"/api/warnings/{warning.pk}/verify/", {"confirmed": True})
    assert resp.status_code == 200 and resp.json()["status"] == "confirmed", resp.content
    due = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    data = {"measures": "督促企业开工", "assignee": "p_xinpu", "due": due}
    resp = _post(client, f"/api/warnings/{warning.pk}/handle/", data)
    assert resp.status_code == 200 and resp.json()["status"] == "handling", resp.content
    wrong = _post(client, f"/api/warnings/{warning.pk}/handle/", {**data, "assignee": "p_qiaotou"})
    assert wrong.status_code == 400 and wrong.json()["problems"][0]["rule"] == "warning.assignee_scope"
    again = _post(client, f"/api/warnings/{warning.pk}/verify/", {"confirmed": True})
    assert again.status_code == 400  # the warning is no longer open: the service says so


def test_a_town_reports_progress_on_its_task(client, personas, rectification_data):
    from landcycle.rectification.models import ProgressReport

    task = rectification_data[XINPU]["task"]
    before = ProgressReport.objects.filter(task=task).count()
    client.force_login(personas["xinpu"])
    data = {"version": task.version, "percent_done": 90, "text": "遗留物已清运", "reported_on": "2026-11-25"}
    resp = _post(client, f"/api/rectification/tasks/{task.pk}/progress/", data)
    assert resp.status_code == 201, resp.content
    assert resp.json()["percent_done"] == 90
    assert ProgressReport.objects.filter(task=task).count() == before + 1
    stale = _post(client, f"/api/rectification/tasks/{task.pk}/progress/", data)
    assert stale.status_code == 400  # the version read is no longer the task's


def test_a_town_registers_and_submits_an_application(client, personas, registry_data, monkeypatch):
    from landcycle.admission.models import Application

    client.force_login(personas["xinpu"])
    park = registry_data[XINPU]["park"]
    resp = _post(client, "/api/admission/applications/", {**GOOD, "number": "ZR-API-1", "park": park.code})
    assert resp.status_code == 201, resp.content
    app = Application.objects.get(pk=resp.json()["id"])
    assert app.status == "draft" and app.town.code == XINPU
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 3, 2))
    resp = _post(client, f"/api/admission/applications/{app.pk}/submit/", {"version": app.version})
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "submitted" and app.revisions.count() == 1
    other = _post(client, "/api/admission/applications/", {**GOOD, "number": "ZR-API-2", "park": "P330282109-01"})
    assert other.status_code == 400 and other.json()["problems"][0]["rule"] == "admission.unknown_park"


def test_a_town_changes_its_park_and_records_and_ends_an_occupancy(client, personas, registry_data):
    from landcycle.audit.models import AuditEntry
    from landcycle.registry.models import Occupancy

    d, other = registry_data[XINPU], registry_data[QIAOTOU]
    client.force_login(personas["xinpu"])
    resp = _patch(client, f"/api/parks/{d['park'].pk}/", {"min_tax_per_mu": "25.00", "version": d["park"].version})
    assert resp.status_code == 200 and resp.json()["min_tax_per_mu"] == "25.00"
    assert AuditEntry.objects.filter(action="park.update", object_id=str(d["park"].pk)).exists()
    data = {
        "enterprise": d["tenant"].uscc,
        "parcel": d["parcels"][1].number,
        "kind": "leased",
        "area_m2": "1000",
        "start": "2024-01-01",
        "lessor": d["owner"].uscc,
    }
    resp = _post(client, "/api/occupancies/", data)
    assert resp.status_code == 201, resp.content
    occ = Occupancy.objects.get(pk=resp.json()["id"])
    assert occ.lessor == d["owner"] and occ.parcel == d["parcels"][1]
    resp = _post(client, f"/api/occupancies/{occ.pk}/end/", {"end": "2025-12-31", "version": occ.version})
    assert resp.status_code == 200 and resp.json()["end"] == "2025-12-31"
    early = _post(client, f"/api/occupancies/{occ.pk}/end/", {"end": "2023-01-01"})
    assert early.status_code == 400  # before its start: the registry's own rule
    # another town's parcel or firm is "not in your scope", however it is named
    elsewhere = _post(client, "/api/occupancies/", {**data, "parcel": other["parcels"][1].number})
    assert elsewhere.status_code == 400 and elsewhere.json()["problems"][0] == {
        "field": "parcel",
        "rule": "api.does_not_exist",
        "message_zh": f"在您的辖区内找不到“{other['parcels'][1].number}”",
        "message_en": f"no '{other['parcels'][1].number}' in your scope",
    }


def test_a_town_registers_and_changes_a_contract_and_its_warnings_follow(client, personas, supervision_data):
    from landcycle.audit.models import AuditEntry
    from landcycle.supervision.models import Contract, Warning

    d, other = supervision_data[XINPU], supervision_data[QIAOTOU]
    client.force_login(personas["xinpu"])
    body = {
        "number": "HT-API-001",
        "kind": "grant",
        "parcels": [d["parcels"][0].number],
        "holder": d["owner"].uscc,
        "price_wan": "300.00",
        "term_years": 50,
        "signed_on": "2023-03-01",
        "agreed_start": "2023-09-01",
        "agreed_completion": "2025-09-01",
    }
    resp = _post(client, "/api/contracts/", body)
    assert resp.status_code == 201, resp.content
    c = Contract.objects.get(pk=resp.json()["id"])
    assert c.town.code == XINPU and c.holder == d["owner"] and resp.json()["parcels"] == [d["parcels"][0].number]
    assert AuditEntry.objects.filter(action="contract.create", object_id=str(c.pk)).count() == 1
    # never started, agreed start long past: the refresh in the same transaction raised its warnings
    assert Warning.objects.filter(subject_type="contract", subject_id=c.pk).exists()
    resp = _patch(client, f"/api/contracts/{c.pk}/", {"actual_start": "2023-08-20", "version": c.version})
    assert resp.status_code == 200 and resp.json()["actual_start"] == "2023-08-20", resp.content
    stale = _patch(client, f"/api/contracts/{c.pk}/", {"note": "x", "version": c.version})
    assert stale.status_code == 400 and stale.json()["problems"][0]["rule"].startswith("edit.")
    backwards = _patch(client, f"/api/contracts/{c.pk}/", {"agreed_completion": "2022-01-01"})
    assert backwards.status_code == 400  # completion before signing: the contract rules' own check
    elsewhere = _post(
        client, "/api/contracts/", {**body, "number": "HT-API-002", "parcels": [other["parcels"][0].number]}
    )
    assert elsewhere.status_code == 400 and elsewhere.json()["problems"][0]["field"] == "parcels"
    assert not Contract.objects.filter(number="HT-API-002").exists()
    client.force_login(personas["leader"])
    assert _post(client, "/api/contracts/", {**body, "number": "HT-API-003"}).status_code == 403


def test_the_county_decides_accepts_and_sends_back_a_towns_answer(client, personas, supervision_data):
    warning = supervision_data[XINPU]["warning"]
    url = f"/api/warnings/{warning.pk}"
    client.force_login(personas["xinpu"])
    assert _post(client, f"{url}/verify/", {"confirmed": False, "reason": "已开工"}).json()["status"] == "disputed"
    assert _post(client, f"{url}/decide/", {"accept": False, "note": "x"}).status_code == 403  # the county's
    client.force_login(personas["admin"])
    no_note = _post(client, f"{url}/decide/", {"accept": False})
    assert no_note.status_code == 400 and no_note.json()["problems"][0]["field"] == "note"
    resp = _post(client, f"{url}/decide/", {"accept": False, "note": "现场未见施工"})
    assert resp.status_code == 200 and resp.json()["status"] == "confirmed", resp.content
    client.force_login(personas["xinpu"])
    due = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    _post(client, f"{url}/handle/", {"measures": "督促开工", "assignee": "p_xinpu", "due": due})
    resp = _post(client, f"{url}/progress/", {"note": "已开工", "submit": True})
    assert resp.status_code == 200 and resp.json()["status"] == "submitted", resp.content
    client.force_login(personas["admin"])
    resp = _post(client, f"{url}/send-back/", {"reason": "缺少开工佐证"})
    assert resp.status_code == 200 and resp.json()["status"] == "handling"
    client.force_login(personas["xinpu"])
    _post(client, f"{url}/progress/", {"note": "补充施工许可证", "submit": True})
    client.force_login(personas["admin"])
    resp = _post(client, f"{url}/accept/", {"note": "同意"})
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    other = supervision_data[QIAOTOU]["warning"]
    fires = _post(client, f"/api/warnings/{other.pk}/close/", {})
    assert fires.status_code == 400 and fires.json()["problems"][0]["rule"] == "warning.still_fires"
    resp = _post(client, f"/api/warnings/{other.pk}/close/", {"exception": True, "reason": "已收回土地"})
    assert resp.status_code == 200 and resp.json()["status"] == "closed", resp.content


def test_the_supervisor_closes_a_task_on_its_evidence_and_reopens_it(client, personas, rectification_data):
    from landcycle.audit.models import AuditEntry

    task = rectification_data[XINPU]["task"]
    url = f"/api/rectification/tasks/{task.pk}"
    client.force_login(personas["xinpu"])
    assert _post(client, f"{url}/close/", {"version": task.version}).status_code == 403
    client.force_login(personas["supervisor"])
    resp = _post(client, f"{url}/close/", {"version": task.version, "note": "佐证齐全", "closed_on": "2026-11-28"})
    assert resp.status_code == 200 and resp.json()["status"] == "closed", resp.content
    assert AuditEntry.objects.filter(object_id=str(task.pk), action__contains="close").exists()
    version = resp.json()["version"]
    again = _post(client, f"{url}/close/", {"version": version})
    assert again.status_code == 400  # already closed
    no_reason = _post(client, f"{url}/reopen/", {"version": version})
    assert no_reason.status_code == 400 and no_reason.json()["problems"][0]["field"] == "reason"
    resp = _post(client, f"{url}/reopen/", {"version": version, "reason": "遗留物回流", "reopened_on": "2026-12-01"})
    assert resp.status_code == 200 and resp.json()["status"] != "closed", resp.content
    # closing again needs new evidence since the reopening
    refused = _post(client, f"{url}/close/", {"version": resp.json()["version"]})
    assert refused.status_code == 400


def test_the_evaluation_computes_and_publishes_a_run(client, personas, evaluation_data, run_tasks):
    from landcycle.evaluation.models import EvaluationRun

    client.force_login(personas["xinpu"])
    assert _post(client, "/api/evaluation/runs/", {"year": 2025}).status_code == 403
    client.force_login(personas["analyst"])
    none = _post(client, "/api/evaluation/runs/", {"year": 2019})
    assert none.status_code == 400  # no figures of that year: the service says so
    unknown = _post(client, "/api/evaluation/runs/", {"year": 2025, "policy": 999999})
    assert unknown.status_code == 400 and unknown.json()["problems"][0]["field"] == "policy"
    resp = _post(client, "/api/evaluation/runs/", {"year": 2025, "notes": "复核"})
    assert resp.status_code == 202 and resp.json()["status"] == "queued", resp.content
    assert run_tasks() == 1
    job = client.get(resp["Location"]).json()
    assert job["status"] == "done"
    run = EvaluationRun.objects.get(pk=job["run"])
    assert run.status == "draft" and run.notes == "复核"
    assert _post(client, f"/api/evaluation/runs/{run.pk}/notes/", {"notes": "已复核"}).status_code == 200
    again = _post(client, f"/api/evaluation/runs/{run.pk}/recompute/", {})
    assert again.status_code == 202 and again.json()["kind"] == "recompute" and again.json()["run"] == run.pk
    assert run_tasks() == 1
    resp = _post(client, f"/api/evaluation/runs/{run.pk}/publish/", {})
    assert resp.status_code == 200 and resp.json()["status"] == "published"
    old = evaluation_data[XINPU]["run"]
    old.refresh_from_db()
    assert old.status != "published"
    assert _post(client, f"/api/evaluation/runs/{run.pk}/notes/", {"notes": "x"}).status_code == 400  # frozen
