"""Editing what the ledger recorded: the supervisor corrects an inspection, a finding, a suggestion and a task
(its fields and links, through the task's lock; a moved deadline needs a reason); every edit is audited in
the same transaction and visible afterwards (the inspection's 修改记录, the task's 整改记录); refusals write
nothing. Town officers and leaders cannot edit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_verify
from landcycle.rectification.models import Finding, Inspection, Suggestion, Task, TaskEvent
from landcycle.rectification.services.edit import (
    finding_update,
    inspection_update,
    suggestion_update,
    task_links_update,
    task_update,
)
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
D = dt.date


def _state():
    return (
        [m.objects.count() for m in (Inspection, Finding, Suggestion, Task, TaskEvent, AuditEntry)],
        list(Inspection.objects.order_by("pk").values_list("title", "started_on")),
        list(Finding.objects.order_by("pk").values_list("summary", "found_on")),
        list(Task.objects.order_by("pk").values_list("title", "person", "deadline", "version")),
    )


def _refused(write, rule, field):
    before = _state()
    with pytest.raises(RuleError) as exc:
        write()
    problem = next((p for p in exc.value.problems if p.rule == rule), None)
    assert problem is not None, [p.rule for p in exc.value.problems]
    assert problem.field == field and problem.zh and problem.en and problem.zh != problem.en
    assert _state() == before
    return problem


def _inspection_kwargs(insp, **change):
    kw = dict(
        kind=insp.kind,
        title=insp.title,
        body=insp.body,
        started_on=insp.started_on,
        ended_on=insp.ended_on,
        regions=list(insp.regions.all()),
        other_units=insp.other_units,
        summary=insp.summary,
    )
    return kw | change


def _task_kwargs(task, **change):
    kw = dict(
        title=task.title,
        town=task.town,
        department=task.department,
        person=task.person,
        measures=task.measures,
        assigned_on=task.assigned_on,
        deadline=task.deadline,
        parks=list(task.parks.all()),
        parcels=list(task.parcels.all()),
        enterprises=list(task.enterprises.all()),
        contracts=list(task.contracts.all()),
    )
    return kw | change


def test_the_supervisor_corrects_an_inspection_finding_and_suggestion(client, rectification_data, personas, regions):
    sup, d = personas["supervisor"], rectification_data[XINPU]
    insp = inspection_update(
        actor=sup,
        inspection=d["inspection"],
        **_inspection_kwargs(
            d["inspection"],
            title="新浦镇敦和园区腾退监督检查",
            regions=[d["town"], regions[QIAOTOU]],
            summary="实地查看遗留物清理",
        ),
    )
    assert (insp.title, sorted(r.code for r in insp.regions.all())) == ("新浦镇敦和园区腾退监督检查", [QIAOTOU, XINPU])
    entry = AuditEntry.objects.filter(action="inspection.update").get()
    assert json.loads(entry.before)["title"] == "新浦镇老旧工业区块改造提升监督检查"
    assert json.loads(entry.after)["regions"] == [QIAOTOU, XINPU]

    finding = finding_update(
        actor=sup,
        finding=d["finding"],
        summary="敦和园区到期企业腾退迟缓",
        found_on=D(2026, 9, 12),
        source_text="企业以清理费用过高为由拒不腾退",
    )
    assert (finding.summary, finding.found_on, finding.number) == ("敦和园区到期企业腾退迟缓", D(2026, 9, 12), 1)
    sug = suggestion_update(
        actor=sup,
        suggestion=d["suggestion"],
        text="引入司法调解，联动法院释法说理",
        made_on=D(2026, 9, 12),
        finding=None,
    )
    assert (sug.text, sug.finding) == ("引入司法调解，联动法院释法说理", None)
    assert audit_verify().ok

    client.force_login(personas["leader"])  # a reader sees the history of the edits
    html = client.get(reverse("inspection_detail", args=[insp.pk])).content.decode()
    assert 'id="history"' in html and "修改检查" in html and "修改问题1" in html and "修改意见建议1" in html
    assert "新浦镇老旧工业区块改造提升监督检查" in html  # the title before
    assert "新浦镇、桥头镇" in html or "桥头镇、新浦镇" in html  # regions by name, not code
    assert reverse("inspection_edit", args=[insp.pk]) not in html  # no edit buttons for a reader


def test_an_edit_that_would_break_the_dates_is_refused(rectification_data, personas):
    sup, d = personas["supervisor"], rectification_data[XINPU]
    # the inspection cannot start after its finding (2026-09-10), the finding cannot follow its task (2026-09-15)
    _refused(
        lambda: inspection_update(
            actor=sup,
            inspection=d["inspection"],
            **_inspection_kwargs(d["inspection"], started_on=D(2026, 9, 11), ended_on=None),
        ),
        "inspection.after_findings",
        "started_on",
    )
    p = _refused(
        lambda: finding_update(actor=sup, finding=d["finding"], summary="x", found_on=D(2026, 9, 20)),
        "finding.after_tasks",
        "found_on",
    )
    assert d["task"].number in p.zh and "2026-09-15" in p.zh
    _refused(
        lambda: finding_update(actor=sup, finding=d["finding"], summary=" ", found_on=D(2026, 9, 10)),
        "finding.summary",
        "summary",
    )
    other = rectification_data[QIAOTOU]["finding"]
    _refused(
        lambda: suggestion_update(
            actor=sup, suggestion=d["suggestion"], text="x", made_on=D(2026, 9, 10), finding=other
        ),
        "suggestion.finding",
        "finding",
    )


@pytest.mark.parametrize("who", ["admin", "analyst", "leader", "xinpu"])
def test_only_the_supervisor_edits(rectification_data, personas, who):
    user, d = personas[who], rectification_data[XINPU]
    before = _state()
    task = d["task"]
    for write in (
        lambda: inspection_update(actor=user, inspection=d["inspection"], **_inspection_kwargs(d["inspection"])),
        lambda: finding_update(actor=user, finding=d["finding"], summary="x", found_on=D(2026, 9, 10)),
        lambda: suggestion_update(actor=user, suggestion=d["suggestion"], text="x", made_on=D(2026, 9, 10)),
        lambda: task_update(actor=user, task=task, version=task.version, **_task_kwargs(task, person="某某")),
    ):
        with pytest.raises(PermissionDenied):
            write()
    assert _state() == before


def test_a_task_edit_is_locked_audited_and_kept_in_its_history(rectification_data, personas):
    sup, d = personas["supervisor"], rectification_data[XINPU]
    task = Task.objects.get(pk=d["task"].pk)
    seen = task.version
    _refused(
        lambda: task_update(actor=sup, task=task, version=seen, **_task_kwargs(task, deadline=D(2027, 3, 31))),
        "task.deadline_reason",
        "note",
    )
    _refused(
        lambda: task_update(
            actor=sup, task=task, version=seen, **_task_kwargs(task, deadline=D(2026, 9, 1), note="提前")
        ),
        "task.deadline_before_finding",
        "deadline",
    )
    _refused(
        lambda: task_update(actor=sup, task=task, version=seen, **_task_kwargs(task, town=None)),
        "task.unit_missing",
        "town",
    )

    saved = task_update(
        actor=sup,
        task=task,
        version=seen,
        note="遗留物归属认定须经司法调解，申请延期",
        **_task_kwargs(task, person="胡晓东", deadline=D(2027, 3, 31), parcels=[]),
    )
    assert (saved.person, saved.deadline, saved.version) == ("胡晓东", D(2027, 3, 31), seen + 1)
    assert list(saved.parcels.all()) == []
    event = TaskEvent.objects.filter(task=task, kind="edited").get()
    assert "整改时限：2026-12-31 → 2027-03-31" in event.note and "责任人：经办人 → 胡晓东" in event.note
    assert "相关地块：移除" in event.note and "申请延期" in event.note and event.actor == sup
    entry = AuditEntry.objects.filter(action="task.update").get()
    assert json.loads(entry.before)["deadline"] == "2026-12-31" and json.loads(entry.after)["deadline"] == "2027-03-31"
    assert json.loads(entry.before)["parcels"] == [d["parcels"][0].number] and json.loads(entry.after)["parcels"] == []

    # someone else's write in between: the second editor is refused, nothing of theirs is written
    p = _refused(
        lambda: task_update(
            actor=sup, task=Task.objects.get(pk=task.pk), version=seen, **_task_kwargs(task, person="另一人")
        ),
        "task.conflict",
        "version",
    )
    assert "已被他人更新" in p.zh and "changed by someone else" in p.en
    # an edit that changes nothing writes nothing
    before = _state()
    task_update(actor=sup, task=saved, version=saved.version, **_task_kwargs(saved))
    assert _state() == before


def test_a_task_can_move_to_a_county_department(rectification_data, personas, regions):
    sup, d = personas["supervisor"], rectification_data[XINPU]
    task = d["task"]
    _refused(
        lambda: task_update(
            actor=sup, task=task, version=task.version, **_task_kwargs(task, town=regions["330282"], department="")
        ),
        "task.department_missing",
        "department",
    )
    moved = task_update(
        actor=sup,
        task=task,
        version=task.version,
        **_task_kwargs(task, town=regions["330282"], department="慈溪市经济和信息化局"),
    )
    assert moved.unit == "慈溪市经济和信息化局" and moved.town.code == "330282"


def test_the_edit_page(client, rectification_data, personas):
    d = rectification_data[XINPU]
    client.force_login(personas["supervisor"])
    url = reverse("task_edit", args=[d["task"].pk])
    resp = client.get(url)
    form = resp.context["form"]
    assert (
        resp.status_code == 200 and form.initial["person"] == "经办人" and form.initial["version"] == d["task"].version
    )
    html = resp.content.decode()
    assert d["parcels"][0].number in html and 'list="task-parcels"' in html and "rectification/links.js" in html
    post = {
        "version": d["task"].version,
        "title": d["task"].title,
        "town": d["town"].pk,
        "department": "",
        "person": "胡晓东",
        "assigned_on": "2026-09-15",
        "deadline": "2027-01-29",
        "measures": d["task"].measures,
        "parks": [d["park"].pk],
        "parcels": d["parcels"][1].number,
        "enterprises": d["owner"].name,
        "contracts": "",
        "note": "",
    }
    resp = client.post(url, post)  # the deadline moved without a reason
    assert resp.status_code == 200 and 'data-rule="task.deadline_reason"' in resp.content.decode()
    post["note"] = "春节假期顺延"
    resp = client.post(url, post)
    assert resp.status_code == 302 and resp["Location"] == reverse("task_detail", args=[d["task"].pk])
    task = Task.objects.get(pk=d["task"].pk)
    assert (task.person, task.deadline) == ("胡晓东", D(2027, 1, 29))
    assert list(task.parcels.values_list("number", flat=True)) == [d["parcels"][1].number]
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert "修改任务" in page and "春节假期顺延" in page and reverse("parcel_detail", args=[d["parcels"][1].pk]) in page
    resp = client.post(url, post | {"person": "过期的表单"})  # the form of the version before
    html = resp.content.decode()
    assert resp.status_code == 200 and 'data-rule="task.conflict"' in html and "刷新" in html
    assert Task.objects.get(pk=task.pk).person == "胡晓东"


def test_edit_pages_of_the_inspection(client, rectification_data, personas):
    d = rectification_data[XINPU]
    client.force_login(personas["supervisor"])
    html = client.get(reverse("inspection_detail", args=[d["inspection"].pk])).content.decode()
    for name, key in (
        ("inspection_edit", "inspection"),
        ("finding_edit", "finding"),
        ("suggestion_edit", "suggestion"),
    ):
        assert reverse(name, args=[d[key].pk]) in html
    resp = client.post(
        reverse("finding_edit", args=[d["finding"].pk]),
        {
            "summary": "腾退迟缓（核实后修改）",
            "found_on": "2026-09-10",
            "source_text": "原文",
            "version": d["finding"].version,
        },
    )
    assert resp.status_code == 302 and Finding.objects.get(pk=d["finding"].pk).summary == "腾退迟缓（核实后修改）"
    resp = client.post(
        reverse("inspection_edit", args=[d["inspection"].pk]),
        {
            "kind": "check",
            "title": "改名后的检查",
            "body": "慈溪市纪委市监委",
            "started_on": "2026-09-30",
            "regions": [d["town"].pk],
            "version": d["inspection"].version,
        },
    )
    html = resp.content.decode()
    assert resp.status_code == 200 and 'data-rule="inspection.after_findings"' in html
    assert Inspection.objects.get(pk=d["inspection"].pk).title != "改名后的检查"


def test_the_edit_pages_in_english(client, rectification_data, personas):
    d = rectification_data[XINPU]
    client.force_login(personas["supervisor"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("task_detail", args=[d["task"].pk])).content.decode()
    assert "Edit task" in html and "Linked objects" in html and ">Edit<" in html
    html = client.get(reverse("task_edit", args=[d["task"].pk])).content.decode()
    assert "Edit rectification task" in html and "Reason for the change" in html and "Contracts concerned" in html
    html = client.get(reverse("inspection_detail", args=[d["inspection"].pk])).content.decode()
    assert "Edit inspection" in html


def test_a_closed_task_is_frozen_until_it_reopens(supervision_data, rectification_data, personas):
    sup, officer, d = personas["supervisor"], personas["xinpu"], rectification_data[XINPU]
    Task.objects.filter(pk=d["task"].pk).update(status=Task.Status.CLOSED, closed_on=D(2026, 11, 20), percent_done=100)
    task = Task.objects.get(pk=d["task"].pk)
    p = _refused(
        lambda: task_update(actor=sup, task=task, version=task.version, **_task_kwargs(task, person="胡晓东")),
        "task.closed",
        "task",
    )
    assert "已销号" in p.zh and "closed out" in p.en
    _refused(
        lambda: task_links_update(
            actor=officer, task=task, version=task.version, parks=[], parcels=[], enterprises=[], contracts=[]
        ),
        "task.closed",
        "task",
    )
