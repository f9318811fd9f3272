"""`landcycle serve` starts a production server (gunicorn, DEBUG off) that serves its own static files."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _task_workers(pid: int) -> list[int]:
    """The processes under ``pid`` running the task queue's worker (``landcycle jobs run``)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            argv = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid and b"jobs" in argv and b"run" in argv:
            found.append(int(stat.parent.name))
    return found


QUEUE_AN_EXPORT = """
import django; django.setup()
from landcycle.accounts.models import Role, User
from landcycle.accounts.services import system_user
from landcycle.ledgers import jobs
from landcycle.registry.models import Region
from landcycle.registry.regions import regions_load
regions_load(actor=system_user(), county="330282")
user = User.objects.create_user(username="serve-admin", password="x-pw-12345678", role=Role.COUNTY_ADMIN,
                                region=Region.objects.get(code="330282"), display_name="serve-admin")
print(jobs.job_queue(user=user, source="parks", fmt="csv", filters={}).pk)
"""
JOB_STATUS = (
    "import django, sys; django.setup(); from landcycle.ledgers.models import ExportJob; "
    "print(ExportJob.objects.get(pk=int(sys.argv[1])).status)"
)


def _get(url):
    req = urllib.request.Request(url)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite run covers it")
def test_serve_runs_gunicorn_with_static_files(tmp_path):
    port = _free_port()
    env = dict(os.environ, LANDCYCLE_HOME=str(tmp_path), PYTHONUNBUFFERED="1")
    env.pop("LANDCYCLE_DEBUG", None)
    exe = Path(sys.executable).with_name("landcycle")
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300  # migrate + collectstatic + gunicorn, on a busy 2-core machine
        while True:
            try:
                status, _, body = _get(base + "/healthz")
                if status == 200:
                    break
            except OSError:
                time.sleep(0.25)
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(
                    "server did not start: " + (proc.communicate(timeout=20)[0] if proc.poll() is not None else "")
                )
        status, headers, _ = _get(base + "/")
        assert status == 302 and "/accounts/login/" in headers["Location"]
        status, _, body = _get(base + "/accounts/login/")
        assert status == 200 and "landcycle" in body.decode().lower()
        status, _, body = _get(base + "/static/leaflet/leaflet.js")
        assert status == 200 and b"Leaflet" in body[:2000]
        status, _, body = _get(base + "/no-such-page/")
        assert status in (302, 404) and b"Traceback" not in body  # DEBUG is off

        # the database queue's worker runs beside gunicorn: a queued export is done with no other process started
        assert len(_task_workers(proc.pid)) == 1
        django_env = dict(env, DJANGO_SETTINGS_MODULE="landcycle.settings")
        job = subprocess.run(
            [sys.executable, "-c", QUEUE_AN_EXPORT], env=django_env, capture_output=True, text=True, timeout=120
        )
        assert job.returncode == 0, job.stderr
        deadline = time.monotonic() + 90
        while True:
            status = subprocess.run(
                [sys.executable, "-c", JOB_STATUS, job.stdout.split()[-1]],
                env=django_env,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout.strip()
            if status in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert status == "done"
        worker = _task_workers(proc.pid)
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0]
    assert "gunicorn" in out.lower() or "Listening at" in out
    assert "task worker started" in out
    time.sleep(0.5)
    assert not any(Path(f"/proc/{pid}").exists() for pid in worker)  # stopped with the server
