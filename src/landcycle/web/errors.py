"""The error pages (400, 403, 404, 500 and a refused form's CSRF check) in the product's layout and the user's
language, each with a way back: the page the user came from (when it is on this site) and the home page.

Django calls these when DEBUG is off (``handler400`` … in ``landcycle.urls``; ``CSRF_FAILURE_VIEW`` in settings).
A signed-in user sees the page inside the usual layout (navigation, top bar); anyone else a card like the sign-in
page. The 500 page asks nothing of the database or of ``request.user``: whatever failed may be the database.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.template.loader import get_template, render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)


def _back_url(request) -> str:
    """The Referer when it is a page of this site other than the one that failed, else ""."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # a request refused for its Host header (400) has no host to compare with
        return ""
    if (
        referer
        and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure())
        and not referer.endswith(request.get_full_path())
    ):
        return referer
    return ""


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _error_page(request, status: int, title: str, message: str) -> HttpResponse:
    context = {
        "status": status,
        "title": title,
        "message": message,
        "back_url": _back_url(request),
        "layout": "web/base.html" if _signed_in(request) else "web/errors/plain.html",
    }
    try:
        body = render_to_string("web/errors/error.html", context, request=request)
    except Exception:  # the layout itself could not be drawn (a database down): the plain page still answers
        log.exception("error page %s could not be drawn in the layout", status)
        return server_error(request, status=status, title=title, message=message)
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request, exception=None) -> HttpResponse:
    return _error_page(request, 400, _("请求有误"), _("浏览器发来的请求无法处理。请返回上一页重试。"))


@requires_csrf_token
def permission_denied(request, exception=None) -> HttpResponse:
    return _error_page(request, 403, _("无权访问"), _("您的账号没有这项操作的权限。如需办理，请联系县级管理员。"))


@requires_csrf_token
def page_not_found(request, exception=None) -> HttpResponse:
    return _error_page(
        request,
        404,
        _("页面不存在"),
        _("您要找的页面不存在，或不在您的管辖范围内。请检查地址，或从首页重新进入。"),
    )


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: in practice a page left open past the session's end, or a form sent
    from an old tab after signing in again."""
    return _error_page(
        request,
        403,
        _("表单已过期"),
        _("这张表单已过期（可能是登录已超时或在其他窗口重新登录过），内容没有保存。请返回上一页，刷新后重新填写提交。"),
    )


def server_error(request, status: int = 500, title: str = "", message: str = "") -> HttpResponse:
    """No database, no ``request.user``, no context processors: a self-contained page."""
    context = {
        "status": status,
        "title": title or _("系统出错"),
        "message": message
        or _("处理您的请求时系统出错，操作没有完成。错误已记入系统日志；请稍后重试，如仍出错请联系管理员。"),
    }
    try:
        body = get_template("web/errors/500.html").render(context)
    except Exception:  # even the template failed: a plain sentence still tells the user
        body = f"<!doctype html><meta charset='utf-8'><title>{status}</title><p>{context['message']}</p><p><a href='/'>/</a></p>"
    return HttpResponse(body, status=status)
