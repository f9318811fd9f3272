"""The rectification ledger inside the whole sample county (landcycle.sample.build_sample): the seed's figures,
and the 敦和园区 tasks linked to the parcels being vacated, the firms that have not left and the contracts of the
re-granted lots — each shown on the other's page. Built once for the module, rolled back at the end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from landcycle.accounts.models import User
from landcycle.rectification.models import Task
from landcycle.rectification.summary import county_summary
from landcycle.registry.models import Parcel
from landcycle.sample import DEFAULT_SEED, build_sample

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            UPLOADS_DIR=tmp_path_factory.mktemp("uploads"),
        ),
    ):
        with transaction.atomic():
            build_sample(seed=DEFAULT_SEED)
            yield
            transaction.set_rollback(True)


def test_the_sample_county_ledger_and_its_links(sample, client):
    supervisor = User.objects.get(username="supervisor")
    s = county_summary(supervisor, dt.date(2026, 11, 29))
    assert s["sentence_zh"].startswith("累计开展监督检查86次，监督发现问题3个，提出意见建议12条。")
    exit_task = Task.objects.get(title="敦和园区到期企业腾退")
    parcels = list(exit_task.parcels.all())
    assert parcels and all(p.status == Parcel.Status.VACATING and p.park.name == "敦和园区" for p in parcels)
    assert exit_task.enterprises.exists() and all(e.town_id == exit_task.town_id for e in exit_task.enterprises.all())
    projects = Task.objects.get(title="敦和园区引进优质项目，盘活腾退空间")
    contract = projects.contracts.order_by("number").first()
    assert contract is not None and contract.town_id == projects.town_id

    client.force_login(User.objects.get(username="xinpu"))
    html = client.get(reverse("task_detail", args=[exit_task.pk])).content.decode()
    assert reverse("parcel_detail", args=[parcels[0].pk]) in html
    html = client.get(reverse("contract_detail", args=[contract.pk])).content.decode()
    assert 'id="linked-tasks"' in html and projects.title in html
    client.force_login(User.objects.get(username="qiaotou"))  # another town's officer: neither page
    assert client.get(reverse("contract_detail", args=[contract.pk])).status_code == 404
    assert client.get(reverse("task_detail", args=[exit_task.pk])).status_code == 404
