"""The read replica for reports (kit.replica, ``LANDCYCLE_REPLICA_URL``): the report-only paths — the dashboard, the
counties side by side, the big export jobs — read from the ``replica`` alias; every write, every read inside a
transaction and every read after a write of the same request stay on the primary; other pages never touch it. In the
tests the ``replica`` alias mirrors the test database (tests/conftest.py), so the routing is seen by which
connection ran the queries, without a second server (docs/deployment.md says what was tried against a real one)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from landcycle.kit.replica import REPLICA, replica_reads
from landcycle.registry import services
from landcycle.registry.models import Park

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def replica_on(settings):
    settings.REPLICA_READS = True


def _queries(fn):
    """``fn()``'s result and the SQL each connection ran for it."""
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections[REPLICA]) as rep:
        result = fn()
    return result, [q["sql"] for q in primary.captured_queries], [q["sql"] for q in rep.captured_queries]


def test_reads_inside_go_to_the_replica_writes_and_what_follows_them_to_the_primary(
    replica_on, registry_data, personas
):
    park = Park.objects.order_by("pk").first()

    def report():
        with replica_reads():
            first = Park.objects.count()
            with transaction.atomic():  # a transaction on the primary reads there: it may read its own writes
                inside = Park.objects.filter(pk=park.pk).count()
            services.park_update(actor=personas["admin"], park=park, expected_version=park.version, name="改名园区")
            after = Park.objects.get(pk=park.pk).name  # after a write: from the primary, never older than the write
            return first, inside, after

    (first, inside, after), primary, replica = _queries(report)
    assert (first, inside, after) == (2, 1, "改名园区")
    assert len(replica) == 1 and 'FROM "registry_park"' in replica[0] and "COUNT" in replica[0].upper()
    assert any("UPDATE" in q.upper() and "registry_park" in q for q in primary)  # the write on the primary
    assert not any(q.upper().startswith(("UPDATE", "INSERT", "DELETE")) for q in replica)

    _, primary, replica = _queries(Park.objects.count)  # outside replica_reads: the primary
    assert replica == [] and len(primary) == 1


def test_without_the_setting_nothing_reads_the_replica(settings, registry_data, client, personas):
    assert settings.REPLICA_READS is False  # LANDCYCLE_REPLICA_URL unset
    client.force_login(personas["admin"])
    _, primary, replica = _queries(lambda: client.get(reverse("dashboard")))
    assert replica == [] and primary


def test_the_report_pages_read_from_the_replica_the_others_not(replica_on, registry_data, client, personas):
    client.force_login(personas["admin"])
    for name in ("dashboard", "county_compare"):
        response, primary, replica = _queries(lambda name=name: client.get(reverse(name)))
        assert response.status_code == 200, name
        assert any('FROM "registry_' in q for q in replica), name  # the figures came from the replica
        # and not from the primary (which read the user with their region, before the view)
        assert not any('FROM "registry_' in q or 'FROM "evaluation_' in q for q in primary), name
        assert any("django_session" in q for q in primary), name  # the sign-in is read before the view, there
    response, _, replica = _queries(lambda: client.get(reverse("county_compare"), {"export": "csv"}))
    assert response.status_code == 200 and replica
    response, _, replica = _queries(lambda: client.get(reverse("park_list")))  # a page that is not a report
    assert response.status_code == 200 and replica == []


def test_a_big_export_job_reads_its_rows_from_the_replica(replica_on, registry_data, personas, settings, tmp_path):
    from landcycle.ledgers import jobs
    from landcycle.ledgers.models import ExportJob

    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    job = jobs.job_queue(user=personas["admin"], source="parks", fmt="csv", filters={})

    def run():
        assert jobs.job_claim(job.pk, "test-worker")  # the claim: a write, on the primary
        return jobs.job_run(job.pk)

    done, primary, replica = _queries(run)
    assert done.status == ExportJob.Status.DONE and done.rows_done == 2
    assert any('FROM "registry_park"' in q for q in replica)  # the rows
    assert not any('FROM "registry_park"' in q for q in primary)
    assert any("UPDATE" in q.upper() and "ledgers_exportjob" in q for q in primary)  # claim, progress, done
    assert not any("ledgers_exportjob" in q for q in replica)  # the job's own row only on the primary


def _settings_with(tmp_path, **env) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.REPLICA_READS, s.DATABASES.get('replica', {}).get('HOST'), "
        "s.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'))"
    )
    environ = dict(
        os.environ, PYTHONPATH=SRC, LANDCYCLE_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="landcycle.settings"
    )
    environ.pop("LANDCYCLE_REPLICA_URL", None)
    environ.pop("DATABASE_URL", None)
    environ.update(env)
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db(databases=[])
def test_the_setting(tmp_path):
    pg = "postgres://lc@db.internal:5432/landcycle"
    on = _settings_with(
        tmp_path, DATABASE_URL=pg, LANDCYCLE_REPLICA_URL="postgres://lc@replica.internal:5432/landcycle"
    )
    assert on.stdout.split() == ["['default',", "'replica']", "True", "replica.internal", "default"], on.stderr
    off = _settings_with(tmp_path, DATABASE_URL=pg)
    assert off.stdout.split() == ["['default']", "False", "None", "None"], off.stderr
    sqlite = _settings_with(tmp_path, LANDCYCLE_REPLICA_URL="postgres://lc@replica.internal/x")
    assert sqlite.returncode != 0 and "LANDCYCLE_REPLICA_URL needs DATABASE_URL=postgres" in sqlite.stderr
