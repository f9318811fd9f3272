"""The full life of a rectification item: an inspection's finding, tasks for two towns, two reconciliation
rounds (an update confirmed, a missing one flagged, one challenged), close-out with evidence, reopening on
relapse — with every state change in the task's history and the audit chain intact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import COUNTY, QIAOTOU, RECTIFICATION_PDF, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_verify
from landcycle.rectification.models import Evidence, RoundItem, Task, TaskEvent
from landcycle.rectification.selectors import task_colours
from landcycle.rectification.services.ledger import finding_create, inspection_create, task_create
from landcycle.rectification.services.progress import progress_submit, task_close, task_reopen
from landcycle.rectification.services.rounds import round_close, round_item_review, round_open
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
D = dt.date


def pdf(name="佐证.pdf"):
    return SimpleUploadedFile(name, RECTIFICATION_PDF, content_type="application/pdf")


def submit(user, task, pct, day, **kw):
    task.refresh_from_db()
    return progress_submit(
        actor=user, task=task, version=task.version, percent_done=pct, text=f"完成{pct}%", reported_on=day, **kw
    )


@pytest.fixture
def ledger(regions, personas, settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"
    sup = personas["supervisor"]
    insp = inspection_create(
        actor=sup,
        kind="revisit",
        title="省委巡视组对慈溪市开展巡视“回头看”",
        body="浙江省委巡视组",
        started_on=D(2026, 2, 24),
        ended_on=D(2026, 4, 3),
        regions=[regions[COUNTY]],
    )
    finding = finding_create(
        actor=sup,
        inspection=insp,
        found_on=D(2026, 4, 10),
        summary="清理整治“低散污乱”企业的魄力还不够大，低效企业腾退迟缓",
        source_text="清理整治‘低散污乱’企业的魄力还不够大",
    )
    xinpu = task_create(
        actor=sup,
        finding=finding,
        town=regions[XINPU],
        title="敦和园区到期企业腾退",
        measures="引入司法调解，推动到期企业腾退",
        deadline=D(2026, 10, 31),
        assigned_on=D(2026, 4, 20),
        person="胡晓东",
    )
    qiaotou = task_create(
        actor=sup,
        finding=finding,
        town=regions[QIAOTOU],
        title="加强园区日常管理",
        measures="建立园区企业台账",
        deadline=D(2027, 1, 31),
        assigned_on=D(2026, 4, 20),
    )
    return {"inspection": insp, "finding": finding, "xinpu": xinpu, "qiaotou": qiaotou}


def test_inspection_finding_tasks_two_rounds_close_out_and_reopen(ledger, personas, regions):
    sup, officer_x, officer_q = personas["supervisor"], personas["xinpu"], personas["qiaotou"]
    tx, tq = ledger["xinpu"], ledger["qiaotou"]
    assert (tx.number, tq.number) == ("1-1", "1-2")
    assert tx.status == Task.Status.OPEN and tx.version == 1

    # round 1 (2026-09-01–15): 新浦镇 reports with evidence and is confirmed; 桥头镇 says nothing and is flagged
    r1 = round_open(actor=sup, county=regions[COUNTY], on=D(2026, 9, 1))
    assert (r1.period_start, r1.period_end, r1.due_on, r1.label_zh) == (
        D(2026, 9, 1),
        D(2026, 9, 15),
        D(2026, 9, 15),
        "2026年9月上半月",
    )
    assert r1.items.count() == 2 and r1.items.get(task=tx).snapshot["percent_done"] == 0
    report = submit(officer_x, tx, 50, D(2026, 9, 8), files=[pdf("清点表.pdf")])
    item_x = r1.items.get(task=tx)
    assert item_x.report == report and item_x.percent_reported == 50 and report.round_item == item_x
    ev = Evidence.objects.get(report=report)
    assert ev.sha256 == __import__("hashlib").sha256(RECTIFICATION_PDF).hexdigest() and ev.size == len(
        RECTIFICATION_PDF
    )
    round_item_review(actor=sup, item=item_x, decision="confirmed", on=D(2026, 9, 10))
    round_close(actor=sup, round=r1, on=D(2026, 9, 15))
    item_q = r1.items.get(task=tq)
    assert item_q.flagged and not item_q.submitted and item_q.final["flagged"] is True
    assert r1.items.get(task=tx).final == {**r1.items.get(task=tx).final, "decision": "confirmed", "submitted": True}

    # round 2 (2026-09-16–30): 新浦镇 finishes and asks for close-out; 桥头镇 reports and is challenged
    r2 = round_open(actor=sup, county=regions[COUNTY], on=D(2026, 9, 16))
    assert r2.items.get(task=tx).snapshot["percent_done"] == 50  # the snapshot starts from round 1's update
    submit(officer_x, tx, 100, D(2026, 9, 23), files=[pdf("验收报告.pdf")], request_close=True)
    submit(officer_q, tq, 50, D(2026, 9, 24))
    round_item_review(actor=sup, item=r2.items.get(task=tx), decision="confirmed", on=D(2026, 9, 25))
    round_item_review(
        actor=sup, item=r2.items.get(task=tq), decision="challenged", note="未见园区企业台账，请补充", on=D(2026, 9, 25)
    )
    round_close(actor=sup, round=r2, on=D(2026, 9, 30))
    colours = task_colours([tq], D(2026, 10, 1))
    assert colours[tq.pk].colour == "yellow" and "被质询" in colours[tq.pk].zh

    # close-out (销号) by the supervisor, with evidence
    tx.refresh_from_db()
    task_close(actor=sup, task=tx, version=tx.version, note="整改到位", closed_on=D(2026, 10, 8))
    tx.refresh_from_db()
    assert (tx.status, tx.percent_done, tx.closed_on) == (Task.Status.CLOSED, 100, D(2026, 10, 8))
    r3 = round_open(actor=sup, county=regions[COUNTY], on=D(2026, 10, 1))
    assert list(r3.items.values_list("task", flat=True)) == [tq.pk]  # a closed task is not reconciled again

    # relapse (反弹): reopened with its reason; a new close-out needs new evidence
    task_reopen(
        actor=sup,
        task=tx,
        version=tx.version,
        reason="复查发现企业回流原址生产",
        reopened_on=D(2026, 10, 12),
        deadline=D(2026, 12, 31),
    )
    tx.refresh_from_db()
    assert (tx.status, tx.percent_done, tx.deadline, tx.closed_on) == (Task.Status.REOPENED, 0, D(2026, 12, 31), None)
    with pytest.raises(RuleError) as exc:
        task_close(actor=sup, task=tx, version=tx.version)
    assert exc.value.problems[0].rule == "closeout.no_evidence"
    submit(officer_x, tx, 100, D(2026, 10, 20), files=[pdf("复查报告.pdf")])
    tx.refresh_from_db()
    task_close(actor=sup, task=tx, version=tx.version, closed_on=D(2026, 10, 22))

    # every state change is kept
    kinds = list(TaskEvent.objects.filter(task=tx).order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        "created",
        "progress",
        "confirmed",
        "progress",
        "confirmed",
        "closed",
        "reopened",
        "progress",
        "closed",
    ]
    reopened = TaskEvent.objects.get(task=tx, kind="reopened")
    assert (reopened.from_status, reopened.to_status, reopened.note) == (
        "closed",
        "reopened",
        "复查发现企业回流原址生产",
    )
    assert list(TaskEvent.objects.filter(task=tq).order_by("pk").values_list("kind", flat=True)) == [
        "created",
        "flagged",
        "progress",
        "challenged",
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "inspection.create",
        "finding.create",
        "task.create",
        "round.open",
        "round_item.snapshot",
        "task.progress",
        "round_item.confirmed",
        "round_item.challenged",
        "round.close",
        "task.close",
        "task.reopen",
    } <= actions
    assert audit_verify().ok


def test_progress_outside_a_round_and_the_round_item_it_answers(ledger, personas, regions):
    tx = ledger["xinpu"]
    first = submit(personas["xinpu"], tx, 10, D(2026, 6, 30))
    assert first.round_item is None
    rnd = round_open(actor=personas["supervisor"], county=regions[COUNTY], on=D(2026, 11, 16))
    second = submit(personas["xinpu"], tx, 30, D(2026, 11, 20))
    item = rnd.items.get(task=tx)
    assert second.round_item == item and item.report == second
    # a challenged item gets a new update: back to pending review
    round_item_review(actor=personas["supervisor"], item=item, decision="challenged", note="请补充照片")
    submit(personas["xinpu"], tx, 35, D(2026, 11, 21))
    item.refresh_from_db()
    assert item.decision == RoundItem.Decision.PENDING and item.percent_reported == 35 and item.review_note == ""
