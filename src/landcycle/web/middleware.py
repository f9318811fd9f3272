"""A write that finds the database busy says so (503 with Retry-After) instead of failing with a 500.

On SQLite one writer holds the database at a time: while a large import is being written, another write
waits up to the busy timeout (``OPTIONS["timeout"]``) and then gets ``OperationalError: database is locked``.
Reads do not wait (WAL, see settings). The user is told, in the product's layout and their language, that
another write is under way and to try again; nothing of their request was written (the service's
transaction was rolled back).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

BUSY_MARKERS = ("database is locked", "database table is locked", "database schema is locked")


def is_busy(exc: BaseException) -> bool:
    """An ``OperationalError`` saying another connection holds the lock (SQLite's SQLITE_BUSY / LOCKED)."""
    return isinstance(exc, OperationalError) and any(m in str(exc).lower() for m in BUSY_MARKERS)


def busy_response(request) -> HttpResponse:
    retry = max(1, int(getattr(settings, "BUSY_RETRY_AFTER", 30)))
    message = _("系统正在写入其他数据（如大批量导入），请稍后再试")
    try:
        body = render_to_string("web/busy.html", {"message": message, "retry": retry}, request=request)
    except Exception:  # the layout itself could not be drawn: the plain sentence still tells the user
        body = f"<!doctype html><meta charset='utf-8'><title>503</title><p>{message}</p>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        log.warning("database busy on %s %s: %s", request.method, request.path, exception)
        return busy_response(request)
