"""A renewal project of 桥头镇's park (registry_data) for the renewal tests: fixtures imported by the test modules."""

from __future__ import annotations

import datetime as dt

import pytest

QIAOTOU, XINPU = "330282109", "330282112"
START = dt.date(2025, 3, 1)
TODAY = dt.date(2025, 9, 15)
PLAN = {
    "approval": dt.date(2025, 2, 1),
    "relocation": dt.date(2025, 5, 31),
    "demolition": dt.date(2025, 8, 31),
    "construction": dt.date(2025, 10, 31),
    "completion": dt.date(2026, 10, 31),
    "firms_in": dt.date(2026, 12, 31),
}


def make_project(admin, d, number="GZ-QT-2025-01", **extra):
    from landcycle.renewal.services.projects import project_create

    values = dict(
        actor=admin,
        number=number,
        name="桥头镇东区老旧工业区块改造提升",
        town=d["town"],
        kind="demolish_rebuild",
        planned_start=dt.date(2025, 1, 1),
        planned_end=dt.date(2026, 12, 31),
        parks=[d["park"]],
        area_mu="60",
        demolish_mu="40",
        illegal_m2="5000",
        investment="12000",
        new_floor_m2="80000",
        plot_ratio="2.0",
        target_tax_per_mu="30",
        target_firms=12,
        lead_unit="桥头镇人民政府",
        lead_person="王建国",
        milestones=PLAN,
    )
    values.update(extra)
    return project_create(**values)


@pytest.fixture
def qt(registry_data):
    return registry_data[QIAOTOU]


@pytest.fixture
def draft_project(qt, personas):
    return make_project(personas["admin"], qt)


@pytest.fixture
def running(draft_project, personas):
    """Approved on 2025-02-01 and started on 2025-03-01: its firms (owner and tenant of the first parcel) listed."""
    from landcycle.renewal.services.projects import project_approve, project_start

    p = project_approve(
        actor=personas["admin"], project=draft_project, approved_on=PLAN["approval"], document="慈政发〔2025〕8号"
    )
    return project_start(actor=personas["qiaotou"], project=p, started_on=START)
