"""The API's fixtures: every object of both towns (registry, contracts and warnings, a published run, rectification,
a draft application, a vacating case, a started renewal project with its firms, the ranking's hand figures) and the
county's ranking runs (a published quarter and a draft one), and a client that sends a token."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import QIAOTOU, XINPU

PERSONAS = ("admin", "analyst", "supervisor", "leader", "xinpu", "qiaotou")
OWN_TOWN = {"xinpu": XINPU, "qiaotou": QIAOTOU}
OTHER = {XINPU: QIAOTOU, QIAOTOU: XINPU}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(registry_data, supervision_data, evaluation_data, rectification_data, personas):
    """Both towns' objects; each town also has a draft application registered by its officer."""
    from landcycle.admission.services.applications import application_register

    for code, who in ((XINPU, "xinpu"), (QIAOTOU, "qiaotou")):
        d = registry_data[code]
        d["application"] = application_register(
            actor=personas[who],
            number=f"ZR-{code}",
            park=d["park"],
            project=f"{d['town'].name}新项目",
            applicant_name="新设企业",
            industry_code="3851",
            land_mu="10",
        )
    _stages(registry_data, personas)
    _evaluation_jobs(registry_data, personas)
    return registry_data


def _evaluation_jobs(registry_data, personas):
    """A queued evaluation job of 2025 (the county's) and a finished one before it: lists show more than one row."""
    from landcycle.evaluation.background import job_queue
    from landcycle.evaluation.models import EvaluationJob

    done = job_queue(actor=personas["analyst"], year=2025, notes="上一次")
    run = next(iter(registry_data.values()))["run"]
    EvaluationJob.objects.filter(pk=done.pk).update(status="done", run=run)
    job = job_queue(actor=personas["admin"], year=2025)
    for d in registry_data.values():
        d["evaluation_job"] = job


SHORT = {XINPU: "XP", QIAOTOU: "QT"}
RENEWAL_PLAN = {
    "approval": dt.date(2025, 2, 1),
    "relocation": dt.date(2025, 5, 31),
    "demolition": dt.date(2025, 8, 31),
    "construction": dt.date(2025, 10, 31),
    "completion": dt.date(2026, 10, 31),
    "firms_in": dt.date(2026, 12, 31),
}


def _stages(registry_data, personas):
    """Exits, renewal and ranking objects of both towns; the ranking's runs (2025Q1 published, 2025Q3 a draft) and a
    queued compute job of 2025Q4 (and one of 2026Q1: lists show more than one row)."""
    from landcycle.exits.services.cases import open_case
    from landcycle.exits.services.records import item_add
    from landcycle.kit.indicators import Quarter
    from landcycle.ranking.background import compute_queue
    from landcycle.ranking.models import IndicatorInput
    from landcycle.ranking.services import run_compute, run_publish
    from landcycle.renewal.models import FirmFate
    from landcycle.renewal.services.projects import project_approve, project_create, project_start

    admin = personas["admin"]
    for code, who in ((XINPU, "xinpu"), (QIAOTOU, "qiaotou")):
        d = registry_data[code]
        d["exit_case"] = open_case(
            personas[who],
            number=f"TT-{SHORT[code]}-01",
            ground="lease_ended",
            town=d["town"],
            enterprises=[d["tenant"]],
            parcels=[d["parcels"][0]],
            responsible_unit="经发办",
            planned_start=dt.date(2026, 3, 1),
            deadline=dt.date(2027, 6, 30),
            reason="租约到期未腾退",
            opened_on=dt.date(2026, 3, 1),
        )
        d["exit_item"] = item_add(
            actor=personas[who], case=d["exit_case"], category="equipment", description="冲床", quantity="2", unit="台"
        )
        project = project_create(
            actor=admin,
            number=f"GZ-{SHORT[code]}-01",
            name=f"{d['town'].name}老旧工业区块改造提升",
            town=d["town"],
            kind="upgrade",
            planned_start=dt.date(2025, 1, 1),
            planned_end=dt.date(2026, 12, 31),
            parks=[d["park"]],
            area_mu="60",
            milestones=RENEWAL_PLAN,
        )
        project = project_approve(actor=admin, project=project, approved_on=dt.date(2025, 2, 1), document="批复")
        d["renewal_project"] = project_start(actor=personas[who], project=project, started_on=dt.date(2025, 3, 1))
        d["renewal_firm"] = FirmFate.objects.filter(project=project).order_by("pk").first()
        for q, value in ((1, 60), (3, 70)):
            d[f"ranking_input_q{q}"] = IndicatorInput.objects.create(
                town=d["town"], year=2025, quarter=q, indicator="policy_score", value=value, source=f"{code}报送"
            )
    published = run_publish(actor=admin, run=run_compute(actor=admin, quarter=Quarter(2025, 1), runs=20))
    draft = run_compute(actor=admin, quarter=Quarter(2025, 3), runs=20, gains=False)
    job = compute_queue(actor=admin, quarter=Quarter(2025, 4))
    compute_queue(actor=admin, quarter=Quarter(2026, 1))
    for d in registry_data.values():
        d["ranking_run"], d["ranking_draft"], d["ranking_job"] = published, draft, job


def leak_markers(d) -> list[str]:
    """Strings only that town's objects carry."""
    return [
        d["owner"].uscc,
        d["owner"].name,
        d["tenant"].uscc,
        d["parcels"][0].number,
        d["parcels"][1].number,
        d["park"].code,
        d["contract"].number,
        d["task"].title,
        d["inspection"].title,
        d["application"].number,
        d["exit_case"].number,
        d["renewal_project"].number,
    ]


def token_for(user, name="test", days=30):
    from landcycle.api.services import token_create

    return token_create(actor=user, user=user, name=name, days=days)[1]


def auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}
