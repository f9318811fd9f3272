"""Shared fixtures: the county of 慈溪市 (330282) with two towns' worth of registry data, and one
persona per role (two town officers of different towns)."""

from __future__ import annotations

import datetime as dt
import math
import os

import pytest
from django.conf import settings as django_settings

os.environ.setdefault("LANDCYCLE_HOME", os.path.join(os.path.dirname(__file__), "..", "var", "test-home"))
# One audit key for the whole run, the commands it starts included; checkpoints only where a test turns them on
# (each test's database starts anew, a checkpoint file shared by them all would belong to none).
os.environ.setdefault("LANDCYCLE_AUDIT_KEY", "test-audit-key")
os.environ.setdefault("LANDCYCLE_AUDIT_CHECKPOINTS", "")


@pytest.fixture(autouse=True, scope="session")
def _audit_chain_settings():
    """The settings were read before this file (pytest-django loads them first): apply the two above in-process
    too, before any fixture of any scope writes an entry."""
    django_settings.LANDCYCLE_AUDIT_KEY = os.environ["LANDCYCLE_AUDIT_KEY"].encode("utf-8")
    django_settings.LANDCYCLE_AUDIT_CHECKPOINTS = os.environ["LANDCYCLE_AUDIT_CHECKPOINTS"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A ``replica`` alias mirroring the test database (Django's TEST MIRROR), as ``LANDCYCLE_REPLICA_URL`` adds one:
    the read replica's routing (kit.replica) is tested without a second server. Nothing reads from it unless a test
    turns ``settings.REPLICA_READS`` on."""
    databases = django_settings.DATABASES
    if "replica" not in databases:
        databases["replica"] = {**databases["default"], "TEST": {**databases["default"].get("TEST", {})}}
    databases["replica"]["TEST"]["MIRROR"] = "default"


@pytest.fixture(autouse=True, scope="session")
def _no_stray_connections_at_teardown(django_db_setup, django_db_blocker):
    """A live server's request threads may leave a PostgreSQL connection open to the test database; its drop at the
    end then warned "being accessed by other users" and left the database behind. End those sessions first."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()


XINPU, QIAOTOU, HENGHE, COUNTY = "330282112", "330282109", "330282114", "330282"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests sign users in all the time; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _page_cache(settings, request):
    """Kept pages (kit.pagecache) are on, as shipped: a page asked twice in a test comes the second time from the
    cache, so a write that would not show is caught anywhere in the suite. Its ``response.context`` is then the
    shell's: a test that reads the context of a page asked twice is marked ``page_cache_off``.
    LANDCYCLE_TEST_PAGE_CACHE=0 runs the whole suite without."""
    settings.LANDCYCLE_PAGE_CACHE = os.environ.get("LANDCYCLE_TEST_PAGE_CACHE", "1") != "0" and not (
        request.node.get_closest_marker("page_cache_off")
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (kit.cache): a figure cached by an earlier test, whose database was
    rolled back since, is never read by the next."""
    from django.core.cache import cache

    cache.clear()


def rectangle(lon: float, lat: float, area_m2: float, ratio: float = 1.5) -> dict:
    """A GeoJSON rectangle of about ``area_m2`` (local flat approximation, <0.5 % off the geodesic area)."""
    height = math.sqrt(area_m2 / ratio)
    width = area_m2 / height
    dlat = height / 111_132.0
    dlon = width / (111_320.0 * math.cos(math.radians(lat)))
    ring = [[lon, lat], [lon + dlon, lat], [lon + dlon, lat + dlat], [lon, lat + dlat], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def regions(db):
    from landcycle.accounts.services import system_user
    from landcycle.registry.models import Region
    from landcycle.registry.regions import regions_load

    regions_load(actor=system_user(), county=COUNTY)
    return {r.code: r for r in Region.objects.all()}


def _make_user(username, role, region):
    from landcycle.accounts.models import User

    user = User.objects.create_user(
        username=username, password=f"{username}-pw", role=role, region=region, display_name=username
    )
    return user


@pytest.fixture
def personas(regions):
    """One user per role: admin, analyst, supervisor, leader at county level; officers of 新浦镇 and 桥头镇."""
    from landcycle.accounts.models import Role

    county = regions[COUNTY]
    return {
        "admin": _make_user("p_admin", Role.COUNTY_ADMIN, county),
        "analyst": _make_user("p_analyst", Role.CITY_ANALYST, county),
        "supervisor": _make_user("p_supervisor", Role.SUPERVISOR, county),
        "leader": _make_user("p_leader", Role.LEADER, county),
        "xinpu": _make_user("p_xinpu", Role.TOWN_OFFICER, regions[XINPU]),
        "qiaotou": _make_user("p_qiaotou", Role.TOWN_OFFICER, regions[QIAOTOU]),
    }


@pytest.fixture
def registry_data(personas, regions):
    """In each of 新浦镇 and 桥头镇: one park, two parcels, two enterprises (an owner letting part of its
    parcel to a tenant), one year of figures."""
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.registry import services

    admin = personas["admin"]
    out = {}
    for i, (code, lon, lat, prefix) in enumerate([(XINPU, 121.38, 30.25, "XP"), (QIAOTOU, 121.20, 30.16, "QT")]):
        town = regions[code]
        park = services.park_create(
            actor=admin, code=f"P{code}-01", name=f"{town.name}工业园区", kind="industrial", town=town
        )
        parcels = []
        for j in range(2):
            area = 20000 + 5000 * j
            geom = rectangle(lon + 0.01 * j, lat, area)
            from landcycle.rules.geometry import geodesic_area_m2, parse_polygon

            shape, _ = parse_polygon(geom)
            parcels.append(
                services.parcel_create(
                    actor=admin,
                    number=f"{code}-{j + 1:04d}",
                    park=park,
                    area_m2=round(geodesic_area_m2(shape), 2),
                    geometry=geom,
                    tenure="granted",
                )
            )
        from landcycle.rules.codes import make_uscc

        owner = services.enterprise_create(
            actor=admin,
            uscc=make_uscc("91", "330282", f"{prefix}00000{i}"),
            name=f"慈溪市{town.name}电器有限公司",
            industry_code="3851",
            scale="above",
            registered_on=dt.date(2005, 3, 1),
            town=town,
        )
        tenant = services.enterprise_create(
            actor=admin,
            uscc=make_uscc("92", "330282", f"{prefix}00001{i}"),
            name=f"慈溪市{town.name}塑料制品厂",
            industry_code="2929",
            scale="below",
            registered_on=dt.date(2015, 6, 1),
            town=town,
        )
        own = services.occupancy_create(
            actor=admin,
            enterprise=owner,
            parcel=parcels[0],
            kind="owned",
            area_m2=parcels[0].area_m2,
            start=dt.date(2005, 3, 1),
        )
        lease = services.occupancy_create(
            actor=admin,
            enterprise=tenant,
            parcel=parcels[0],
            kind="leased",
            area_m2=2000,
            start=dt.date(2020, 1, 1),
            lessor=owner,
        )
        YearlyFigure.objects.create(enterprise=owner, year=2025, revenue=12000, tax=600, value_added=3000)
        out[code] = {
            "town": town,
            "park": park,
            "parcels": parcels,
            "owner": owner,
            "tenant": tenant,
            "occupancies": [own, lease],
        }
    return out


SUPERVISION_DAY = dt.date(2026, 11, 29)


@pytest.fixture
def supervision_data(registry_data, personas):
    """registry_data plus, in each town: the park's minimum tax per mu (30 万元/亩, above the owner's), a
    标准地 contract on the second parcel held by the owner, never started (idle two full years by
    2026-11-29) with a tax-per-mu commitment and an approved completion extension; warnings refreshed as
    of 2026-11-29. Adds ``contract``, ``commitment``, ``extension`` and ``warning`` to each town's dict."""
    from landcycle.registry import services as registry_services
    from landcycle.supervision.models import Warning
    from landcycle.supervision.refresh import warnings_refresh
    from landcycle.supervision.services.commitments import commitment_add, extension_add
    from landcycle.supervision.services.contracts import contract_create

    admin = personas["admin"]
    for code, d in registry_data.items():
        d["park"] = registry_services.park_update(actor=admin, park=d["park"], min_tax_per_mu=30)
        contract = contract_create(
            actor=admin,
            number=f"HT{code}-001",
            parcels=[d["parcels"][1]],
            holder=d["owner"],
            kind="standard",
            price_wan="480.00",
            signed_on=dt.date(2024, 1, 10),
            agreed_delivery=dt.date(2024, 2, 1),
            actual_delivery=dt.date(2024, 1, 30),
            agreed_start=dt.date(2024, 6, 30),
            agreed_completion=dt.date(2026, 6, 30),
            agreed_production=dt.date(2027, 6, 30),
            term_years=50,
        )
        d["commitment"] = commitment_add(
            actor=admin, contract=contract, kind="tax_per_mu", committed=30, unit="万元/亩"
        )
        d["extension"] = extension_add(
            actor=admin,
            contract=contract,
            milestone="completion",
            new_date=dt.date(2026, 12, 31),
            approved_on=dt.date(2026, 5, 1),
            reason="设计变更",
        )
        d["contract"] = contract
    warnings_refresh(actor=admin, as_of=SUPERVISION_DAY)
    for d in registry_data.values():
        d["warning"] = (
            Warning.objects.filter(subject_type="contract", subject_id=d["contract"].pk)
            .order_by("-rank", "rule")
            .first()
        )
    return registry_data


RECTIFICATION_PDF = b"%PDF-1.4\n% evidence\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def rectification_data(registry_data, personas, regions, settings, tmp_path):
    """registry_data plus, in each of 新浦镇 and 桥头镇: a supervision check (监督检查) of that town with a
    finding, a suggestion and a task of the town (linked to its park, first parcel and owner), and the
    county's reconciliation round of 2026-11-16–30 in which each town officer reported progress with one
    PDF of evidence (stored under a temporary UPLOADS_DIR). Adds inspection, finding, suggestion, task,
    report, evidence, round (the same for both towns) and round_item to each town's dict."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from landcycle.rectification.services.ledger import check_record, finding_create, suggestion_create, task_create
    from landcycle.rectification.services.progress import progress_submit
    from landcycle.rectification.services.rounds import round_open

    settings.UPLOADS_DIR = tmp_path / "uploads"
    sup = personas["supervisor"]
    for code in (XINPU, QIAOTOU):
        d = registry_data[code]
        town = d["town"]
        d["inspection"] = check_record(
            actor=sup,
            held_on=dt.date(2026, 9, 10),
            regions=[town],
            body="慈溪市纪委市监委",
            title=f"{town.name}老旧工业区块改造提升监督检查",
        )
        d["finding"] = finding_create(
            actor=sup,
            inspection=d["inspection"],
            found_on=dt.date(2026, 9, 10),
            summary=f"{town.name}低效企业腾退迟缓",
            source_text="到期企业迟迟不腾退",
        )
        d["suggestion"] = suggestion_create(
            actor=sup,
            inspection=d["inspection"],
            made_on=dt.date(2026, 9, 10),
            text="引入司法调解推动腾退",
            finding=d["finding"],
        )
        d["task"] = task_create(
            actor=sup,
            finding=d["finding"],
            town=town,
            title=f"{town.name}低效企业腾退",
            measures="逐一确定遗留物归属，召开专题会议协商",
            deadline=dt.date(2026, 12, 31),
            assigned_on=dt.date(2026, 9, 15),
            person="经办人",
            parks=[d["park"]],
            parcels=[d["parcels"][0]],
            enterprises=[d["owner"]],
        )
    rnd = round_open(actor=sup, county=regions[COUNTY], on=dt.date(2026, 11, 16))
    for code, who in ((XINPU, "xinpu"), (QIAOTOU, "qiaotou")):
        d = registry_data[code]
        d["round"] = rnd
        d["round_item"] = rnd.items.get(task=d["task"])
        d["report"] = progress_submit(
            actor=personas[who],
            task=d["task"],
            version=d["task"].version,
            percent_done=75,
            text="已完成遗留物清点",
            reported_on=dt.date(2026, 11, 20),
            item=d["round_item"],
            files=[SimpleUploadedFile(f"清点表-{code}.pdf", RECTIFICATION_PDF, content_type="application/pdf")],
        )
        d["evidence"] = d["report"].evidence.get()
        d["task"].refresh_from_db()
        d["round_item"].refresh_from_db()
    return registry_data


@pytest.fixture
def evaluation_data(registry_data, personas):
    """registry_data plus complete 2025 figures for both firms of each town (the owner 规上 on its own
    land less what it lets, the tenant 规下 without land of its own), a run of 2025 with the shipped
    policy, published. Adds ``run``, ``policy_version`` and ``result`` (the owner's) to each town's dict."""
    from landcycle.evaluation import services
    from landcycle.evaluation.models import EvaluationResult, YearlyFigure

    for i, d in enumerate(registry_data.values()):
        YearlyFigure.objects.update_or_create(
            enterprise=d["owner"],
            year=2025,
            defaults=dict(
                revenue=12000 + 1000 * i,
                tax=600 + 50 * i,
                value_added=3000 + 100 * i,
                energy_tce=1200,
                emissions_t=0.6,
                rnd=300,
                staff=150,
                electricity_10k_kwh=500,
            ),
        )
        YearlyFigure.objects.update_or_create(
            enterprise=d["tenant"],
            year=2025,
            defaults=dict(revenue=800, tax=30 + 10 * i, value_added=200, electricity_10k_kwh=40),
        )
    run = services.run_create(actor=personas["analyst"], year=2025)
    run = services.run_publish(actor=personas["analyst"], run=run)
    for d in registry_data.values():
        d["run"], d["policy_version"] = run, run.policy
        d["result"] = EvaluationResult.objects.get(run=run, enterprise=d["owner"])
    return registry_data


@pytest.fixture
def run_tasks(monkeypatch):
    """Run what waits in the task queue with the database queue's own worker (django-tasks-db's ``Worker``, the
    loop of ``db_worker``/``landcycle jobs run``), in this thread, until the queue is empty: the production claim
    and run, on the test's database. Only its ``close_old_connections`` is turned off — it would close the
    connection holding the test's transaction. Returns the tasks run."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        worker = db_worker.Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks

    return run
