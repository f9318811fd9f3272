import pytest

pytestmark = pytest.mark.django_db


def test_chinese_by_default_even_for_an_english_browser(client):
    resp = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert resp.status_code == 200 and 'lang="zh-Hans"' in resp.content.decode()


def test_english_one_click_away(client):
    resp = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert resp.status_code == 302
    resp = client.get("/accounts/login/")
    assert 'lang="en"' in resp.content.decode()
