"""Hardened serving (issue 18): `landcycle check --deploy` clean when served over HTTPS, the security headers and a
Content Security Policy without inline scripts, no `testserver` among the default hosts, owner-only files, password
rules, and sign-in lockout after repeated wrong passwords (30 wrong passwords in 15 s used to meet no delay)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from landcycle.accounts.models import User

ROOT = Path(__file__).resolve().parents[2]


def _settings_in(env_extra: dict, tmp_path: Path, expr: str) -> str:
    env = dict(os.environ, LANDCYCLE_HOME=str(tmp_path), **env_extra)
    code = f"import landcycle.settings as s; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_check_deploy_is_clean_when_served_over_https(tmp_path):
    env = dict(os.environ, LANDCYCLE_HOME=str(tmp_path), LANDCYCLE_HTTPS="1", LANDCYCLE_DEBUG="0")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests of this run, never in a deployment
    done = subprocess.run(
        [sys.executable, "-m", "landcycle.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout


def test_https_settings_follow_the_setting_and_are_off_for_plain_http(tmp_path):
    expr = "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS"
    assert _settings_in({"LANDCYCLE_HTTPS": "1"}, tmp_path, expr) == "True True True 31536000"
    assert _settings_in({"LANDCYCLE_HTTPS": "0"}, tmp_path, expr) == "False False False 0"
    proxied = _settings_in(
        {"LANDCYCLE_HTTPS": "1", "LANDCYCLE_PROXY_SSL_HEADER": "1"}, tmp_path, "s.SECURE_PROXY_SSL_HEADER"
    )
    assert proxied == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert "testserver" not in _settings_in({}, tmp_path, "s.ALLOWED_HOSTS")


@pytest.mark.django_db
def test_every_page_carries_the_security_headers_and_a_csp_without_inline_script(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "HttpOnly" in str(response.cookies["csrftoken"])


def test_no_template_has_an_inline_script_or_handler():
    """The CSP refuses them in the browser; this finds them before a browser test does."""
    offenders = []
    for path in (ROOT / "src" / "landcycle").rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for marker in ("<script>", "javascript:", " onclick=", " onsubmit=", " onchange=", " onload=", " oninput="):
            if marker in text:
                offenders.append(f"{path.relative_to(ROOT)}: {marker.strip()}")
    assert offenders == []


def test_files_the_commands_create_are_the_owners_alone(tmp_path):
    env = dict(os.environ, LANDCYCLE_HOME=str(tmp_path))
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-m", "landcycle.cli"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*run, "export", "parks", "--out", str(tmp_path / "园区.xlsx")], env=env, check=True, capture_output=True
    )
    for path in (tmp_path / "landcycle.sqlite3", tmp_path / "园区.xlsx", tmp_path / "secret_key"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.django_db
def test_wrong_passwords_lock_the_sign_in_for_that_user_and_address(client, regions, settings):
    User.objects.create_user(
        username="wang", password="Zhen-jie-2026", role="town_officer", region=regions["330282112"]
    )
    User.objects.create_user(username="li", password="Zhen-jie-2027", role="town_officer", region=regions["330282112"])
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accounts/login/", {"username": "wang", "password": "guess"}).status_code == 200
    locked = client.post("/accounts/login/", {"username": "wang", "password": "guess"})
    assert locked.status_code == 429 and "登录已暂停" in locked.content.decode()
    right_but_locked = client.post("/accounts/login/", {"username": "wang", "password": "Zhen-jie-2026"})
    assert right_but_locked.status_code == 429  # the right password does not help while locked
    other = client.post("/accounts/login/", {"username": "li", "password": "Zhen-jie-2027"})
    assert other.status_code == 302  # another user from the same address is not locked out
    client.logout()
    call_command("axes_reset_username", "wang")  # the county administrator unlocks
    assert client.post("/accounts/login/", {"username": "wang", "password": "Zhen-jie-2026"}).status_code == 302


@pytest.mark.django_db
def test_password_rules_refuse_a_common_or_numeric_password(client, regions):
    User.objects.create_user(
        username="wang", password="Zhen-jie-2026", role="town_officer", region=regions["330282112"]
    )
    assert client.post("/accounts/login/", {"username": "wang", "password": "Zhen-jie-2026"}).status_code == 302
    for weak in ("12345678901", "password123"):
        response = client.post(
            "/accounts/password/",
            {"old_password": "Zhen-jie-2026", "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200 and response.context["form"].errors, weak
