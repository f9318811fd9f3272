"""The new stages through the API: exits cases, renewal reports and fates, ranking runs. Writes go through the apps'
services (the same checks, the same audit rows); reads follow the pages (a ranking draft is the county's)."""

from __future__ import annotations

import pytest
from api_support import _fresh_throttle_counts, world  # noqa: F401 -- fixtures

from conftest import QIAOTOU, XINPU

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _audited(action, obj) -> int:
    from landcycle.audit.models import AuditEntry

    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).count()


def test_a_town_opens_a_case_and_records_on_it(client, personas, world):
    from landcycle.exits.models import Case

    d, other = world[XINPU], world[QIAOTOU]
    client.force_login(personas["xinpu"])
    body = {
        "ground": "voluntary",
        "town": XINPU,
        "parcels": [d["parcels"][1].number],
        "enterprises": [d["owner"].uscc],
        "planned_start": "2026-04-01",
        "deadline": "2026-12-31",
        "opened_on": "2026-03-15",
        "reason": "企业自愿退出",
    }
    resp = _post(client, "/api/exits/cases/", body)
    assert resp.status_code == 201, resp.content
    case = Case.objects.get(pk=resp.json()["id"])
    assert case.town.code == XINPU and resp.json()["parcels"] == [d["parcels"][1].number]
    assert resp.json()["state"] == "open" and resp.json()["colour"]["colour"] in ("green", "yellow", "red", "grey")
    assert _audited("exits.case_open", case) == 1

    step = _post(client, f"/api/exits/cases/{case.pk}/steps/", {"kind": "notice", "date": "2026-03-20"})
    assert step.status_code == 201, step.content
    assert [s["kind"] for s in step.json()["steps"]] == ["notice"]
    early = _post(client, f"/api/exits/cases/{case.pk}/steps/", {"kind": "talk", "date": "2026-01-01"})
    assert early.status_code == 400 and early.json()["problems"][0]["rule"] == "exits.before_opening"

    item = {"category": "equipment", "description": "冲床两台", "quantity": "2", "unit": "台"}
    resp = _post(client, f"/api/exits/cases/{case.pk}/items/", item)
    assert resp.status_code == 201 and resp.json()["items"][0]["description"] == "冲床两台"
    resp = _post(client, f"/api/exits/cases/{case.pk}/money/", {"kind": "clearing", "amount_wan": "3.50"})
    assert resp.status_code == 201 and resp.json()["money"][0]["amount_wan"] == "3.50"
    assert _audited("exits.step_add", case.steps.get()) == 1
    assert _audited("exits.money_add", case.money.get()) == 1

    # another town's parcel is refused by the service; a take-back is the county's
    elsewhere = _post(client, "/api/exits/cases/", {**body, "parcels": [other["parcels"][1].number]})
    assert elsewhere.status_code == 400
    takeback = _post(client, "/api/exits/cases/", {**body, "kind": "takeback", "ground": "idle_land"})
    assert takeback.status_code == 403 and takeback.json()["problems"][0]["rule"] == "api.permission_denied"
    assert Case.objects.filter(town__code=XINPU).count() == 2
    client.force_login(personas["admin"])
    county = _post(client, "/api/exits/cases/", {**body, "kind": "takeback", "ground": "idle_land"})
    assert county.status_code == 201 and county.json()["kind"] == "takeback"


def test_a_town_reports_renewal_progress_and_a_firms_fate(client, personas, world):
    from landcycle.renewal.models import FirmFate, Milestone

    d, other = world[XINPU], world[QIAOTOU]
    project = d["renewal_project"]
    client.force_login(personas["xinpu"])
    report = {
        "period": "2025-06-01",
        "percent_done": 30,
        "demolished_mu": "10",
        "text": "搬迁腾空完成",
        "milestones_done": {"relocation": "2025-05-28"},
    }
    resp = _post(client, f"/api/renewal/projects/{project.pk}/report/", report)
    assert resp.status_code == 201, resp.content
    assert resp.json()["reports"][-1]["percent_done"] == 30 and resp.json()["percent_done"] == 30
    assert Milestone.objects.get(project=project, kind="relocation").done_on.isoformat() == "2025-05-28"
    unknown = _post(client, f"/api/renewal/projects/{project.pk}/report/", {**report, "milestones_done": {"x": None}})
    assert unknown.status_code == 400 and unknown.json()["problems"][0]["field"] == "milestone.x"
    backwards = _post(
        client, f"/api/renewal/projects/{project.pk}/report/", {**report, "period": "2025-08-01", "percent_done": 10}
    )
    assert backwards.status_code == 400  # less done than the month before: the rules' own check

    row = d["renewal_firm"]
    resp = _post(client, f"/api/renewal/firms/{row.pk}/fate/", {"fate": "stays", "decided_on": "2025-07-01"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["fate"] == "stays" and FirmFate.objects.get(pk=row.pk).fate == "stays"
    assert _audited("renewal.fate_record", row) == 1
    moved = _post(
        client,
        f"/api/renewal/firms/{row.pk}/fate/",
        {"fate": "moves", "decided_on": "2025-07-01", "destination": other["park"].code},
    )
    assert moved.status_code == 400 and moved.json()["problems"][0]["rule"] == "api.does_not_exist"
    assert FirmFate.objects.get(pk=row.pk).fate == "stays"


def test_a_ranking_draft_and_its_figures_are_the_countys(client, personas, world):
    draft, published = world[XINPU]["ranking_draft"], world[XINPU]["ranking_run"]
    client.force_login(personas["xinpu"])
    assert client.get(f"/api/ranking/runs/{draft.pk}/").status_code == 404
    assert client.get(f"/api/ranking/runs/{draft.pk}/results/").status_code == 404
    assert _post(client, f"/api/ranking/runs/{draft.pk}/publish/", {}).status_code == 404
    assert [r["id"] for r in client.get("/api/ranking/runs/").json()["results"]] == [published.pk]
    results = client.get(f"/api/ranking/runs/{published.pk}/results/").json()["results"]
    assert {r["town"] for r in results} >= {XINPU, QIAOTOU}  # the published table is every town's
    quarters = {(r["year"], r["quarter"]) for r in client.get("/api/ranking/inputs/").json()["results"]}
    assert quarters == {(2025, 1)}
    client.force_login(personas["leader"])
    assert client.get(f"/api/ranking/runs/{draft.pk}/").status_code == 200  # county level sees drafts
    quarters = {(r["year"], r["quarter"]) for r in client.get("/api/ranking/inputs/").json()["results"]}
    assert quarters == {(2025, 1), (2025, 3)}
    assert _post(client, "/api/ranking/runs/", {"quarter": "2025Q2"}).status_code == 403


def test_the_county_computes_publishes_and_corrects_a_ranking(client, personas, world):
    from landcycle.ranking.models import RankingRun

    draft, published = world[XINPU]["ranking_draft"], world[XINPU]["ranking_run"]
    client.force_login(personas["analyst"])
    again = _post(client, "/api/ranking/runs/", {"quarter": "2025Q1"})
    assert again.status_code == 400 and again.json()["problems"][0]["rule"] == "ranking.published"
    bad = _post(client, "/api/ranking/runs/", {"quarter": "0000Q1"})
    assert bad.status_code == 400 and bad.json()["problems"][0]["field"] == "quarter"
    resp = _post(client, f"/api/ranking/runs/{draft.pk}/publish/", {})
    assert resp.status_code == 200 and resp.json()["state"] == "published"
    assert _audited("ranking_run.publish", draft) == 1
    assert _post(client, f"/api/ranking/runs/{published.pk}/correct/", {"reason": " "}).status_code == 400
    resp = _post(client, f"/api/ranking/runs/{published.pk}/correct/", {"reason": "税收数据更正"})
    assert resp.status_code == 201 and resp.json()["supersedes"] == published.pk and resp.json()["state"] == "draft"
    correction = RankingRun.objects.get(pk=resp.json()["id"])
    assert _post(client, f"/api/ranking/runs/{correction.pk}/publish/", {}).status_code == 200
    published.refresh_from_db()
    assert published.state == "superseded"


def test_a_closed_case_takes_no_more_records(client, personas, world):
    from landcycle.exits.models import Case

    case = world[XINPU]["exit_case"]
    Case.objects.filter(pk=case.pk).update(state=Case.State.CANCELLED)
    client.force_login(personas["xinpu"])
    for action, body in (
        ("steps", {"kind": "notice", "date": "2026-03-20"}),
        ("items", {"category": "rubbish", "description": "垃圾"}),
        ("money", {"kind": "recovery", "amount_wan": "1.00"}),
    ):
        resp = _post(client, f"/api/exits/cases/{case.pk}/{action}/", body)
        assert resp.status_code == 400 and resp.json()["problems"][0]["rule"] == "exits.case_not_open", action
    assert not case.money.exists() and not case.steps.exists() and case.items.count() == 1  # the fixture's one


def test_a_town_decides_a_leftover_items_owner_and_disposal(client, personas, world):
    from landcycle.exits.models import LeftoverItem

    item, other = world[XINPU]["exit_item"], world[QIAOTOU]["exit_item"]
    client.force_login(personas["xinpu"])
    url = f"/api/exits/items/{item.pk}/"
    half = client.patch(url, {"determined_owner": "firm"}, content_type="application/json")
    assert half.status_code == 400 and half.json()["problems"][0]["rule"] == "exits.owner_without_how"
    body = {"determined_owner": "firm", "determined_how": "agreement", "determined_on": "2026-04-01"}
    resp = client.patch(url, body, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["determined_owner"] == "firm", resp.content
    assert resp.json()["description"] == "冲床" and resp.json()["case"] == world[XINPU]["exit_case"].number
    assert _audited("exits.item_update", item) == 1
    assert client.patch(f"/api/exits/items/{other.pk}/", body, content_type="application/json").status_code == 404
    assert LeftoverItem.objects.get(pk=other.pk).determined_owner == ""


def test_a_renewal_report_carries_its_evidence_files(client, personas, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import RECTIFICATION_PDF
    from landcycle.renewal.models import Evidence

    settings.UPLOADS_DIR = tmp_path / "uploads"
    project = world[XINPU]["renewal_project"]
    client.force_login(personas["xinpu"])
    pdf = SimpleUploadedFile("现场照片.pdf", RECTIFICATION_PDF, content_type="application/pdf")
    body = {"period": "2025-07-01", "percent_done": "40", "text": "拆除过半", "files": [pdf]}
    resp = client.post(f"/api/renewal/projects/{project.pk}/report/", body)  # multipart
    assert resp.status_code == 201, resp.content
    assert resp.json()["reports"][-1]["evidence"] == ["现场照片.pdf"]
    assert Evidence.objects.filter(project=project, name="现场照片.pdf").count() == 1
