"""Walks every URL the app defines with every persona and fails on any leak.

Each URL with a primary key is tried on an object of 新浦镇 and one of 桥头镇; the officer of 新浦镇 must
get 404 on the other town's objects, and no page without a key may show the other town's data to them.
A new URL whose key this test cannot fill fails here until it is added to OBJECTS below.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import QIAOTOU, XINPU

pytestmark = pytest.mark.django_db

# url-name prefix -> how to find the object of a town in registry_data
OBJECTS = {
    "park": lambda d: d["park"],
    "parcel": lambda d: d["parcels"][0],
    "enterprise": lambda d: d["owner"],
    "occupancy": lambda d: d["occupancies"][0],
}
# URLs whose key is not the object their name starts with
EXACT = {
    "occupancy_create": lambda d: d["parcels"][0],  # a new occupancy on a parcel
}
OPEN_URLS = {"login", "healthz", "set_language"}
WRITE_PREFIXES = ("_create", "_edit", "_update", "_new", "_end")


def _walk(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield p.name, prefix + str(p.pattern), list(p.pattern.converters)


def _urls():
    return sorted({(name, route, tuple(params)) for name, route, params in _walk()})


def _fill(name, params, data):
    from django.urls import reverse

    if not params:
        if name == "area_pending":
            return None
        return reverse(name)
    if name == "area_pending":
        return reverse(name, args=["evaluation"])
    if name in EXACT:
        obj = EXACT[name](data)
    else:
        kind = next((k for k in sorted(OBJECTS, key=len, reverse=True) if name.startswith(k)), None)
        assert kind is not None, f"URL {name} takes {params}: add its object to OBJECTS in this test"
        obj = OBJECTS[kind](data)
    return reverse(name, kwargs={params[0]: obj.pk})


def _leak_markers(data):
    """Strings that only the other town's objects carry."""
    return [data["owner"].uscc, data["owner"].name, data["tenant"].uscc, data["parcels"][0].number, data["park"].code]


def test_anonymous_users_are_sent_to_login(client, registry_data):
    for name, route, params in _urls():
        if name in OPEN_URLS or name == "logout":
            continue
        url = _fill(name, params, registry_data[XINPU]) or "/areas/evaluation/"
        resp = client.get(url)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], (name, url, resp.status_code)


@pytest.mark.parametrize("who", ["admin", "analyst", "supervisor", "leader", "xinpu", "qiaotou"])
def test_every_url_with_every_persona(client, registry_data, personas, who):
    user = personas[who]
    client.force_login(user)
    own_town = {"xinpu": XINPU, "qiaotou": QIAOTOU}.get(who)
    other_town = {XINPU: QIAOTOU, QIAOTOU: XINPU}.get(own_town)
    checked = 0
    for name, route, params in _urls():
        if name in OPEN_URLS or name == "logout":
            continue
        is_write = any(name.endswith(s) for s in WRITE_PREFIXES)
        for town in (XINPU, QIAOTOU):
            url = _fill(name, params, registry_data[town])
            if url is None:
                continue
            resp = client.get(url)
            checked += 1
            keyed = bool(params) and name != "area_pending"
            if keyed and own_town and town == other_town:
                assert resp.status_code == 404, f"{who} reached {name} of another town: {url} -> {resp.status_code}"
                continue
            if is_write and who in ("leader", "supervisor", "analyst"):
                assert resp.status_code in (403, 404), f"{who} may not open {url}: {resp.status_code}"
                continue
            if name == "audit_list" and who not in ("admin", "supervisor"):
                assert resp.status_code in (403, 404), f"{who} may not read the audit log"
                continue
            assert resp.status_code == 200, f"{who} {url} -> {resp.status_code}"
            if own_town and not keyed:
                other = registry_data[other_town]
                # the page as it is, and asked for the other town's rows by filter and search
                for query in ("", f"?town={other_town}", f"?park={other['park'].pk}", f"?q={other['owner'].uscc}",
                              f"?town={other_town}&export=csv", "?export=csv"):
                    r = client.get(url + query)
                    raw = b"".join(r.streaming_content) if r.streaming else r.content
                    body = raw.decode("utf-8", "replace")
                    if "=" in query:  # the page may echo what was asked for (search box, language switch)
                        body = body.replace(query.split("=", 1)[1].split("&")[0], "")
                    for marker in _leak_markers(other):
                        assert marker not in body, f"{who} sees {marker!r} of {other_town} on {url}{query}"
            if not keyed:
                break  # a page without a key is the same for both towns
    assert checked > 10
