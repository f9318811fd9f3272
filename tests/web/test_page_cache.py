"""Issue 18 (cheaper pages: cached fragments): kit.pagecache keeps a page's blocks per reader, address and state of the
data. A kept page is the same page (only the CSRF tokens are fresh), costs the shell's queries only, shows any write
at once (audited or a warnings refresh), is never shown to another user, and its forms still post."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from landcycle.registry.services import park_update
from landcycle.supervision.models import Warning
from landcycle.supervision.refresh import warnings_refresh

XINPU, QIAOTOU = "330282112", "330282109"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
PRINTED = re.compile(r'<div class="print-only print-foot">.*?</div>', re.S)  # the shell's: the minute it was printed


def _same(html: str) -> str:
    """A page as the reader sees it, but for what the shell renders fresh on every request."""
    return PRINTED.sub("", TOKEN.sub("", html))


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on(settings):
    settings.LANDCYCLE_PAGE_CACHE = True


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return response, len(ctx.captured_queries)


def _pages(data) -> list[str]:
    d = data[XINPU]
    return [
        reverse("home"),
        reverse("park_list"),
        reverse("parcel_list"),
        reverse("enterprise_list"),
        reverse("contract_list"),
        reverse("warning_board"),
        reverse("evaluation_runs"),
        reverse("park_detail", args=[d["park"].pk]),
        reverse("parcel_detail", args=[d["parcels"][1].pk]),
        reverse("enterprise_detail", args=[d["owner"].pk]),
        reverse("contract_detail", args=[d["contract"].pk]),
        reverse("warning_detail", args=[d["warning"].pk]),
    ]


@pytest.mark.parametrize("who", ["admin", "xinpu"])
def test_a_kept_page_is_the_same_page_for_the_shell_s_queries(client, personas, supervision_data, who):
    client.force_login(personas[who])
    for url in _pages(supervision_data):
        first, cold = _get(client, url)
        again, warm = _get(client, url)
        assert first["X-Page-Cache"] == "miss" and again["X-Page-Cache"] == "hit", url
        assert _same(again.content.decode()) == _same(first.content.decode()), url
        assert warm <= 6 < cold, (url, cold, warm)  # session, user, heads, refreshes, jobs (and a savepoint)


def test_a_write_shows_at_once(client, personas, supervision_data):
    admin = personas["admin"]
    client.force_login(admin)
    park = supervision_data[XINPU]["park"]
    for url in (reverse("park_list"), reverse("park_detail", args=[park.pk])):
        _get(client, url)
        park = park_update(actor=admin, park=park, name=f"改名园区{len(url)}")
        after, _n = _get(client, url)
        assert after["X-Page-Cache"] == "miss"
        assert park.name in after.content.decode()


def test_a_refresh_without_an_audit_entry_shows_at_once(client, personas, supervision_data):
    """A refresh that changes no colour writes days overdue and its date without an audit entry."""
    admin = personas["admin"]
    client.force_login(admin)
    url = reverse("warning_detail", args=[supervision_data[XINPU]["warning"].pk])
    _get(client, url)
    warnings_refresh(actor=admin, as_of=dt.date(2026, 12, 3))
    assert Warning.objects.filter(checked_on=dt.date(2026, 12, 3)).exists()
    after, _n = _get(client, url)
    assert after["X-Page-Cache"] == "miss"


def test_another_user_never_gets_a_kept_page(client, personas, supervision_data, regions):
    from landcycle.accounts.models import Role, User

    url = reverse("park_detail", args=[supervision_data[XINPU]["park"].pk])
    client.force_login(personas["xinpu"])
    _get(client, url)
    assert _get(client, url)[0]["X-Page-Cache"] == "hit"
    colleague = User.objects.create_user(username="xinpu2", role=Role.TOWN_OFFICER, region=regions[XINPU])
    other = Client()
    other.force_login(colleague)
    response, _n = _get(other, url)
    assert response["X-Page-Cache"] == "miss"
    assert "xinpu2" in response.content.decode()
    outsider = Client()
    outsider.force_login(personas["qiaotou"])
    assert outsider.get(url).status_code == 404  # the scope check is the view's: it still runs for them


def test_a_kept_page_s_form_posts_with_its_fresh_token(personas, supervision_data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["xinpu"])
    warning = supervision_data[XINPU]["warning"]
    url = reverse("warning_detail", args=[warning.pk])
    client.get(url)
    kept = client.get(url)
    assert kept["X-Page-Cache"] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept.content.decode()).group(1)
    response = client.post(url, {"csrfmiddlewaretoken": token, "action": "verify", "answer": "confirm"})
    assert response.status_code == 302  # done (not the CSRF failure page, 403)
    warning.refresh_from_db()
    assert warning.status == Warning.Status.CONFIRMED


def test_scope_filters_and_language_are_kept_apart(client, personas, supervision_data):
    client.force_login(personas["admin"])
    url = reverse("park_list")
    _get(client, url)
    filtered, _n = _get(client, url, town=XINPU)
    assert filtered["X-Page-Cache"] == "miss"
    assert supervision_data[QIAOTOU]["park"].name not in filtered.content.decode()
    client.cookies["django_language"] = "en"
    english, _n = _get(client, url)
    assert english["X-Page-Cache"] == "miss"


def test_it_can_be_turned_off(client, personas, supervision_data, settings):
    settings.LANDCYCLE_PAGE_CACHE = False
    client.force_login(personas["admin"])
    _get(client, reverse("park_list"))
    response, _n = _get(client, reverse("park_list"))
    assert "X-Page-Cache" not in response


def _api(client, url, token):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    return response, len(ctx.captured_queries)


def test_the_api_keeps_its_answers_the_same_way(client, personas, supervision_data):
    from landcycle.api.services import token_create

    admin, xinpu = personas["admin"], personas["xinpu"]
    token = token_create(actor=xinpu, user=xinpu, name="t", days=1)[1]
    park = supervision_data[XINPU]["park"]
    urls = ["/api/parks/", f"/api/parks/{park.pk}/", "/api/warnings/", f"/api/contracts/?town={XINPU}"]
    for url in urls:
        first, cold = _api(client, url, token)
        again, warm = _api(client, url, token)
        assert first.status_code == again.status_code == 200, url
        assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit"), url
        assert again.json() == first.json() and warm < cold, url
    park_update(actor=admin, park=park, name="接口改名园区")
    after, _n = _api(client, f"/api/parks/{park.pk}/", token)
    assert after["X-Page-Cache"] == "miss" and after.json()["name"] == "接口改名园区"
    other = token_create(actor=personas["qiaotou"], user=personas["qiaotou"], name="t", days=1)[1]
    assert _api(client, f"/api/parks/{park.pk}/", other)[0].status_code == 404  # another town: still a 404
    theirs, _n = _api(client, "/api/parks/", other)
    assert theirs["X-Page-Cache"] == "miss" and park.name not in theirs.content.decode()
