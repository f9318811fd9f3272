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


def test_the_county_computes_publishes_and_corrects_a_ranking(client, personas, world, run_tasks):
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
    assert resp.status_code == 202 and resp["Location"] == resp.json()["url"]  # queued: follow the job
    job = resp.json()
    assert (job["status"], job["corrects"], job["reason"], job["run"]) == ("queued", published.pk, "税收数据更正", None)
    assert not RankingRun.objects.filter(supersedes=published).exists()
    again = _post(client, f"/api/ranking/runs/{published.pk}/correct/", {"reason": "再次更正"})
    assert again.status_code == 400 and again.json()["problems"][0]["rule"] == "ranking.computing"  # one at a time
    run_tasks()  # (with what the world's set-up queued)
    job = client.get(resp["Location"]).json()
    assert (job["status"], job["percent"]) == ("done", 100)
    body = client.get(f"/api/ranking/runs/{job['run']}/").json()
    assert (body["supersedes"], body["state"], body["reason"]) == (published.pk, "draft", "税收数据更正")
    assert _audited("ranking_run.correct", RankingRun.objects.get(pk=job["run"])) == 1
    corrected = _post(client, f"/api/ranking/runs/{published.pk}/correct/", {"reason": "第三次"})
    assert corrected.status_code == 400 and corrected.json()["problems"][0]["rule"] == "ranking.correcting"
    correction = RankingRun.objects.get(pk=job["run"])
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


def _patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def test_a_town_plans_links_hands_over_and_cancels_cases(client, personas, world):
    from landcycle.exits.models import Case
    from landcycle.registry.models import Parcel

    d, other = world[XINPU], world[QIAOTOU]
    case = d["exit_case"]
    url = f"/api/exits/cases/{case.pk}/"
    client.force_login(personas["xinpu"])
    resp = _patch(client, url, {"version": case.version, "deadline": "2027-03-31", "responsible_person": "王"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["deadline"] == "2027-03-31" and _audited("exits.case_update", case) == 1
    stale = _patch(client, url, {"version": case.version, "deadline": "2027-04-30"})
    assert stale.status_code in (400, 409) and stale.json()["problems"], stale.content
    takeback_only = _patch(client, url, {"decision_number": "慈政收〔2026〕1号"})
    assert takeback_only.status_code == 400
    assert takeback_only.json()["problems"][0]["rule"] == "exits.takeback_field"

    # the town's own task links; another town's task is unknown here (and names nothing of it)
    linked = _post(client, f"{url}tasks/", {"tasks": [d["task"].pk]})
    assert linked.status_code == 200, linked.content
    assert list(Case.objects.get(pk=case.pk).tasks.all()) == [d["task"]]
    foreign = _post(client, f"{url}tasks/", {"tasks": [other["task"].pk]})
    assert foreign.status_code == 400 and foreign.json()["problems"][0]["rule"] == "exits.task_unknown"
    assert other["task"].title not in foreign.content.decode()

    # the handover waits for the site to be cleared; then the parcel returns to the reserve
    early = _post(client, f"{url}close/", {"on": "2026-06-30", "handover_to": "镇土地储备中心"})
    assert early.status_code == 400 and early.json()["problems"][0]["rule"] == "exits.handover_before_cleared"
    item = {"determined_owner": "firm", "determined_how": "agreement", "determined_on": "2026-04-01"}
    item |= {"disposal": "taken", "disposal_date": "2026-06-15"}
    assert _patch(client, f"/api/exits/items/{d['exit_item'].pk}/", item).status_code == 200
    assert _post(client, f"{url}steps/", {"kind": "cleared", "date": "2026-06-20"}).status_code == 201
    done = _post(client, f"{url}close/", {"on": "2026-06-30", "handover_to": "镇土地储备中心"})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "closed" and done.json()["handover_on"] == "2026-06-30"
    assert Parcel.objects.get(pk=d["parcels"][0].pk).status == Parcel.Status.RESERVE
    assert _audited("exits.case_close", case) == 1
    assert _post(client, f"{url}cancel/", {"on": "2026-07-01", "reason": "x"}).status_code == 400  # closed

    # the other town's case is not there for this officer; its own officer cancels it with a reason
    theirs = f"/api/exits/cases/{other['exit_case'].pk}/"
    assert _post(client, f"{theirs}cancel/", {"on": "2026-07-01", "reason": "企业已自行搬离"}).status_code == 404
    client.force_login(personas["qiaotou"])
    no_reason = _post(client, f"{theirs}cancel/", {"on": "2026-07-01", "reason": " "})
    assert no_reason.status_code == 400
    cancelled = _post(client, f"{theirs}cancel/", {"on": "2026-07-01", "reason": "企业已自行搬离"})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"


def test_the_county_registers_and_approves_a_renewal_plan_the_town_starts_it(client, personas, world):
    from landcycle.renewal.models import FirmFate, RenewalProject

    d, other = world[XINPU], world[QIAOTOU]
    body = {
        "number": "GZ-API-01",
        "name": "新浦镇工业园区有机更新",
        "town": XINPU,
        "kind": "upgrade",
        "planned_start": "2026-01-01",
        "planned_end": "2027-12-31",
        "parks": [d["park"].code],
        "area_mu": "45.5",
        "target_tax_per_mu": "30",
        "milestones": {"approval": "2026-02-01", "relocation": "2026-05-31"},
    }
    client.force_login(personas["xinpu"])
    assert _post(client, "/api/renewal/projects/", body).status_code == 403  # plans are the county's
    client.force_login(personas["admin"])
    wrong = _post(client, "/api/renewal/projects/", {**body, "parks": [other["park"].code]})
    assert wrong.status_code == 400 and wrong.json()["problems"][0]["rule"] == "renewal.park_town"
    created = _post(client, "/api/renewal/projects/", body)
    assert created.status_code == 201, created.content
    project = RenewalProject.objects.get(number="GZ-API-01")
    assert created.json()["state"] == "draft" and created.json()["parks"] == [d["park"].code]
    assert [m["kind"] for m in created.json()["milestones"]] == ["approval", "relocation"]
    assert _audited("renewal.project_create", project) == 1
    url = f"/api/renewal/projects/{project.pk}/"
    changed = _patch(client, url, {"name": "新浦镇工业园区有机更新（一期）", "area_mu": "40"})
    assert changed.status_code == 200 and changed.json()["area_mu"] == "40.00"

    client.force_login(personas["xinpu"])
    assert _post(client, f"{url}start/", {"started_on": "2026-03-01"}).json()["problems"][0]["rule"] == (
        "renewal.not_approved"
    )
    assert _post(client, f"{url}approve/", {"approved_on": "2026-02-01", "document": "x"}).status_code == 403
    client.force_login(personas["admin"])
    approved = _post(client, f"{url}approve/", {"approved_on": "2026-02-01", "document": "慈经信〔2026〕8号"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert _patch(client, url, {"name": "改名"}).json()["problems"][0]["rule"] == "renewal.not_draft"
    client.force_login(personas["xinpu"])
    started = _post(client, f"{url}start/", {"started_on": "2026-03-01"})
    assert started.status_code == 200 and started.json()["started_on"] == "2026-03-01"
    assert FirmFate.objects.filter(project=project).exists()
    client.force_login(personas["qiaotou"])
    assert _post(client, f"{url}start/", {"started_on": "2026-03-01"}).status_code == 404
