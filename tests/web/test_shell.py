"""What every page pays before its own work (issue 18, docs/benchmarks.md "The page shell"): the session and the
user with their region in two queries, nothing for the API's token requests, one password check per sign-in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from landcycle.api.services import token_create

pytestmark = pytest.mark.django_db

ROLES = ["admin", "analyst", "supervisor", "leader", "xinpu", "qiaotou"]


def _queries(client, url, **headers) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("role", ROLES)
def test_the_shell_of_a_page_reads_the_session_and_the_user_with_the_region(client, personas, role):
    """The password page does no work of its own: what it reads is the shell (middleware, context processors, the
    base template with the user's region in the top bar)."""
    user = personas[role]
    client.force_login(user)
    sql = _queries(client, reverse("password_change"))
    assert len(sql) == 2, sql
    assert "django_session" in sql[0] and "accounts_user" in sql[1] and "registry_region" in sql[1]
    assert user.region.name in client.get(reverse("password_change")).content.decode()


def test_a_session_of_the_backend_before_still_signs_in(client, personas):
    """Sessions signed in before RegionModelBackend name Django's ModelBackend: they stay valid (one query more)."""
    client.force_login(personas["xinpu"], backend="django.contrib.auth.backends.ModelBackend")
    sql = _queries(client, reverse("password_change"))
    assert len(sql) == 3 and "registry_region" in sql[2]


def test_an_api_request_with_a_token_reads_no_session(client, personas):
    """A browser's session cookie rides along with the token (as in benchmarks/load.py): the token signs the request
    in, the session is not read."""
    user = personas["xinpu"]
    client.force_login(user)
    _, key = token_create(actor=user, user=user, name="shell", days=1)
    sql = _queries(client, "/api/parks/", HTTP_AUTHORIZATION=f"Token {key}")
    assert not [q for q in sql if "django_session" in q], sql
    assert client.get(reverse("password_change")).status_code == 200  # the session itself is intact


def test_open_addresses_still_ask_a_sign_in_elsewhere(client, db):
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/parks/").status_code == 401
    response = client.get(reverse("park_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_sign_in_checks_the_password_once_and_a_wrong_one_still_counts(client, personas, monkeypatch):
    from axes.models import AccessAttempt

    calls = []

    def counting(password, encoded, *args, **kwargs):
        calls.append(password)
        return check_password(password, encoded, *args, **kwargs)

    monkeypatch.setattr("django.contrib.auth.base_user.check_password", counting)
    response = client.post(reverse("login"), {"username": "p_xinpu", "password": "guess"})
    assert response.status_code == 200 and calls == ["guess"]  # not hashed again by the ModelBackend after it
    assert AccessAttempt.objects.get(username="p_xinpu").failures_since_start == 1
    calls.clear()
    response = client.post(reverse("login"), {"username": "p_xinpu", "password": "p_xinpu-pw"})
    assert response.status_code == 302 and calls == ["p_xinpu-pw"]
    assert client.session["_auth_user_backend"] == "landcycle.accounts.backends.RegionModelBackend"


def test_connections_are_kept_between_requests():
    """A new SQLite connection reads the schema again and starts with an empty page cache (~1.5-3 ms a request)."""
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
