"""The task-update rule (who may report a task's progress and set its links: the officers of the task's town
through Area.RECTIFICATION_UPDATE, the supervisor for a county department's task) is written once
(services.common.may_update_task): for every persona and every kind of task, the task page shows the
"报送进展" button, the progress page opens and the services accept the write exactly when the rule says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from conftest import COUNTY, QIAOTOU, RECTIFICATION_PDF, XINPU
from landcycle.rectification.models import Task
from landcycle.rectification.services.common import may_update_task
from landcycle.rectification.services.edit import task_links_update
from landcycle.rectification.services.ledger import task_create
from landcycle.rectification.services.progress import progress_submit
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
D = dt.date
PERSONAS = ["supervisor", "admin", "analyst", "leader", "xinpu", "qiaotou"]
# who may update, by task: the rule spelled out once more, so that a change of the rule is a visible choice
EXPECTED = {
    "xinpu_task": {"xinpu"},
    "qiaotou_task": {"qiaotou"},
    "county_task": {"supervisor"},
}


def _tasks(rectification_data, personas, regions) -> dict[str, Task]:
    county_task = task_create(
        actor=personas["supervisor"],
        finding=rectification_data[XINPU]["finding"],
        town=regions[COUNTY],
        department="市自然资源和规划局",
        title="县级部门任务",
        measures="制定全市低效用地处置方案",
        deadline=D(2026, 12, 31),
        assigned_on=D(2026, 9, 15),
    )
    return {
        "xinpu_task": rectification_data[XINPU]["task"],
        "qiaotou_task": rectification_data[QIAOTOU]["task"],
        "county_task": county_task,
    }


def _service_allows(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except PermissionDenied:
        return False
    except RuleError as exc:
        assert [p.rule for p in exc.problems] == ["scope.town"], exc.problems  # refused for its region only
        return False
    return True


@pytest.mark.parametrize("who", PERSONAS)
def test_the_page_and_the_services_agree_on_who_updates_a_task(client, rectification_data, personas, regions, who):
    user = personas[who]
    client.force_login(user)
    for name, task in _tasks(rectification_data, personas, regions).items():
        task.refresh_from_db()
        rule = may_update_task(user, task)
        assert rule == (who in EXPECTED[name]), (who, name)

        detail = client.get(reverse("task_detail", args=[task.pk]))
        html = detail.content.decode() if detail.status_code == 200 else ""
        button = "报送进展</a>" in html
        page = client.get(reverse("task_update", args=[task.pk])).status_code == 200
        links_page = client.get(reverse("task_links_edit", args=[task.pk])).status_code == 200

        progress = _service_allows(
            lambda task=task: progress_submit(
                actor=user,
                task=task,
                version=task.version,
                percent_done=40,
                text="按计划推进",
                reported_on=D(2026, 11, 26),
                files=[SimpleUploadedFile("进展.pdf", RECTIFICATION_PDF, content_type="application/pdf")],
            )
        )
        task.refresh_from_db()
        links = _service_allows(lambda task=task: task_links_update(actor=user, task=task, version=task.version))

        assert (button, page, progress, links_page, links) == (rule,) * 5, (who, name)
