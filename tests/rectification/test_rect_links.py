"""Tasks linked to the parks, parcels, enterprises and land contracts they concern: the town officer links
their own town's objects only (the form offers and accepts nothing else, the service refuses another town's
objects), the task page links to each object, and each object's page lists its tasks (for readers in scope)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rectification.models import Task, TaskEvent
from landcycle.rectification.services.edit import task_links_update, task_update
from landcycle.rectification.services.ledger import task_create
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
D = dt.date


def _links(d, **change):
    return (
        dict(parks=[d["park"]], parcels=[d["parcels"][0]], enterprises=[d["owner"]], contracts=[d["contract"]]) | change
    )


def test_an_officer_links_their_own_towns_objects(supervision_data, rectification_data, personas):
    d, q = rectification_data[XINPU], rectification_data[QIAOTOU]
    officer = personas["xinpu"]
    task = Task.objects.get(pk=d["task"].pk)
    saved = task_links_update(
        actor=officer,
        task=task,
        version=task.version,
        **_links(d, parcels=d["parcels"], enterprises=[d["owner"], d["tenant"]]),
    )
    assert list(saved.contracts.all()) == [d["contract"]] and saved.parcels.count() == 2
    event = TaskEvent.objects.filter(task=task, kind="linked").get()
    assert "相关合同：增加" in event.note and d["contract"].number in event.note and event.actor == officer
    assert AuditEntry.objects.filter(action="task.links", object_id=str(task.pk)).count() == 1

    before = (
        list(saved.parcels.all()),
        list(saved.contracts.all()),
        Task.objects.get(pk=task.pk).version,
        AuditEntry.objects.count(),
    )
    for change, field in (
        ({"contracts": [q["contract"]]}, "contracts"),
        ({"parcels": [q["parcels"][0]]}, "parcels"),
        ({"enterprises": [q["owner"]]}, "enterprises"),
        ({"parks": [q["park"]]}, "parks"),
    ):
        with pytest.raises(RuleError) as exc:
            task_links_update(actor=officer, task=saved, version=saved.version, **_links(d, **change))
        rules = {(p.rule, p.field) for p in exc.value.problems}
        assert ("task.link_other_town", field) in rules and ("scope.link", field) in rules
        assert all(p.zh and p.en for p in exc.value.problems)
    assert before == (
        list(saved.parcels.all()),
        list(saved.contracts.all()),
        Task.objects.get(pk=task.pk).version,
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("who", ["qiaotou", "supervisor", "leader", "admin"])
def test_others_cannot_use_the_officers_link_page(supervision_data, rectification_data, personas, who):
    d = rectification_data[XINPU]
    task = d["task"]
    with pytest.raises((PermissionDenied, RuleError)):
        task_links_update(actor=personas[who], task=task, version=task.version, **_links(d))
    assert not Task.objects.get(pk=task.pk).contracts.exists()


def test_the_supervisor_links_objects_of_the_tasks_town_in_the_task_form(
    supervision_data, rectification_data, personas
):
    d, q = rectification_data[XINPU], rectification_data[QIAOTOU]
    sup, task = personas["supervisor"], d["task"]
    fields = dict(
        title=task.title,
        town=task.town,
        department="",
        person=task.person,
        measures=task.measures,
        assigned_on=task.assigned_on,
        deadline=task.deadline,
    )
    with pytest.raises(RuleError) as exc:
        task_update(actor=sup, task=task, version=task.version, **fields, **_links(d, contracts=[q["contract"]]))
    assert {p.rule for p in exc.value.problems} == {"task.link_other_town"}  # the county sees both towns
    new = task_create(
        actor=sup,
        finding=d["finding"],
        town=d["town"],
        title="合同履约整改",
        measures="督促开工",
        deadline=D(2026, 12, 31),
        assigned_on=D(2026, 9, 15),
        contracts=[d["contract"]],
    )
    assert list(new.contracts.all()) == [d["contract"]]


def test_the_link_page_offers_and_accepts_only_the_officers_town(
    client, supervision_data, rectification_data, personas
):
    d, q = rectification_data[XINPU], rectification_data[QIAOTOU]
    client.force_login(personas["xinpu"])
    url = reverse("task_links_edit", args=[d["task"].pk])
    html = client.get(url).content.decode()
    assert d["contract"].number in html and d["parcels"][1].number in html and d["tenant"].name in html
    for marker in (q["contract"].number, q["parcels"][0].number, q["owner"].name, q["park"].name):
        assert marker not in html
    assert client.get(reverse("task_links_edit", args=[q["task"].pk])).status_code == 404
    form = {
        "version": d["task"].version,
        "parks": [d["park"].pk],
        "parcels": f"{d['parcels'][0].number}，{q['parcels'][0].number}",
        "enterprises": d["owner"].uscc,
        "contracts": d["contract"].number,
    }
    resp = client.post(url, form)
    html = resp.content.decode()
    assert resp.status_code == 200 and "在您的辖区内找不到地块" in html and q["parcels"][0].number in html
    assert not Task.objects.get(pk=d["task"].pk).contracts.exists()
    form["parcels"] = f"{d['parcels'][0].number}、{d['parcels'][1].number}"
    resp = client.post(url, form)
    assert resp.status_code == 302
    task = Task.objects.get(pk=d["task"].pk)
    assert task.parcels.count() == 2 and list(task.contracts.all()) == [d["contract"]]


def test_linked_objects_and_their_tasks_link_to_each_other(client, supervision_data, rectification_data, personas):
    d, q = rectification_data[XINPU], rectification_data[QIAOTOU]
    for code, who in ((XINPU, "xinpu"), (QIAOTOU, "qiaotou")):
        t = rectification_data[code]["task"]
        task_links_update(actor=personas[who], task=t, version=t.version, **_links(rectification_data[code]))
    client.force_login(personas["xinpu"])
    page = client.get(reverse("task_detail", args=[d["task"].pk])).content.decode()
    for name, obj in (
        ("park_detail", d["park"]),
        ("parcel_detail", d["parcels"][0]),
        ("enterprise_detail", d["owner"]),
        ("contract_detail", d["contract"]),
    ):
        assert reverse(name, args=[obj.pk]) in page
        html = client.get(reverse(name, args=[obj.pk])).content.decode()
        assert 'id="linked-tasks"' in html and reverse("task_detail", args=[d["task"].pk]) in html, name
        assert q["task"].title not in html
    assert reverse("task_links_edit", args=[d["task"].pk]) in page
    # a page with no linked task shows nothing of the ledger
    assert 'id="linked-tasks"' not in client.get(reverse("parcel_detail", args=[d["parcels"][1].pk])).content.decode()
    client.force_login(personas["leader"])  # readers see every town's tasks on the objects of the county
    html = client.get(reverse("contract_detail", args=[q["contract"].pk])).content.decode()
    assert q["task"].title in html and d["task"].title not in html
