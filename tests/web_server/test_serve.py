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
        deadline = time.monotonic() + 120  # migrate + collectstatic + gunicorn, on a busy 2-core machine
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
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0]
    assert "gunicorn" in out.lower() or "Listening at" in out
