"""A real ``landcycle serve`` (gunicorn, one worker) survives every crafted upload: the same worker process
answers before and after, and each upload gets the page with its message (issue 10, items 2, 3 and 9)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from test_upload_limits import CRAFTED, SRC

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from landcycle.accounts.models import Role, User
from landcycle.accounts.services import system_user
from landcycle.registry.models import Region
from landcycle.registry.regions import regions_load
regions_load(actor=system_user(), county="330282")
User.objects.create_user(username="admin", password="admin-pw-1234", role=Role.COUNTY_ADMIN,
                         region=Region.objects.get(code="330282"), display_name="admin")
"""


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite run covers it")
def test_a_served_worker_survives_every_crafted_upload(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(
        os.environ,
        LANDCYCLE_HOME=str(tmp_path),
        PYTHONPATH=SRC,
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="landcycle.settings",
        LANDCYCLE_TASK_WORKER="0",  # only gunicorn's worker under the master: the one that must never restart
    )
    env.pop("LANDCYCLE_DEBUG", None)
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=600)
    proc = subprocess.Popen(
        [sys.executable, "-m", "landcycle.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def fetch(path: str, data: bytes | None = None, ctype: str | None = None) -> tuple[int, str]:
        req = urllib.request.Request(base + path, data=data, headers={"Referer": base + path})
        if ctype:
            req.add_header("Content-Type", ctype)
        try:
            with opener.open(req, timeout=300) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def csrf(page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    try:
        for _ in range(600):
            try:
                if fetch("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("server did not start")
        workers = _children(proc.pid)
        assert len(workers) == 1
        status, page = fetch("/accounts/login/")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf(page), "username": "admin", "password": "admin-pw-1234"}
        ).encode()
        status, page = fetch("/accounts/login/", form, "application/x-www-form-urlencoded")
        assert status == 200 and "admin" in page
        for name, (build, rule, words) in CRAFTED.items():
            status, page = fetch("/imports/new/")
            assert status == 200, name
            body, ctype = _multipart({"csrfmiddlewaretoken": csrf(page), "kind": "enterprises"}, name, build())
            status, page = fetch("/imports/new/", body, ctype)
            assert status == 200 and words in page, (name, status, page[-500:])
            assert _children(proc.pid) == workers, name  # the same worker, never restarted
        assert fetch("/healthz")[0] == 200 and _children(proc.pid) == workers
    finally:
        proc.terminate()
        proc.wait(timeout=30)
