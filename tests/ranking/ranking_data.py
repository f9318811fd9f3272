"""Small hand-counted source rows for the ranking's indicators: each figure below is counted by hand in the
docstring of the fixture that makes it (fixtures imported by the test modules)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import QIAOTOU, XINPU

Q = (2025, 2)  # the quarter the rows are made for: 2025-04-01 .. 2025-06-30


@pytest.fixture
def source_rows(supervision_data, personas):
    """On top of supervision_data (one contract per town, signed 2024-01-10):

    evaluation, published runs of 2023 and 2024 (and a draft of 2024 that must be ignored):
      新浦 2024: firm A class D, tax 600 on 20 mu; firm B class B, tax 300 on 10 mu  → 30 万元/亩, D 50 %
      新浦 2023: firm A class C, tax 400 on 20 mu                                    → 20 万元/亩, D 0 %
      桥头 2024: firm A class A, tax 900 on 30 mu                                    → 30 万元/亩, D 0 %
      桥头 2023: nothing                                                             → changes missing
    admission: 新浦 two projects admitted in 2025Q2 (tax per mu 45 and 30 against a minimum 30: 150 % and 100 %),
      one admitted in 2025Q1 (not counted); 桥头 none.
    rectification: 新浦 tasks due in 2025Q2: one closed on time, one closed late, one open → 1/3; a relapse on
      2025-05-10 and one on 2025-07-02 (next quarter); 桥头 one task due, closed on time → 100 %.
    """
    from landcycle.admission.models import Application, Decision, Revision
    from landcycle.evaluation.models import EvaluationResult, EvaluationRun, PolicyVersion, YearlyFigure
    from landcycle.rectification.models import Finding, Inspection, Task, TaskEvent

    admin = personas["admin"]
    xp, qt = supervision_data[XINPU], supervision_data[QIAOTOU]
    pv = PolicyVersion.objects.create(name="t", version="t1", toml="", hash="x")

    def run(year, status="published"):
        return EvaluationRun.objects.create(
            county_id=xp["town"].parent_id,  # 慈溪市: a run belongs to its county
            year=year,
            policy=pv,
            policy_version="t1",
            policy_hash="x",
            policy_toml="",
            status=status,
        )

    def result(r, firm, town, cls, tax, land):
        YearlyFigure.objects.update_or_create(enterprise=firm, year=r.year, defaults={"tax": tax})
        EvaluationResult.objects.create(
            run=r, enterprise=firm, town=town, outcome="evaluated", land_mu=land, evaluation_class=cls
        )

    r24, r23, draft = run(2024), run(2023), run(2024, "draft")
    result(r24, xp["owner"], xp["town"], "D", 600, 20)
    result(r24, xp["tenant"], xp["town"], "B", 300, 10)
    result(r23, xp["owner"], xp["town"], "C", 400, 20)
    result(r24, qt["owner"], qt["town"], "A", 900, 30)
    result(draft, qt["tenant"], qt["town"], "D", 1, 1)

    def admit(n, tax, day):
        a = Application.objects.create(
            number=f"ZR{n}", project=f"项目{n}", town=xp["town"], park=xp["park"], status="admitted"
        )
        rev = Revision.objects.create(
            application=a,
            number=1,
            submitted_on=day,
            figures={},
            rules_version="1",
            rules_hash="x",
            passed=True,
            results=[{"rule": "tax_per_mu", "value": str(tax), "min": "30"}, {"rule": "industry", "value": None}],
        )
        Decision.objects.create(
            application=a, revision=rev, outcome="admitted", reason="符合", decided_on=day, by=admin
        )

    admit(1, 45, dt.date(2025, 4, 20))
    admit(2, 30, dt.date(2025, 6, 30))
    admit(3, 60, dt.date(2025, 3, 31))

    insp = Inspection.objects.create(kind="check", title="检查", body="县纪委", started_on=dt.date(2025, 1, 5))
    finding = Finding.objects.create(inspection=insp, number=1, summary="问题", found_on=dt.date(2025, 1, 6))

    def task(n, town, deadline, closed=None, reopened=()):
        t = Task.objects.create(
            finding=finding,
            number=f"T{n}",
            title=f"任务{n}",
            town=town,
            measures="整改",
            assigned_on=dt.date(2025, 1, 10),
            deadline=deadline,
            status="closed" if closed else "open",
            closed_on=closed,
        )
        if closed:
            TaskEvent.objects.create(task=t, kind="closed", on=closed, actor_name="t")
        for day in reopened:
            TaskEvent.objects.create(task=t, kind="reopened", on=day, actor_name="t")

    task(1, xp["town"], dt.date(2025, 5, 31), closed=dt.date(2025, 5, 30), reopened=[dt.date(2025, 5, 10)])
    task(2, xp["town"], dt.date(2025, 6, 15), closed=dt.date(2025, 6, 20))
    task(3, xp["town"], dt.date(2025, 4, 15), reopened=[dt.date(2025, 7, 2)])
    task(4, xp["town"], dt.date(2025, 9, 30))  # due next quarter: not counted
    task(5, qt["town"], dt.date(2025, 6, 1), closed=dt.date(2025, 6, 1))
    return supervision_data


YUYAO, ZHEJIANG = "330281", "33"


@pytest.fixture
def two_counties(registry_data, personas):
    """On top of registry_data (慈溪市: a park in 新浦镇 and one in 桥头镇): 余姚市 with a park in each of its first two
    towns, its county administrator, and the province's read-only user. Returns the users and 余姚's towns."""
    from landcycle.accounts.models import Role, User
    from landcycle.accounts.services import system_user
    from landcycle.registry import services
    from landcycle.registry.models import Region
    from landcycle.registry.regions import regions_load

    system = system_user()
    regions_load(actor=system, county=YUYAO)
    towns = list(Region.objects.filter(code__startswith=YUYAO, level=Region.Level.TOWN).order_by("code")[:2])
    for i, town in enumerate(towns):
        services.park_create(actor=system, code=f"P-YY-{i}", name=f"{town.name}园区", kind="industrial", town=town)
    users = {
        "yuyao": User.objects.create_user(
            "p_yuyao", password="x", role=Role.COUNTY_ADMIN, region=Region.objects.get(code=YUYAO)
        ),
        "province": User.objects.create_user(
            "p_province", password="x", role=Role.PROVINCE, region=Region.objects.get(code=ZHEJIANG)
        ),
        **personas,
    }
    return {"users": users, "towns": towns, "cixi": registry_data}
