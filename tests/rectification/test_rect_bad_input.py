"""Bad input is refused with a clear message in Chinese and English, naming the field, and nothing is
written — no row, no audit entry, no file: an evidence file of a type, size or content the policy does not
allow, a task without a responsible unit or deadline, a deadline before the finding's date, an update to a
closed round, a close-out without evidence. The forms show each problem under its field in both languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import QIAOTOU, RECTIFICATION_PDF, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rectification.models import Evidence, Finding, Inspection, ProgressReport, RoundItem, Task, TaskEvent
from landcycle.rectification.policy import rectification_policy
from landcycle.rectification.services.ledger import task_create
from landcycle.rectification.services.progress import progress_submit, task_close
from landcycle.rectification.services.rounds import round_close, round_item_review
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
D = dt.date
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _state(settings):
    root = settings.UPLOADS_DIR / "evidence"
    files = sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return (
        [m.objects.count() for m in (Inspection, Finding, Task, TaskEvent, ProgressReport, Evidence, AuditEntry)],
        list(Task.objects.order_by("pk").values_list("version", "status", "percent_done")),
        list(RoundItem.objects.order_by("pk").values_list("report", "decision")),
        files,
    )


def _refused(settings, write, rule, field):
    before = _state(settings)
    with pytest.raises(RuleError) as exc:
        write()
    problem = next((p for p in exc.value.problems if p.rule == rule), None)
    assert problem is not None, [p.rule for p in exc.value.problems]
    assert problem.field == field and problem.zh and problem.en and problem.zh != problem.en
    assert _state(settings) == before
    return problem


def _submit(d, officer, *files, item=None):
    task = Task.objects.get(pk=d["task"].pk)
    return lambda: progress_submit(
        actor=officer,
        task=task,
        version=task.version,
        percent_done=80,
        text="进展",
        reported_on=D(2026, 11, 27),
        files=list(files),
        item=item,
    )


@pytest.mark.parametrize(
    "name, data, rule",
    [
        ("清运记录.exe", b"MZ\x90\x00", "evidence.type"),
        ("无扩展名", RECTIFICATION_PDF, "evidence.type"),
        ("照片.pdf", PNG, "evidence.content"),  # a picture renamed .pdf
        ("空文件.pdf", b"", "evidence.empty"),
    ],
)
def test_evidence_the_policy_does_not_allow(rectification_data, personas, settings, name, data, rule):
    d = rectification_data[XINPU]
    good = SimpleUploadedFile("好的.pdf", RECTIFICATION_PDF + b"% ok\n")
    p = _refused(settings, _submit(d, personas["xinpu"], good, SimpleUploadedFile(name, data)), rule, "files")
    assert name in p.zh and name in p.en


def test_evidence_over_the_size_limit(rectification_data, personas, settings, monkeypatch):
    small = dataclasses.replace(rectification_policy(), max_size_bytes=1024)
    monkeypatch.setattr("landcycle.rectification.services.progress.rectification_policy", lambda *_county: small)
    big = SimpleUploadedFile("航拍图.png", PNG + b"\x00" * 2048)
    p = _refused(settings, _submit(rectification_data[XINPU], personas["xinpu"], big), "evidence.size", "files")
    assert "超过上限" in p.zh and "MB limit" in p.en


def test_the_default_limit_is_twenty_megabytes(rectification_data, personas, settings):
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    _refused(settings, _submit(rectification_data[XINPU], personas["xinpu"], big), "evidence.size", "files")


@pytest.mark.parametrize(
    "change, rule, field",
    [
        ({"town": None}, "task.unit_missing", "town"),
        ({"deadline": None}, "task.deadline_missing", "deadline"),
        ({"deadline": D(2026, 9, 1)}, "task.deadline_before_finding", "deadline"),
        ({"measures": "  "}, "task.measures", "measures"),
        ({"town": "county", "department": ""}, "task.department_missing", "department"),
        ({"parks": "other"}, "task.link_other_town", "parks"),
    ],
)
def test_a_task_needs_a_unit_a_deadline_after_the_finding_and_measures(
    rectification_data, personas, regions, settings, change, rule, field
):
    d = rectification_data[XINPU]
    kwargs = dict(
        finding=d["finding"],
        town=d["town"],
        title="新任务",
        measures="措施",
        deadline=D(2026, 12, 31),
        assigned_on=D(2026, 9, 15),
    )
    kwargs.update(change)
    if kwargs["town"] == "county":
        kwargs["town"] = regions["330282"]
    if kwargs.get("parks") == "other":
        kwargs["parks"] = [rectification_data[QIAOTOU]["park"]]
    _refused(settings, lambda: task_create(actor=personas["supervisor"], **kwargs), rule, field)


def test_an_update_to_a_closed_round(rectification_data, personas, settings):
    sup, d = personas["supervisor"], rectification_data[XINPU]
    for code in (XINPU, QIAOTOU):
        round_item_review(actor=sup, item=rectification_data[code]["round_item"], decision="confirmed")
    round_close(actor=sup, round=d["round"], on=D(2026, 11, 29))
    item = RoundItem.objects.get(pk=d["round_item"].pk)
    _refused(
        settings,
        _submit(d, personas["xinpu"], SimpleUploadedFile("补报.pdf", RECTIFICATION_PDF), item=item),
        "round.closed",
        "round",
    )


def test_a_close_out_without_evidence(rectification_data, personas, settings):
    sup, d = personas["supervisor"], rectification_data[XINPU]
    task = task_create(
        actor=sup,
        finding=d["finding"],
        town=d["town"],
        title="无佐证任务",
        measures="措施",
        deadline=D(2026, 12, 31),
        assigned_on=D(2026, 9, 15),
    )
    progress_submit(
        actor=personas["xinpu"],
        task=task,
        version=task.version,
        percent_done=100,
        text="已完成（未附材料）",
        reported_on=D(2026, 11, 27),
    )
    task.refresh_from_db()
    _refused(
        settings,
        lambda: task_close(actor=sup, task=task, version=task.version),
        "closeout.no_evidence",
        "evidence",
    )


def test_progress_out_of_range_and_in_the_future(rectification_data, personas, settings):
    d = rectification_data[XINPU]
    task = Task.objects.get(pk=d["task"].pk)
    _refused(
        settings,
        lambda: progress_submit(
            actor=personas["xinpu"],
            task=task,
            version=task.version,
            percent_done=120,
            text="x",
            reported_on=D(2026, 11, 27),
        ),
        "progress.percent",
        "percent_done",
    )
    _refused(
        settings,
        lambda: progress_submit(
            actor=personas["xinpu"],
            task=task,
            version=task.version,
            percent_done=90,
            text="x",
            reported_on=D(2099, 1, 1),
        ),
        "progress.future",
        "reported_on",
    )


def test_the_task_form_shows_each_problem_under_its_field_in_the_users_language(
    client, rectification_data, personas, settings
):
    d = rectification_data[XINPU]
    client.force_login(personas["supervisor"])
    before = _state(settings)
    resp = client.post(
        reverse("task_create", args=[d["finding"].pk]),
        {"title": "补充任务", "assigned_on": "2026-09-15", "deadline": "2026-08-01", "measures": ""},
    )
    html = unescape(resp.content.decode())
    assert resp.status_code == 200 and _state(settings) == before
    problems = resp.context["form"].problems
    assert {"town", "deadline", "measures"} <= set(problems)
    assert "整改时限2026-08-01早于问题发现日期2026-09-10" in html and "is before the finding's date" not in html
    assert "请指定责任单位" in html and "Name the responsible unit" not in html  # the user's language only
    # the form's own checks carry both languages too (the page shows the reader's)
    resp = client.post(
        reverse("task_create", args=[d["finding"].pk]),
        {"title": "x", "assigned_on": "昨天", "enterprises": "不存在的企业"},
    )
    (p,) = resp.context["form"].problems["assigned_on"]
    assert p.zh != p.en and "date" in p.en.lower()
    (p,) = resp.context["form"].problems["enterprises"]
    assert "不存在的企业" in p.zh and "不存在的企业" in p.en and p.zh != p.en


def test_the_progress_form_refuses_a_bad_file_in_both_languages(client, rectification_data, personas, settings):
    d = rectification_data[XINPU]
    client.force_login(personas["xinpu"])
    before = _state(settings)
    resp = client.post(
        reverse("task_update", args=[d["task"].pk]),
        {
            "version": d["task"].version,
            "percent_done": "80",
            "reported_on": "2026-11-27",
            "text": "进展",
            "files": SimpleUploadedFile("病毒.exe", b"MZ\x90\x00"),
        },
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and _state(settings) == before
    assert 'data-rule="evidence.type"' in html and "不在允许范围内" in html and "does not allow" not in html
