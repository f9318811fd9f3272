"""回头看 (防止反弹): a task closed out within the policy's watch period is listed for re-checking in each round;
the supervisor re-confirms it (held) or records the relapse, which reopens the task in the same transaction;
the county sentence counts its own checks and the provincial inspection's findings apart."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import COUNTY, RECTIFICATION_PDF, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rectification.models import Inspection, RelapseCheck, Task
from landcycle.rectification.policy import parse_policy, rectification_policy
from landcycle.rectification.services.ledger import (
    check_record,
    finding_create,
    inspection_create,
    suggestion_create,
    task_create,
)
from landcycle.rectification.services.progress import progress_submit, task_close
from landcycle.rectification.services.rounds import (
    months_after,
    relapse_check_review,
    round_close,
    round_item_review,
    round_open,
)
from landcycle.rectification.summary import county_summary
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2026, 12, 31))


def _closed_task(personas, d, closed_on: D, title="清理违建") -> Task:
    """A task of a check held 30 days before ``closed_on``, closed out on ``closed_on``."""
    sup = personas["supervisor"]
    held = closed_on - dt.timedelta(days=30)
    check = check_record(actor=sup, held_on=held, regions=[d["town"]], body="慈溪市纪委市监委", title=f"{title}检查")
    finding = finding_create(actor=sup, inspection=check, found_on=held, summary=f"{title}问题")
    task = task_create(
        actor=sup,
        finding=finding,
        town=d["town"],
        title=title,
        measures="拆除违建",
        deadline=D(2026, 12, 31),
        assigned_on=held,
    )
    report = progress_submit(
        actor=personas["xinpu"],
        task=task,
        version=task.version,
        percent_done=100,
        text="已拆除",
        reported_on=closed_on,
        request_close=True,
        files=[SimpleUploadedFile("拆除.pdf", RECTIFICATION_PDF)],
    )
    task = report.task
    task.refresh_from_db()
    return task_close(actor=sup, task=task, version=task.version, closed_on=closed_on)


@pytest.fixture
def watched(rectification_data, personas, regions):
    """新浦镇: one task closed on 2026-10-20 (watched), one closed on 2026-03-02 (its six months ended before
    December); the November round is closed so that December's can open."""
    d = rectification_data[XINPU]
    recent = _closed_task(personas, d, D(2026, 10, 20), "清理违建")
    old = _closed_task(personas, d, D(2026, 3, 2), "拆除旧厂房")
    sup = personas["supervisor"]
    for code in rectification_data:
        if "round_item" in rectification_data[code]:
            round_item_review(actor=sup, item=rectification_data[code]["round_item"], decision="confirmed")
    round_close(actor=sup, round=d["round"], on=D(2026, 11, 30))
    rnd = round_open(actor=sup, county=regions[COUNTY], on=D(2026, 12, 1))
    return {"recent": recent, "old": old, "round": rnd, "sup": sup}


def test_a_recently_closed_task_is_listed_for_re_checking_and_an_old_one_is_not(watched):
    checks = RelapseCheck.objects.filter(round=watched["round"])
    assert [c.task_id for c in checks] == [watched["recent"].pk]
    check = checks.get()
    assert (check.closed_on, check.watch_until, check.decision) == (D(2026, 10, 20), D(2027, 4, 20), "pending")
    assert AuditEntry.objects.filter(action="relapse_check.open", object_id=str(check.pk)).exists()
    # the open task is a normal round item, never a re-check
    assert not RelapseCheck.objects.filter(task__status="open").exists()


def test_holding_keeps_the_task_closed_and_writes_its_history(watched):
    check = RelapseCheck.objects.get(round=watched["round"])
    relapse_check_review(actor=watched["sup"], check=check, decision="held", note="现场复查未反弹", on=D(2026, 12, 3))
    task = Task.objects.get(pk=watched["recent"].pk)
    assert task.status == "closed"
    event = task.events.get(kind="rechecked")
    assert (event.on, event.round_id, event.note) == (D(2026, 12, 3), watched["round"].pk, "现场复查未反弹")
    with pytest.raises(RuleError) as exc:  # once per round
        relapse_check_review(actor=watched["sup"], check=check, decision="relapsed", note="又违建")
    assert "recheck.done" in {p.rule for p in exc.value.problems}


def test_a_failed_re_check_reopens_the_task_with_its_reason_in_one_step(watched):
    check = RelapseCheck.objects.get(round=watched["round"])
    audit = AuditEntry.objects.count()
    with pytest.raises(RuleError) as exc:
        relapse_check_review(actor=watched["sup"], check=check, decision="relapsed", note=" ")
    assert {p.rule for p in exc.value.problems} == {"recheck.reason"}
    assert AuditEntry.objects.count() == audit and Task.objects.get(pk=watched["recent"].pk).status == "closed"

    relapse_check_review(
        actor=watched["sup"],
        check=check,
        decision="relapsed",
        note="原址恢复违建",
        on=D(2026, 12, 4),
        deadline=D(2027, 2, 28),
    )
    task = Task.objects.get(pk=watched["recent"].pk)
    assert (task.status, task.closed_on, task.deadline, task.percent_done) == ("reopened", None, D(2027, 2, 28), 0)
    reopened = task.events.get(kind="reopened")
    assert reopened.on == D(2026, 12, 4) and "原址恢复违建" in reopened.note and "回头看" in reopened.note
    actions = list(AuditEntry.objects.filter(seq__gt=audit).order_by("seq").values_list("action", flat=True))
    assert actions == ["relapse_check.relapsed", "task.reopen"]


def test_only_the_supervisor_re_checks_and_not_after_the_round_closed(watched, personas, client):
    check = RelapseCheck.objects.get(round=watched["round"])
    with pytest.raises(Exception):
        relapse_check_review(actor=personas["xinpu"], check=check, decision="held")
    client.force_login(personas["xinpu"])
    assert client.get(reverse("relapse_check_review", args=[check.pk])).status_code in (403, 404)
    # the round page lists it for everyone in scope; the supervisor gets the button
    assert "清理违建" in client.get(reverse("round_detail", args=[watched["round"].pk])).content.decode()
    client.force_login(watched["sup"])
    page = client.get(reverse("round_detail", args=[watched["round"].pk])).content.decode()
    assert 'id="rechecks"' in page and reverse("relapse_check_review", args=[check.pk]) in page
    resp = client.post(
        reverse("relapse_check_review", args=[check.pk]),
        {"decision": "relapsed", "on": "2026-12-04", "note": "", "deadline": ""},
    )
    assert resp.status_code == 200 and "反弹须写明" in resp.content.decode()
    resp = client.post(
        reverse("relapse_check_review", args=[check.pk]),
        {"decision": "held", "on": "2026-12-04", "note": "", "deadline": ""},
    )
    assert resp.status_code == 302
    round_close(actor=watched["sup"], round=watched["round"], on=D(2026, 12, 15))
    with pytest.raises(RuleError) as exc:
        relapse_check_review(
            actor=watched["sup"], check=RelapseCheck.objects.get(pk=check.pk), decision="relapsed", note="又违建"
        )
    assert "round.closed" in {p.rule for p in exc.value.problems}


def test_the_watch_period_is_the_countys_choice(rectification_data, personas, regions, monkeypatch):
    from landcycle.rules.policy import load_default

    shipped = load_default("rectification")
    policy = parse_policy({**shipped, "relapse": {"watch_months": 0}})
    assert policy.relapse_watch_months == 0 and rectification_policy().relapse_watch_months == 6
    with pytest.raises(RuleError) as exc:
        parse_policy({**shipped, "relapse": {"watch_months": -1}})
    assert [p.field for p in exc.value.problems] == ["relapse.watch_months"]
    d = rectification_data[XINPU]
    _closed_task(personas, d, D(2026, 10, 20))
    sup = personas["supervisor"]
    for code in rectification_data:
        if "round_item" in rectification_data[code]:
            round_item_review(actor=sup, item=rectification_data[code]["round_item"], decision="confirmed")
    round_close(actor=sup, round=d["round"], on=D(2026, 11, 30))
    off = dataclasses.replace(rectification_policy(), relapse_watch_months=0)
    monkeypatch.setattr("landcycle.rectification.services.rounds.rectification_policy", lambda *_county: off)
    rnd = round_open(actor=sup, county=regions[COUNTY], on=D(2026, 12, 1))
    assert not RelapseCheck.objects.filter(round=rnd).exists()


def test_months_after_keeps_the_day_or_takes_the_months_last():
    assert months_after(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert months_after(D(2026, 11, 1), -6) == D(2026, 5, 1)
    assert months_after(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert months_after(D(2023, 8, 31), 6) == D(2024, 2, 29)


def test_the_county_sentence_counts_each_source_apart(rectification_data, personas, regions):
    sup = personas["supervisor"]
    xunshi = inspection_create(
        actor=sup,
        kind=Inspection.Kind.XUNSHI,
        title="省委巡视",
        body="省委第一巡视组",
        started_on=D(2026, 3, 1),
        ended_on=D(2026, 4, 1),
        regions=[regions[COUNTY]],
    )
    for n in range(2):
        finding_create(actor=sup, inspection=xunshi, summary=f"巡视问题{n}", found_on=D(2026, 4, 2))
    suggestion_create(actor=sup, inspection=xunshi, text="巡视建议", made_on=D(2026, 4, 2))
    s = county_summary(sup, D(2026, 12, 1))
    # the two supervision checks of the fixture found 2 problems and made 2 suggestions; the provincial
    # inspection's 2 problems and 1 suggestion are not added to them
    assert s["sentence_zh"].startswith(
        "累计开展监督检查2次，监督发现问题2个，提出意见建议2条。巡视1次，反馈问题2个，意见建议1条。交办"
    )
    assert "Provincial inspection (巡视): 1 round, 2 problems fed back, 1 suggestion made." in s["sentence_en"]
    assert (s["findings"], s["check_findings"], s["suggestions"], s["check_suggestions"]) == (4, 2, 3, 2)
