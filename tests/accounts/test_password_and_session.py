"""A signed-in user changes their own password (audited, stays signed in), and a sign-in lasts
LANDCYCLE_SESSION_HOURS (default 8) and ends with the browser."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from landcycle.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_top_bar_links_to_the_password_change(client, personas):
    client.force_login(personas["xinpu"])
    html = client.get(reverse("park_list")).content.decode()
    assert f'href="{reverse("password_change")}"' in html and "修改密码" in html


def test_a_user_changes_their_password(client, personas):
    user = personas["xinpu"]
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and 'class="sidebar"' in page.content.decode()
    resp = client.post(
        reverse("password_change"),
        {"old_password": "p_xinpu-pw", "new_password1": "Qiaotou-2026!", "new_password2": "Qiaotou-2026!"},
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("password_change_done")
    done = client.get(resp["Location"])
    assert "密码已修改" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("Qiaotou-2026!")
    assert client.get(reverse("park_list")).status_code == 200  # still signed in
    entry = AuditEntry.objects.filter(action="user.password_change").get()
    assert entry.actor_id == user.pk and "Qiaotou" not in str(entry.after) and user.password not in str(entry.after)


def test_a_wrong_old_password_changes_nothing(client, personas):
    user = personas["leader"]
    client.force_login(user)
    resp = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "Leader-2026!", "new_password2": "Leader-2026!"},
    )
    assert resp.status_code == 200 and "未保存" in resp.content.decode()
    user.refresh_from_db()
    assert user.check_password("p_leader-pw")
    assert not AuditEntry.objects.filter(action="user.password_change").exists()


def test_a_short_or_mismatched_new_password_is_refused(client, personas):
    user = personas["admin"]
    client.force_login(user)
    for new1, new2 in (("short", "short"), ("Admin-2026!", "Admin-2027!")):
        resp = client.post(
            reverse("password_change"), {"old_password": "p_admin-pw", "new_password1": new1, "new_password2": new2}
        )
        assert resp.status_code == 200
    user.refresh_from_db()
    assert user.check_password("p_admin-pw")


def test_the_password_page_needs_a_sign_in(client, db):
    resp = client.get(reverse("password_change"))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))


def test_the_password_page_in_english(client, personas):
    client.force_login(personas["admin"])
    client.cookies["django_language"] = "en"
    html = client.get(reverse("password_change")).content.decode()
    assert "Change password" in html and "Save the new password" in html and "修改密码" not in html


def test_a_sign_in_lasts_eight_hours_and_ends_with_the_browser():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_session_hours_come_from_the_environment(tmp_path):
    env = {**os.environ, "LANDCYCLE_SESSION_HOURS": "2.5", "LANDCYCLE_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", "from landcycle import settings; print(settings.SESSION_COOKIE_AGE)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == str(int(2.5 * 3600))
