"""API tokens: made on "my API tokens" (the key shown once, only its hash kept), used, expired, revoked, audited;
``landcycle api-token``; throttling per token."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from api_support import _fresh_throttle_counts, auth, token_for  # noqa: F401 -- fixtures
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _tokens():
    from landcycle.api.models import ApiToken

    return ApiToken.objects


def test_the_page_makes_a_token_shown_once_and_keeps_only_its_hash(client, personas):
    from landcycle.audit.models import AuditEntry

    user = personas["xinpu"]
    client.force_login(user)
    assert client.get("/api/my-tokens/").status_code == 200
    resp = client.post("/api/my-tokens/", {"name": "省亩均平台", "days": "30"})
    assert resp.status_code == 200
    page = resp.content.decode()
    token = _tokens().get(user=user)
    key = page.split('<code class="api-key">', 1)[1].split("<", 1)[0]
    assert key.startswith("lc_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and token.prefix == key[:10]
    assert key not in str(list(_tokens().values()))  # only its hash and prefix are stored
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    again = client.get("/api/my-tokens/").content.decode()
    assert key not in again and "省亩均平台" in again and token.prefix in again  # listed, the key never again
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor_id == user.pk and key not in entry.after


def test_a_token_authenticates_records_its_last_use_and_is_revoked(client, personas, registry_data):
    from landcycle.audit.models import AuditEntry

    user = personas["xinpu"]
    key = token_for(user)
    token = _tokens().get(user=user)
    assert token.last_used_at is None
    resp = client.get("/api/enterprises/", **auth(key))
    assert resp.status_code == 200 and resp.json()["count"] == 2
    token.refresh_from_db()
    assert token.last_used_at is not None
    client.force_login(user)
    resp = client.post(f"/api/my-tokens/{token.pk}/revoke/")
    assert resp.status_code == 302
    client.logout()
    resp = client.get("/api/enterprises/", **auth(key))
    assert resp.status_code == 401
    assert resp.json()["problems"][0]["message_en"] == "the token was revoked"
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1


def test_an_expired_token_answers_401(client, personas):
    from landcycle.api.services import token_create

    user = personas["leader"]
    _token, key = token_create(actor=user, user=user, name="old", days=1, now=timezone.now() - dt.timedelta(days=2))
    resp = client.get("/api/parks/", **auth(key))
    assert resp.status_code == 401 and resp.json()["problems"][0]["message_zh"] == "令牌已过期"
    fresh = token_for(user)
    assert client.get("/api/parks/", **auth(fresh)).status_code == 200


def test_unknown_and_malformed_tokens_answer_401(client, personas):
    for header in ("Token lc_nothing", "Token", "Token a b"):
        resp = client.get("/api/parks/", HTTP_AUTHORIZATION=header)
        assert resp.status_code == 401, header
        assert resp.json()["status"] == 401 and resp["WWW-Authenticate"] == "Token"


def test_a_user_sees_and_revokes_only_their_own_tokens(client, personas):
    key = token_for(personas["xinpu"], name="mine")
    token_for(personas["qiaotou"], name="theirs")
    theirs = _tokens().get(name="theirs")
    listed = client.get("/api/tokens/", **auth(key)).json()
    assert [t["name"] for t in listed["results"]] == ["mine"]
    assert client.post(f"/api/tokens/{theirs.pk}/revoke/", **auth(key)).status_code == 404
    client.force_login(personas["xinpu"])
    assert client.post(f"/api/my-tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_tokens_through_the_api(client, personas):
    client.force_login(personas["admin"])
    resp = client.post("/api/tokens/", {"name": "tax bureau", "days": 10}, content_type="application/json")
    assert resp.status_code == 201
    key = resp.json()["key"]
    assert client.get("/api/tokens/", **auth(key)).json()["results"][0]["state"] == "active"
    bad = client.post("/api/tokens/", {"name": " ", "days": 10}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["problems"][0]["field"] == "name"
    too_long = client.post("/api/tokens/", {"name": "x", "days": 5000}, content_type="application/json")
    assert too_long.status_code == 400 and too_long.json()["problems"][0]["field"] == "days"
    pk = resp.json()["token"]["id"]
    assert client.post(f"/api/tokens/{pk}/revoke/").json()["state"] == "revoked"
    assert client.get("/api/tokens/", **auth(key)).status_code == 401


def test_the_page_refuses_a_token_without_a_name(client, personas):
    client.force_login(personas["leader"])
    resp = client.post("/api/my-tokens/", {"name": "", "days": "30"})
    assert resp.status_code == 400 and 'data-rule="api.token_name"' in resp.content.decode()
    assert not _tokens().exists()


def test_the_command_makes_lists_and_revokes_tokens(client, personas):
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "create", "p_analyst", "--name", "ETL", "--days", "7", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert client.get("/api/evaluation/runs/", **auth(key)).status_code == 200
    token = _tokens().get(user=personas["analyst"])
    listing = io.StringIO()
    call_command("api-token", "list", "p_analyst", stdout=listing)
    assert token.prefix in listing.getvalue() and "active" in listing.getvalue()
    call_command("api-token", "revoke", "p_analyst", token.prefix, stdout=io.StringIO())
    assert client.get("/api/evaluation/runs/", **auth(key)).status_code == 401


def test_throttling_counts_per_token(client, personas, monkeypatch):
    from landcycle.api.throttling import PerTokenThrottle

    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "3/min"})
    first, second = token_for(personas["leader"], "a"), token_for(personas["leader"], "b")
    for _ in range(3):
        assert client.get("/api/parks/", **auth(first)).status_code == 200
    resp = client.get("/api/parks/", **auth(first))
    assert resp.status_code == 429
    body = resp.json()
    assert body["status"] == 429 and body["problems"][0]["rule"] == "api.throttled"
    assert int(resp["Retry-After"]) >= 1
    assert client.get("/api/parks/", **auth(second)).status_code == 200  # another token has its own count
    client.force_login(personas["admin"])
    assert client.get("/api/parks/").status_code == 200  # a signed-in user is counted by user
