"""Two app servers behind one address, as past one machine (docs/deployment.md): two gunicorn servers (as `landcycle serve`
starts them) on two ports,
each with its own LANDCYCLE_HOME, sharing one PostgreSQL database, one Redis (the cache and the rq task queue) and one
files folder (LANDCYCLE_FILES_DIR, standing in for a network file system; the S3 storage is tested against moto in
tests/kit/test_storage_s3.py), and a third process as the rq worker. Checked: a sign-in on A is a sign-in on B (and a
sign-out on B ends it on A); a write through A's API shows at once in the cached cards of B's list, the cache being
the shared Redis; a file uploaded through A downloads through B's scoped view; an export queued through A is run by
the rq worker and downloaded through B; the audit chain all three wrote verifies with the shared key.

Runs only where PostgreSQL (the run's DATABASE_URL) and Redis (LANDCYCLE_TEST_MULTI_REDIS_URL, default database 11
of 127.0.0.1:6379, this test's alone) answer; CI has both. One database of its own, dropped after."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
import requests

PG = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("LANDCYCLE_TEST_MULTI_REDIS_URL", "redis://127.0.0.1:6379/11")
SRC = str(Path(__file__).resolve().parents[2] / "src")
PASSWORD = "two-servers-pw-1"


def _redis() -> redis.Redis | None:
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
        return client
    except redis.RedisError:
        return None


pytestmark = [
    pytest.mark.skipif(not PG.startswith("postgres"), reason="needs PostgreSQL (the PostgreSQL run covers it)"),
    pytest.mark.skipif(_redis() is None, reason=f"no Redis at {REDIS_URL}"),
]

SEED = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from landcycle.accounts.models import Role, User
from landcycle.accounts.services import system_user
from landcycle.admission.services.applications import application_register
from landcycle.registry import services
from landcycle.registry.models import Region
from landcycle.registry.regions import regions_load
regions_load(actor=system_user(), county="330282")
town = Region.objects.get(code="330282112")
admin = User.objects.create_user(username="two-admin", password=%(pw)r, role=Role.COUNTY_ADMIN,
                                 region=Region.objects.get(code="330282"), display_name="two-admin")
officer = User.objects.create_user(username="two-officer", password=%(pw)r, role=Role.TOWN_OFFICER, region=town,
                                   display_name="two-officer")
User.objects.create_user(username="two-other", password=%(pw)r, role=Role.TOWN_OFFICER,
                         region=Region.objects.get(code="330282109"), display_name="two-other")
parks = [services.park_create(actor=admin, code=f"P-TWO-{i}", name=f"双机园区{i}", kind="industrial", town=town)
         for i in (1, 2)]
app = application_register(actor=officer, number="ZR-TWO-1", park=parks[0], project="双机项目",
                           applicant_name="新设企业", industry_code="3851", land_mu="10")
print(json.dumps({"park": parks[0].pk, "version": parks[0].version, "application": app.pk}))
""" % {"pw": PASSWORD}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(proc: subprocess.Popen, base: str, deadline: float) -> None:
    while True:
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.communicate(timeout=20)[0] if proc.poll() is not None else "(still starting)"
            pytest.fail(f"{base} did not start: {out[-3000:]}")
        time.sleep(0.2)


@pytest.fixture
def cluster(tmp_path):
    """The database, the Redis, the shared folder; two servers started, stopped and cleaned up after."""
    server, _, _ = PG.rpartition("/")
    dbname = f"landcycle_two_{uuid.uuid4().hex[:8]}"
    prefix = f"lc-two-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    shared = tmp_path / "shared"
    common = dict(
        os.environ,
        PYTHONPATH=SRC,
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="landcycle.settings",
        DATABASE_URL=f"{server}/{dbname}",
        LANDCYCLE_SECRET_KEY=uuid.uuid4().hex * 2,  # one key for all: a session signed on A holds on B
        LANDCYCLE_AUDIT_KEY=uuid.uuid4().hex,  # one chain, one key
        LANDCYCLE_FILES_DIR=str(shared),
        LANDCYCLE_CACHE_URL=REDIS_URL,
        LANDCYCLE_CACHE_PREFIX=prefix,
        LANDCYCLE_TASKS="rq",
        LANDCYCLE_REDIS_URL=REDIS_URL,
        LANDCYCLE_EXPORT_JOB_ROWS="1",  # the parks list (2 rows) exports as a job of the queue
        LANDCYCLE_TASK_RETRY_SECONDS="0",
    )
    for name in ("LANDCYCLE_DEBUG", "LANDCYCLE_REPLICA_URL", "LANDCYCLE_STORAGE"):
        common.pop(name, None)

    def env_of(name: str) -> dict:
        home = tmp_path / name
        home.mkdir(exist_ok=True)
        return dict(common, LANDCYCLE_HOME=str(home), LANDCYCLE_AUDIT_CHECKPOINTS=str(home / "audit-checkpoints"))

    client = _redis()
    assert client is not None
    client.delete(*client.keys("rq:*") or ["-"])  # this Redis database is the test's own
    procs: list[subprocess.Popen] = []
    try:
        seeded = subprocess.run(
            [sys.executable, "-c", SEED], env=env_of("a"), capture_output=True, text=True, timeout=300
        )
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        ids = json.loads(seeded.stdout.strip().splitlines()[-1])
        bases = {}
        for name in ("a", "b"):
            port = _free_port()
            bases[name] = f"http://127.0.0.1:{port}"
            procs.append(
                subprocess.Popen(
                    # what `landcycle serve` runs after its migrate (done by the seed) and collectstatic (WhiteNoise
                    # serves from the apps' folders as well; collecting twice took ~50 s here): tests/web_server/
                    # test_serve.py covers serve itself
                    [sys.executable, "-m", "gunicorn", "landcycle.wsgi:application", "--bind", f"127.0.0.1:{port}"]
                    + ["--workers", "1", "--timeout", "120", "--config", "python:landcycle.web.gunicorn_hooks"],
                    env=dict(env_of(name), LANDCYCLE_DEBUG="0", LANDCYCLE_TASK_WORKER="0"),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        deadline = time.monotonic() + 120  # Django's start, on a busy 2-core machine
        for proc, base in zip(procs, bases.values(), strict=True):
            _wait_up(proc, base, deadline)
        yield {"a": bases["a"], "b": bases["b"], "env": env_of, "ids": ids, "redis": client, "prefix": prefix}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
        for key in ("rq:*", f"{prefix}:*"):
            found = client.keys(key)
            if found:
                client.delete(*found)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def _sign_in(base: str, username: str) -> requests.Session:
    s = requests.Session()
    page = s.get(base + "/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = s.post(
        base + "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        headers={"Referer": base + "/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 302 and "login" not in done.headers["Location"], done.text[-2000:]
    return s


def _on(base: str, session: requests.Session) -> requests.Session:
    """The same browser talking to another server (the load balancer's choice): the same cookies."""
    other = requests.Session()
    other.cookies.update(session.cookies)
    return other


def _cards(html: str) -> str:
    """The kinds line of the parks list's first card (a cached figure: kit.cache)."""
    return re.search(r"工业园区 \d+ · 小微园区 \d+ · 老旧工业区块 \d+", html).group(0)


def _cached_keys(cluster, page: str) -> list[bytes]:
    return cluster["redis"].keys(f"{cluster['prefix']}:*lc:{page}:*")


def test_two_servers_share_sessions_cache_files_and_the_queue(cluster):
    a, b, ids = cluster["a"], cluster["b"], cluster["ids"]

    # a sign-in on A is a sign-in on B (sessions in the database, signed with the shared key)
    admin_a = _sign_in(a, "two-admin")
    admin_b = _on(b, admin_a)
    home = admin_b.get(b + "/", allow_redirects=False, timeout=30)
    assert home.status_code == 200 and "two-admin" in home.text

    # the list's cards, computed on B, are in the shared Redis; A reads the same entry (no second one)
    assert _cards(admin_b.get(b + "/parks/", timeout=30).text) == "工业园区 2 · 小微园区 0 · 老旧工业区块 0"
    assert len(_cached_keys(cluster, "park_list")) == 1
    assert _cards(admin_a.get(a + "/parks/", timeout=30).text) == "工业园区 2 · 小微园区 0 · 老旧工业区块 0"
    assert len(_cached_keys(cluster, "park_list")) == 1

    # a write through A's API: B's cached cards change at once (the registry's head moved with the write)
    changed = admin_a.patch(
        f"{a}/api/parks/{ids['park']}/",
        json={"kind": "micro", "name": "双机园区一改", "version": ids["version"]},
        headers={"X-CSRFToken": admin_a.cookies["csrftoken"], "Referer": a + "/"},
        timeout=30,
    )
    assert changed.status_code == 200, changed.text
    after = admin_b.get(b + "/parks/", timeout=30).text
    assert _cards(after) == "工业园区 1 · 小微园区 1 · 老旧工业区块 0" and "双机园区一改" in after
    assert len(_cached_keys(cluster, "park_list")) == 2  # a new entry under the new head

    # a file uploaded through A downloads through B's scoped view (404 for a reader outside its town)
    officer_a = _sign_in(a, "two-officer")
    content = b"%PDF-1.4 two servers " + uuid.uuid4().hex.encode()
    sent = officer_a.post(
        f"{a}/admission/{ids['application']}/",
        data={"action": "upload", "csrfmiddlewaretoken": officer_a.cookies["csrftoken"]},
        files={"file": ("可研.pdf", content, "application/pdf")},
        headers={"Referer": f"{a}/admission/{ids['application']}/"},
        allow_redirects=False,
        timeout=30,
    )
    assert sent.status_code == 302, sent.text[-2000:]
    officer_b = _on(b, officer_a)
    listed = officer_b.get(f"{b}/api/admission/applications/{ids['application']}/", timeout=30).json()
    url = listed["documents"][0]["url"]
    got = officer_b.get(url if url.startswith("http") else b + url, timeout=30)
    assert got.status_code == 200 and got.content == content
    assert _sign_in(b, "two-other").get(got.url, timeout=30).status_code == 404  # another town's officer
    stored = [p for p in (Path(cluster["env"]("a")["LANDCYCLE_FILES_DIR"]) / "uploads").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [content]  # in the shared folder, not under either server's home
    assert not any((Path(cluster["env"](n)["LANDCYCLE_HOME"]) / "uploads").exists() for n in ("a", "b"))

    # an export queued through A: the rq worker (a third process) runs it, B shows it and serves its file
    queued = admin_a.get(f"{a}/parks/?export=csv", allow_redirects=False, timeout=30)
    assert queued.status_code == 302 and "/downloads/" in queued.headers["Location"]
    assert cluster["redis"].llen("rq:queue:default") == 1
    worker = subprocess.run(
        [sys.executable, "-m", "landcycle.cli", "jobs", "run", "--once"],
        env=cluster["env"]("worker"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert worker.returncode == 0, worker.stderr[-3000:]
    downloads = admin_b.get(b + "/downloads/", timeout=30).text
    link = re.search(r'href="(/downloads/\d+/file/)"', downloads)
    assert link, downloads[-3000:]
    exported = admin_b.get(b + link.group(1), timeout=30)
    assert exported.status_code == 200 and "双机园区一改" in exported.content.decode("utf-8-sig")

    # a sign-out on B ends the session on A too
    admin_b.post(
        b + "/accounts/logout/",
        data={"csrfmiddlewaretoken": admin_b.cookies["csrftoken"]},
        headers={"Referer": b + "/"},
        timeout=30,
    )
    assert admin_a.get(a + "/", allow_redirects=False, timeout=30).status_code == 302

    # the one audit chain, written by the seed, A and the worker, verifies against A's checkpoints with the shared key
    verify = subprocess.run(
        [sys.executable, "-m", "landcycle.cli", "audit", "verify"],
        env=cluster["env"]("a"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0 and "intact" in verify.stdout, verify.stdout + verify.stderr
