"""Issue 18: the audit page goes older / newer by the entries' sequence number (kit.keyset), not by page number:
the walk to the oldest entry and back shows every entry of the reader's scope and filters once, entries appended
meanwhile do not shift it, the links keep the filters, and the oldest page asks as many queries as the newest."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from landcycle.accounts.models import Role, User
from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_record

XINPU, QIAOTOU = "330282112", "330282109"

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(settings):
    settings.PAGE_SIZE = 3


def _page(client, params):
    """The page and its reads of the log (the page's rows, the log's head; the figures once cached)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("audit_list"), params)
    assert response.status_code == 200
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "audit_auditentry"' in q["sql"]]
    assert not any("OFFSET" in sql.upper() for sql in reads)
    return response, len(reads)


def _links(response) -> dict[str, dict]:
    """The pager's links by their label (最新, ‹ 较新, 较早 ›, 最早) as query dicts."""
    import re

    html = response.content.decode()
    pager = html[html.index('class="pager"') :]
    out = {}
    for href, label in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', pager):
        query = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
        out[label.strip(" ‹›")] = {k: v[0] for k, v in query.items()}
    return out


def _seqs(response) -> list[int]:
    return [e.seq for e in response.context["page_obj"].object_list]


def _walk_older(client, params, between=None):
    seen, counts, step = [], [], 0
    response, n = _page(client, params)
    while True:
        seen.extend(_seqs(response))
        counts.append(n)
        older = _links(response).get("较早")
        if older is None:
            return seen, counts, response
        if between:
            between(step)
        step += 1
        response, n = _page(client, older)


def test_older_walk_sees_every_entry_once_while_the_log_grows(client, personas, registry_data, small_pages):
    admin = personas["admin"]
    client.force_login(admin)
    park = registry_data[XINPU]["park"]
    before = list(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True))
    assert len(before) > 3 * 3

    def append(_step):
        audit_record(actor=admin, action="park.update", obj=park, region_code=XINPU)

    seen, counts, oldest = _walk_older(client, {}, between=append)
    assert seen == before  # newest first, none twice, none skipped; the appended ones are newer than the walk
    # once the log stops growing, every page reads it as often (its rows and its head), the oldest as the newest
    _seen, counts, _oldest = _walk_older(client, {})
    assert len(counts) > 3 and set(counts) == {2}, counts
    # and back by the newer links: the same entries, upwards
    back, response = list(reversed(_seqs(oldest))), oldest
    while (newer := _links(response).get("较新")) is not None:
        response, _n = _page(client, newer)
        back.extend(reversed(_seqs(response)))
    appended = AuditEntry.objects.filter(seq__gt=before[0]).count()
    assert back == sorted(before + list(range(before[0] + 1, before[0] + 1 + appended)))
    # the newest page once there; the 最早 link is the oldest page
    assert "最新" not in _links(response)
    first_ever, _n = _page(client, _links(_page(client, {})[0])["最早"])
    assert _seqs(first_ever) == sorted(before)[:3][::-1]
    assert "较早" not in _links(first_ever) and "较新" in _links(first_ever)


def test_links_keep_the_filters_and_the_town_scope(client, personas, regions, registry_data, small_pages):
    admin = personas["admin"]
    for _n in range(4):
        audit_record(actor=admin, action="park.update", obj=registry_data[QIAOTOU]["park"], region_code=QIAOTOU)
        audit_record(actor=admin, action="park.update", obj=registry_data[XINPU]["park"], region_code=XINPU)
    client.force_login(admin)
    seen, _counts, _last = _walk_older(client, {"region": QIAOTOU, "action": "park.update"})
    expected = AuditEntry.objects.filter(region_code__startswith=QIAOTOU, action="park.update")
    assert seen == list(expected.order_by("-seq").values_list("seq", flat=True))
    town_reader = User.objects.create_user(
        username="t_sup", password="t_sup-pw", role=Role.SUPERVISOR, region=regions[XINPU]
    )
    client.force_login(town_reader)
    mine = list(AuditEntry.objects.filter(region_code__startswith=XINPU).order_by("-seq").values_list("seq", flat=True))
    seen, _counts, _last = _walk_older(client, {})
    assert seen == mine
    # a link made for another reader (or by hand) moves the window, not the scope
    theirs = AuditEntry.objects.filter(region_code__startswith=QIAOTOU).order_by("seq").values_list("seq", flat=True)
    for seq in theirs:
        for param in ("older", "newer"):
            response, _n = _page(client, {param: seq})
            assert set(_seqs(response)) <= set(mine)


def test_a_bad_key_is_the_newest_page(client, personas, registry_data, small_pages):
    client.force_login(personas["admin"])
    newest = _seqs(_page(client, {})[0])
    for bad in ("x", "-1", "9" * 40, ""):
        assert _seqs(_page(client, {"older": bad})[0]) == newest
