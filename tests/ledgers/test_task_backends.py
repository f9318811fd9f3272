"""The task queue's backends: the database queue is the default (SQLite needs nothing else); ``LANDCYCLE_TASKS=rq``
puts the queue on Redis (django-tasks-rq) and the same export job runs there, once, through RQ's own worker.

The Redis test needs a Redis server (``LANDCYCLE_TEST_REDIS_URL``, default database 13 of 127.0.0.1:6379, emptied
by the test); without one it is skipped and says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django_tasks import TaskResultStatus

from landcycle.ledgers import jobs
from landcycle.ledgers.models import ExportJob

SRC = str(Path(__file__).resolve().parents[2] / "src")
REDIS_URL = os.environ.get("LANDCYCLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
SHOW = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.TASKS['default']['BACKEND'], 'django_tasks_rq' in settings.INSTALLED_APPS, "
    "settings.RQ_QUEUES['default']['URL'] if hasattr(settings, 'RQ_QUEUES') else '-')"
)


def _settings_with(tmp_path, **env) -> subprocess.CompletedProcess:
    environ = dict(
        os.environ, PYTHONPATH=SRC, LANDCYCLE_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="landcycle.settings"
    )
    environ.pop("LANDCYCLE_TASKS", None)
    environ.update(env)
    return subprocess.run([sys.executable, "-c", SHOW], env=environ, capture_output=True, text=True, timeout=120)


def test_the_setting_chooses_the_queue(tmp_path):
    assert _settings_with(tmp_path).stdout.split() == ["django_tasks_db.DatabaseBackend", "False", "-"]
    rq = _settings_with(tmp_path, LANDCYCLE_TASKS="rq", LANDCYCLE_REDIS_URL="redis://queue.internal:6379/2")
    assert rq.stdout.split() == ["django_tasks_rq.RQBackend", "True", "redis://queue.internal:6379/2"]
    wrong = _settings_with(tmp_path, LANDCYCLE_TASKS="celery")
    assert wrong.returncode != 0 and "use db (the default) or rq" in wrong.stderr


@pytest.fixture
def on_redis(settings, tmp_path):
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    connection.flushdb()
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield connection
    connection.flushdb()


def _rq_worker_burst() -> None:
    """RQ's worker as `landcycle jobs run --once` starts it (django-tasks-rq's job class), in this process (RQ's
    SimpleWorker: no fork, so it sees the test's transaction)."""
    import django_rq

    worker = django_rq.get_worker("default", job_class="django_tasks_rq.Job", worker_class="rq.worker.SimpleWorker")
    worker.work(burst=True)


@pytest.mark.django_db
def test_an_export_runs_on_redis_once(registry_data, personas, on_redis, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as sent:
        job = jobs.job_queue(user=personas["admin"], source="enterprises", fmt="csv", filters={})
        jobs.job_enqueue(job.pk)  # queued twice
    assert len(sent) == 2  # on Redis the tasks leave once the job is committed
    job.refresh_from_db()
    assert job.status == "queued" and job.task_id
    _rq_worker_burst()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows_done) == ("done", 1, 4) and job.file
    second = jobs.export_job_task.get_result(job.task_id)  # the record keeps the id of the last task sent
    assert second.status == TaskResultStatus.SUCCESSFUL and second.return_value == "skipped"
    assert ExportJob.objects.count() == 1
