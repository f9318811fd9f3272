"""Every ``next`` a page posts is followed only when it stays on this site (safe_next, built on Django's
url_has_allowed_host_and_scheme): the board's refresh, a warning's actions, the ledger's quick check form."""

import pytest
from django.urls import reverse

from conftest import XINPU

pytestmark = pytest.mark.django_db
OUTSIDE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:/evil.example",
]


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_boards_refresh_never_leaves_the_site(client, supervision_data, personas, target):
    client.force_login(personas["admin"])
    resp = client.post(reverse("warning_board"), {"as_of": "2026-11-30", "next": target})
    assert resp.status_code == 302 and resp["Location"] == reverse("warning_board")


@pytest.mark.parametrize("target", OUTSIDE)
def test_a_warning_action_never_leaves_the_site(client, supervision_data, personas, target):
    w = supervision_data[XINPU]["warning"]
    client.force_login(personas["admin"])
    resp = client.post(
        reverse("warning_detail", args=[w.pk]), {"action": "verify", "answer": "confirm", "next": target}
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("warning_detail", args=[w.pk])


def test_a_next_on_this_site_is_followed(client, supervision_data, rectification_data, personas):
    client.force_login(personas["admin"])
    resp = client.post(reverse("warning_board"), {"as_of": "2026-11-30", "next": "/warnings/?colour=red"})
    assert resp["Location"] == "/warnings/?colour=red"
    client.force_login(personas["supervisor"])
    resp = client.post(
        reverse("check_create"),
        {
            "held_on": "2026-11-27",
            "region": rectification_data[XINPU]["town"].pk,
            "body": "市纪委",
            "title": "现场检查",
            "next": "/\\evil.example/",
        },
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("rectification_ledger")
