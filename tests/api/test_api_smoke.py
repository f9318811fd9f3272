"""The endpoints answer, scoped, in the API's shape (a quick walk of every list with the county administrator)."""

import pytest

pytestmark = pytest.mark.django_db


def test_every_list_answers(client, personas, registry_data, supervision_data, evaluation_data, rectification_data):
    client.force_login(personas["admin"])
    root = client.get("/api/").json()
    assert "enterprises" in root
    for name, url in root.items():
        resp = client.get(url)
        assert resp.status_code == 200, (name, resp.status_code, resp.content[:300])
