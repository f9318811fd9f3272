"""Stored files through the API: each object that carries files lists them with their address; the address answers
the file to a reader whose scope holds its object (token or session), 404 in the API's shape to anyone else."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from api_support import _fresh_throttle_counts, auth, token_for, world  # noqa: F401 -- fixtures
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import QIAOTOU, RECTIFICATION_PDF, XINPU

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _body(resp) -> bytes:
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


def test_a_town_downloads_its_own_evidence_and_not_the_other_towns(client, personas, world):
    mine, theirs = world[XINPU], world[QIAOTOU]
    key = token_for(personas["xinpu"])
    task = client.get(f"/api/rectification/tasks/{mine['task'].pk}/", **auth(key)).json()
    (listed,) = task["evidence"]
    assert listed["name"] == mine["evidence"].name and listed["size"] == len(RECTIFICATION_PDF)
    assert listed["url"] == f"/api/files/task-evidence/{mine['evidence'].pk}/"
    resp = client.get(listed["url"], **auth(key))
    assert resp.status_code == 200 and _body(resp) == RECTIFICATION_PDF
    assert quote(mine["evidence"].name) in resp["Content-Disposition"]

    other = client.get(f"/api/files/task-evidence/{theirs['evidence'].pk}/", **auth(key))
    assert other.status_code == 404 and other.json()["status"] == 404
    assert client.get(f"/api/files/nothing/{mine['evidence'].pk}/", **auth(key)).status_code == 404
    assert client.get(listed["url"]).status_code == 401  # no token, no session
    client.force_login(personas["supervisor"])  # the county's supervisor reads both towns' evidence
    assert client.get(f"/api/files/task-evidence/{theirs['evidence'].pk}/").status_code == 200


def test_a_cases_photos_are_listed_and_served_in_scope(client, personas, world):
    from landcycle.exits.services.records import files_attach

    case = world[XINPU]["exit_case"]
    (photo,) = files_attach(
        actor=personas["xinpu"], case=case, files=[SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg")]
    )
    client.force_login(personas["xinpu"])
    files = client.get(f"/api/exits/cases/{case.pk}/").json()["files"]
    assert [(f["id"], f["name"]) for f in files] == [(photo.pk, "现场.jpg")]
    resp = client.get(files[0]["url"])
    assert resp.status_code == 200 and _body(resp) == JPEG and resp["Content-Type"] == "image/jpeg"
    client.force_login(personas["qiaotou"])
    assert client.get(files[0]["url"]).status_code == 404
