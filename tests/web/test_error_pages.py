"""The error pages (web/errors.py) with DEBUG off: in the product's layout, in the user's language, with a way
back; the 500 page needs neither the database nor a signed-in user."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.utils import translation

from landcycle import urls as product_urls
from landcycle.web import errors

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("boom")


def _forbidden(request):
    raise PermissionDenied


def _bad(request):
    raise SuspiciousOperation("bad")


# A urlconf for the views that fail on purpose: the product's own pages plus three that raise, with the
# product's handlers (so the test also checks that landcycle.urls names them).
urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("bad/", _bad),
    *product_urls.urlpatterns,
]
handler400 = product_urls.handler400
handler403 = product_urls.handler403
handler404 = product_urls.handler404
handler500 = product_urls.handler500


def _client(user=None, language: str | None = None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@override_settings(DEBUG=False)
def test_404_in_layout_with_way_back(personas):
    response = _client(personas["xinpu"]).get("/no/such/page/", HTTP_REFERER="http://testserver/parks/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "Not Found" not in body
    assert 'class="sidebar"' in body  # the product's layout, navigation included
    assert 'href="http://testserver/parks/"' in body and "返回上一页" in body
    assert 'href="/"' in body and "回到首页" in body


@override_settings(DEBUG=False)
def test_404_in_english_for_an_english_user(personas):
    response = _client(personas["xinpu"], language="en").get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "页面不存在" not in body
    assert "Home" in body


@override_settings(DEBUG=False)
def test_404_back_link_refuses_another_site(personas):
    response = _client(personas["xinpu"]).get("/no/such/page/", HTTP_REFERER="https://evil.example/x")
    body = response.content.decode()
    assert "evil.example" not in body and "返回上一页" not in body


@override_settings(DEBUG=False)
def test_404_for_an_anonymous_visitor_without_layout(db):
    response = _client().get("/static/no-such-file.css")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and 'class="sidebar"' not in body and "回到首页" in body


@override_settings(DEBUG=False)
@pytest.mark.urls(__name__)
def test_403_in_layout(personas):
    response = _client(personas["leader"]).get("/forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权访问" in body and 'class="sidebar"' in body and "回到首页" in body
    assert "403 Forbidden" not in body


@override_settings(DEBUG=False)
@pytest.mark.urls(__name__)
def test_400_in_layout(personas):
    response = _client(personas["admin"]).get("/bad/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "请求有误" in body and "回到首页" in body and "Bad Request" not in body


@override_settings(DEBUG=False)
@pytest.mark.urls(__name__)
def test_500_page(personas):
    response = _client(personas["admin"]).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错" in body and "回到首页" in body and "返回上一页" in body
    assert "Server Error" not in body and "boom" not in body


@override_settings(DEBUG=False)
@pytest.mark.urls(__name__)
def test_500_page_in_english(personas):
    response = _client(personas["admin"], language="en").get("/boom/")
    assert response.status_code == 500
    assert "System error" in response.content.decode()


def test_500_page_needs_no_database_and_no_user(django_assert_num_queries):
    request = RequestFactory().get("/anything/")  # no session, no request.user
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()


@override_settings(DEBUG=False)
def test_csrf_failure_in_layout(personas):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(personas["admin"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "表单已过期" in body and "CSRF" not in body and "回到首页" in body
