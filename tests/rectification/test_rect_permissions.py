"""Who may do what in the rectification ledger: the supervisor creates inspections, findings, tasks and
rounds, reviews and closes out; town officers report on their own town's tasks only; the county
administrator, analyst and leader read. Refusals write nothing; pages and evidence outside a user's scope
answer 404."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import COUNTY, QIAOTOU, RECTIFICATION_PDF, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rectification.models import Evidence, Inspection, ProgressReport, RoundItem, Task
from landcycle.rectification.services.ledger import check_record, finding_create, task_create
from landcycle.rectification.services.progress import progress_submit, task_close
from landcycle.rectification.services.rounds import round_close, round_item_review, round_open
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
D = dt.date


def _body(resp) -> bytes:
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


def _counts():
    return (
        Inspection.objects.count(),
        Task.objects.count(),
        ProgressReport.objects.count(),
        Evidence.objects.count(),
        AuditEntry.objects.count(),
        list(RoundItem.objects.values_list("decision", flat=True)),
        list(Task.objects.values_list("status", "version")),
    )


@pytest.mark.parametrize("who", ["admin", "analyst", "leader", "xinpu", "qiaotou"])
def test_only_the_supervisor_writes_the_ledger(rectification_data, personas, regions, who):
    user, d = personas[who], rectification_data[XINPU]
    before = _counts()
    writes = [
        lambda: check_record(actor=user, held_on=D(2026, 11, 2), regions=[d["town"]], body="纪委"),
        lambda: finding_create(actor=user, inspection=d["inspection"], summary="问题", found_on=D(2026, 9, 10)),
        lambda: task_create(
            actor=user, finding=d["finding"], town=d["town"], title="任务", measures="措施", deadline=D(2026, 12, 31)
        ),
        lambda: round_item_review(actor=user, item=d["round_item"], decision="confirmed"),
        lambda: task_close(actor=user, task=d["task"], version=d["task"].version),
        lambda: round_close(actor=user, round=d["round"]),
        lambda: round_open(actor=user, county=regions[COUNTY], on=D(2026, 12, 1)),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert _counts() == before


@pytest.mark.parametrize("who", ["supervisor", "admin", "leader", "analyst"])
def test_only_town_officers_report_town_progress(rectification_data, personas, who):
    task = rectification_data[XINPU]["task"]
    before = _counts()
    with pytest.raises(PermissionDenied):
        progress_submit(
            actor=personas[who], task=task, version=task.version, percent_done=70, text="x", reported_on=D(2026, 11, 25)
        )
    assert _counts() == before


def test_an_officer_reports_only_on_their_own_towns_tasks(rectification_data, personas):
    other = rectification_data[QIAOTOU]["task"]
    before = _counts()
    with pytest.raises(RuleError) as exc:
        progress_submit(
            actor=personas["xinpu"],
            task=other,
            version=other.version,
            percent_done=70,
            text="越权报送",
            reported_on=D(2026, 11, 25),
        )
    assert exc.value.problems[0].rule == "scope.town"
    assert _counts() == before


def test_a_county_departments_task_is_reported_by_the_supervisor(rectification_data, personas, regions):
    sup = personas["supervisor"]
    task = task_create(
        actor=sup,
        finding=rectification_data[XINPU]["finding"],
        town=regions[COUNTY],
        department="慈溪市经济和信息化局",
        title="制定攻坚行动方案",
        measures="制定方案",
        deadline=D(2026, 12, 31),
        assigned_on=D(2026, 9, 15),
    )
    with pytest.raises(PermissionDenied):
        progress_submit(
            actor=personas["xinpu"], task=task, version=1, percent_done=50, text="x", reported_on=D(2026, 11, 25)
        )
    progress_submit(
        actor=sup, task=task, version=1, percent_done=50, text="经信局书面报告", reported_on=D(2026, 11, 25)
    )
    assert Task.objects.get(pk=task.pk).percent_done == 50


def test_pages_of_the_other_town_answer_404(client, rectification_data, personas):
    client.force_login(personas["xinpu"])
    mine, other = rectification_data[XINPU], rectification_data[QIAOTOU]
    for name, key in (
        ("inspection_detail", "inspection"),
        ("task_detail", "task"),
        ("task_update", "task"),
        ("evidence_download", "evidence"),
        ("round_item_submit", "round_item"),
        ("finding_create", "inspection"),
        ("task_create", "finding"),
    ):
        assert client.get(reverse(name, args=[other[key].pk])).status_code == 404, name
    assert client.get(reverse("task_detail", args=[mine["task"].pk])).status_code == 200
    html = client.get(reverse("round_detail", args=[mine["round"].pk])).content.decode()
    assert mine["task"].title in html and other["task"].title not in html
    ledger = client.get(reverse("rectification_ledger") + f"?town={QIAOTOU}").content.decode()
    assert mine["task"].title in ledger and other["task"].title not in ledger


def test_evidence_downloads_only_in_scope(client, rectification_data, personas):
    ev = rectification_data[QIAOTOU]["evidence"]
    url = reverse("evidence_download", args=[ev.pk])
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(personas["xinpu"])
    assert client.get(url).status_code == 404  # another town's evidence does not exist for them
    for who in ("qiaotou", "supervisor", "leader"):
        client.force_login(personas[who])
        resp = client.get(url)
        assert resp.status_code == 200, who
        data = _body(resp)
        assert data == RECTIFICATION_PDF and hashlib.sha256(data).hexdigest() == ev.sha256
        assert "attachment" in resp["Content-Disposition"]


@pytest.mark.parametrize("who, status", [("leader", 404), ("admin", 404), ("xinpu", 404), ("supervisor", 302)])
def test_posting_a_write_page_without_the_right_does_nothing(client, rectification_data, personas, who, status):
    d = rectification_data[XINPU]
    client.force_login(personas[who])
    before = Task.objects.get(pk=d["task"].pk).status
    resp = client.post(
        reverse("task_close", args=[d["task"].pk]),
        {"version": d["task"].version, "closed_on": "2026-11-28", "note": "同意销号"},
    )
    assert resp.status_code == status
    assert Task.objects.get(pk=d["task"].pk).status == ("closed" if status == 302 else before)


def test_officers_post_their_update_and_others_cannot(client, rectification_data, personas):
    d = rectification_data[XINPU]
    form = {
        "version": d["task"].version,
        "percent_done": "75",
        "reported_on": "2026-11-26",
        "text": "已完成拆除",
        "files": SimpleUploadedFile("现场照片.pdf", RECTIFICATION_PDF),
    }
    client.force_login(personas["supervisor"])
    assert client.post(reverse("round_item_submit", args=[d["round_item"].pk]), form).status_code == 404
    client.force_login(personas["xinpu"])
    form["files"] = SimpleUploadedFile("现场照片.pdf", RECTIFICATION_PDF)
    resp = client.post(reverse("round_item_submit", args=[d["round_item"].pk]), form)
    assert resp.status_code == 302 and resp["Location"] == reverse("round_detail", args=[d["round"].pk])
    item = RoundItem.objects.get(pk=d["round_item"].pk)
    assert item.percent_reported == 75 and item.report.evidence.count() == 1
