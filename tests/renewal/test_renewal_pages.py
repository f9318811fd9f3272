"""The renewal pages and their scope: every URL for each role — a town officer sees and writes only their own town
(another town's project, firm row or evidence answers 404), the county registers and approves, the leader reads and
never writes; the list's colour filter and .xlsx export; the report form writes through the service."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from renewal_data import PLAN, QIAOTOU, START, draft_project, make_project, qt, running  # noqa: F401 -- fixtures

from landcycle.renewal.models import Evidence, FirmFate, ProgressReport, RenewalProject
from landcycle.renewal.services.progress import report_progress

pytestmark = pytest.mark.django_db
XINPU = "330282112"


def _body(resp) -> str:
    return (b"".join(resp.streaming_content) if resp.streaming else resp.content).decode()


@pytest.fixture
def xinpu_project(registry_data, personas):
    return make_project(personas["admin"], registry_data[XINPU], number="GZ-XP-2025-01", name="新浦镇老厂区退二优二")


@pytest.fixture
def evidence(running, personas, settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path
    pdf = SimpleUploadedFile("现场.pdf", b"%PDF-1.4 site", content_type="application/pdf")
    r = report_progress(
        actor=personas["qiaotou"],
        project=running,
        period=dt.date(2025, 6, 1),
        percent_done=20,
        text="搬迁中",
        files=[pdf],
        today=dt.date(2025, 9, 15),
    )
    return r.evidence.get()


def urls(project, firm, ev):
    return [
        reverse("renewal_detail", args=[project.pk]),
        reverse("renewal_report_new", args=[project.pk]),
        reverse("renewal_fate_edit", args=[firm.pk]),
        reverse("renewal_evidence", args=[ev.pk]),
    ]


def test_list_is_scoped(client, running, xinpu_project, personas):
    client.force_login(personas["qiaotou"])
    html = _body(client.get(reverse("renewal_list")))
    assert running.number in html and xinpu_project.number not in html
    client.force_login(personas["leader"])
    html = _body(client.get(reverse("renewal_list")))
    assert running.number in html and xinpu_project.number in html
    assert reverse("renewal_create") not in html
    html = _body(client.get(reverse("renewal_list") + "?colour=grey"))  # the draft is not judged
    assert xinpu_project.number in html and running.number not in html


def test_other_towns_objects_answer_404(client, running, evidence, personas):
    firm = FirmFate.objects.filter(project=running).first()
    client.force_login(personas["xinpu"])
    for url in urls(running, firm, evidence):
        assert client.get(url).status_code == 404, url
    for action in ("approve", "start"):
        assert client.post(reverse("renewal_detail", args=[running.pk]), {"action": action}).status_code == 404
    client.force_login(personas["qiaotou"])
    for url in urls(running, firm, evidence):
        assert client.get(url).status_code == 200, url
    client.force_login(personas["leader"])  # reads, never writes
    assert client.get(reverse("renewal_detail", args=[running.pk])).status_code == 200
    assert client.get(reverse("renewal_evidence", args=[evidence.pk])).status_code == 200
    for url in urls(running, firm, evidence)[1:3]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("renewal_create")).status_code == 404
    assert client.get(reverse("renewal_overview")).status_code == 200


def test_county_registers_approves_and_town_starts(client, qt, personas):
    client.force_login(personas["qiaotou"])
    assert client.get(reverse("renewal_create")).status_code == 404
    client.force_login(personas["admin"])
    data = {
        "number": "GZ-QT-9",
        "name": "桥头镇西区改造",
        "town": qt["town"].pk,
        "kind": "upgrade",
        "parks": [qt["park"].pk],
        "planned_start": "2025-01-01",
        "planned_end": "2026-12-31",
        "area_mu": "50",
        "demolish_mu": "51",
        "m_approval": "2025-02-01",
        "m_completion": "2026-10-01",
    }
    resp = client.post(reverse("renewal_create"), data)
    assert resp.status_code == 200 and "大于项目改造面积" in _body(resp)
    assert not RenewalProject.objects.exists()
    data["demolish_mu"] = "20"
    resp = client.post(reverse("renewal_create"), data)
    p = RenewalProject.objects.get(number="GZ-QT-9")
    assert resp.status_code == 302 and p.milestones.count() == 2
    client.post(
        reverse("renewal_detail", args=[p.pk]),
        {"action": "approve", "approved_on": "2025-02-01", "document": "慈政发〔2025〕9号"},
    )
    p.refresh_from_db()
    assert p.state == "approved"
    client.force_login(personas["qiaotou"])
    client.post(reverse("renewal_detail", args=[p.pk]), {"action": "start", "started_on": "2025-03-01"})
    p.refresh_from_db()
    assert p.state == "under_way" and p.firms.count() == 2
    html = _body(client.get(reverse("renewal_detail", args=[p.pk])))
    assert "企业去向" in html and qt["owner"].name in html and "<svg" in html


def test_report_form_and_fate_form(client, running, qt, registry_data, personas, settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path
    client.force_login(personas["qiaotou"])
    url = reverse("renewal_report_new", args=[running.pk])
    bad = {"period": "2025-06", "percent_done": "30", "demolished_mu": "61", "text": "拆除"}
    resp = client.post(url, bad)
    assert resp.status_code == 200 and "大于项目改造面积" in _body(resp) and not ProgressReport.objects.exists()
    ok = {**bad, "demolished_mu": "18", "m_relocation": "2025-06-10"}
    ok["files"] = SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4 photo", content_type="application/pdf")
    resp = client.post(url, ok)
    assert resp.status_code == 302
    r = ProgressReport.objects.get()
    assert r.demolished_mu == 18 and Evidence.objects.get().report == r
    assert running.milestones.get(kind="relocation").done_on == dt.date(2025, 6, 10)
    firm = FirmFate.objects.get(project=running, enterprise=qt["tenant"])
    resp = client.post(reverse("renewal_fate_edit", args=[firm.pk]), {"fate": "moves", "decided_on": "2025-04-01"})
    assert resp.status_code == 200 and "迁入园区" in _body(resp)
    resp = client.post(
        reverse("renewal_fate_edit", args=[firm.pk]),
        {"fate": "closed", "decided_on": "2025-04-01", "note": "关停"},
    )
    firm.refresh_from_db()
    assert resp.status_code == 302 and firm.fate == "closed"


def test_export_xlsx(client, running, personas):
    from openpyxl import load_workbook

    client.force_login(personas["admin"])
    resp = client.get(reverse("renewal_list") + "?export=xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "项目编号" and rows[1][0] == running.number and rows[1][5] == 60


def test_overview_counts_firms(client, running, qt, personas):
    from landcycle.renewal.services.firms import fate_record

    fate_record(actor=personas["qiaotou"], project=running, enterprise=qt["owner"], fate="stays", decided_on=START)
    client.force_login(personas["admin"])
    html = _body(client.get(reverse("renewal_overview")))
    assert qt["town"].name in html and 'data-town="330282109"' in html


def test_map_colouring_and_file_sections(client, running, qt, personas, monkeypatch):
    """The map's "renewal" colouring gives each parcel of a project its colour; a parcel's and a park's file list the
    projects covering them. Today is pinned to 2025-09-15: planned 35.6 % (256 of 729 days), nothing reported, the
    relocation milestone (2025-05-31) 107 days late → red."""
    from django.utils import timezone

    from landcycle.registry.hooks import parcel_colourings

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2025, 9, 15))
    colouring = parcel_colourings()["renewal"]
    parcels = qt["parcels"]
    assert colouring.colours_of([p.pk for p in parcels]) == {parcels[0].pk: "red", parcels[1].pk: "red"}
    assert "renewalColours" in colouring.config()
    client.force_login(personas["qiaotou"])
    for url in (reverse("parcel_detail", args=[parcels[0].pk]), reverse("park_detail", args=[qt["park"].pk])):
        html = _body(client.get(url))
        assert 'id="renewal"' in html and running.number in html


def test_county_edits_a_draft_plan_only(client, draft_project, qt, personas):
    url = reverse("renewal_edit", args=[draft_project.pk])
    client.force_login(personas["qiaotou"])
    assert client.get(url).status_code == 404
    client.force_login(personas["admin"])
    html = _body(client.get(url))
    assert draft_project.name in html and 'value="60.00"' in html
    data = {
        "name": "桥头镇东区改造（调整）",
        "town": qt["town"].pk,
        "kind": "retreat_optimise",
        "parks": [qt["park"].pk],
        "planned_start": "2025-01-01",
        "planned_end": "2027-06-30",
        "area_mu": "65",
        "demolish_mu": "66",
        "m_approval": "2025-02-01",
    }
    resp = client.post(url, data)
    assert resp.status_code == 200 and "大于项目改造面积" in _body(resp)
    data["demolish_mu"] = "30"
    assert client.post(url, data).status_code == 302
    draft_project.refresh_from_db()
    assert draft_project.area_mu == 65 and draft_project.kind == "retreat_optimise"
    assert list(draft_project.milestones.values_list("kind", flat=True)) == ["approval"]
    from landcycle.renewal.services.projects import project_approve

    project_approve(actor=personas["admin"], project=draft_project, approved_on=dt.date(2025, 2, 1), document="x")
    resp = client.post(url, data)
    assert resp.status_code == 200 and "已批准的方案不能修改" in _body(resp)


def test_a_late_project_joins_the_warning_board(client, running, personas):
    """Started in 2025 with nothing reported: red on any day since; listed on the board for its town only."""
    client.force_login(personas["leader"])
    html = _body(client.get(reverse("warning_board")))
    assert 'id="board-renewal"' in html and running.number in html
    assert running.number in _body(client.get(reverse("warning_board"), {"town": QIAOTOU}))
    assert running.number not in _body(client.get(reverse("warning_board"), {"town": XINPU}))
    client.force_login(personas["xinpu"])  # another town's officer
    assert running.number not in _body(client.get(reverse("warning_board")))
