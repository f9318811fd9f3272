"""Whole page bodies kept in Django's cache until any write of the product commits (issue 18: "cheaper pages:
cached fragments").

A page decorated with ``cached_page`` is rendered once per reader, address and state, and its blocks (the ones
``web/base.html`` captures: title, head, crumbs, heading, subheading, actions, content, scripts) are kept; the next
request with the same key renders only the shell around them (navigation, the reader's name, the messages, fresh
CSRF tokens) — the view's queries and its rows' rendering are skipped.

The key holds everything the body depends on:

- the reader: their id, role and region (``kit.cache.scope_key``) — a body is never shown to another user, so the
  scope check the view made (404 outside scope) and any per-user part (assignees, "mine") stay theirs;
- the view and the whole address with its query string (filters, sort, page), the language and the day;
- the **state** of the data: the heads of every app of the audit chain (``audit.AuditAppHead``: every write of the
  product appends an audit entry in its own transaction, imports and background jobs included), and what the apps
  register as written without an audit entry (``register_state``: the warnings refresh's latest run, the evaluation
  jobs' progress). Any write anywhere moves it, so a body is never older than the last committed write — coarse (a
  write to one contract makes every page miss once) but never stale, with any cache backend (per-process local
  memory or one Redis for several servers; see kit.cache).

Only GET requests of a signed-in user that answer 200 with HTML are kept; exports, POSTs and errors pass through.
``LANDCYCLE_PAGE_CACHE=0`` turns it off (``settings.LANDCYCLE_PAGE_CACHE``)."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import zlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from landcycle.audit.models import AuditAppHead

from .cache import TIMEOUT, scope_key

BLOCKS_ATTR = "_lc_page_blocks"  # where web/base.html's {% capture %} puts each block it renders (on a miss)
SHELL = "web/cached_page.html"  # web/base.html with the kept blocks
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_STATES: list[Callable[[], Any]] = []


def register_state(fn: Callable[[], Any]) -> None:
    """An app whose pages show something written without an audit entry registers a cheap reading of it (one row):
    its value joins every page's key."""
    if fn not in _STATES:
        _STATES.append(fn)


def page_state() -> str:
    """Where all the data stands now: the heads of every app and the registered readings (one query each)."""
    heads = AuditAppHead.objects.order_by("app").values_list("app", "seq", "hash")
    parts = [f"{a}@{s}:{h[:16]}" for a, s, h in heads] + [repr(fn()) for fn in _STATES]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def request_key(request, vary: Callable[[Any], Any] | None = None) -> str | None:
    """The key of what ``request`` shows (see the module's text), or None where nothing is kept: not a GET, not
    signed in, or turned off. The state is read here, before the view reads: a write meanwhile makes it miss later."""
    user = request.user
    if request.method != "GET" or not getattr(settings, "LANDCYCLE_PAGE_CACHE", True) or not user.is_authenticated:
        return None
    match = request.resolver_match
    where = hashlib.sha1(request.get_full_path().encode()).hexdigest()
    view = match.view_name if match else request.path
    more = f":{vary(request)}" if vary else ""
    day = timezone.localdate()
    return f"lc:page:{view}:{user.pk}:{scope_key(user)}:{where}:{day}{more}:{get_language()}:{page_state()}"


def cached_page(view: Callable | None = None, *, vary: Callable[[Any], Any] | None = None) -> Callable:
    """Keep the page's blocks for its reader until any write; see the module's text. ``vary(request)``: anything
    else the page depends on (``@cached_page(vary=...)``), such as the day a to-do list is worked out for."""
    if view is None:
        return functools.partial(cached_page, vary=vary)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request_key(request, vary)
        if key is None:
            return view(request, *args, **kwargs)
        raw = cache.get(key)
        if raw is not None:
            blocks = json.loads(zlib.decompress(raw))
            token = escape(get_token(request))
            fresh = {name: mark_safe(_CSRF.sub(rf"\g<1>{token}\g<2>", html)) for name, html in blocks.items()}
            response = render(request, SHELL, {"lc_blocks": fresh})
            response["X-Page-Cache"] = "hit"
            return response
        setattr(request, BLOCKS_ATTR, {})
        response = view(request, *args, **kwargs)
        captured = getattr(request, BLOCKS_ATTR)
        delattr(request, BLOCKS_ATTR)
        if (
            response.status_code == 200
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
            and "content" in captured
        ):
            kept = json.dumps({name: str(html) for name, html in captured.items()}, ensure_ascii=False)
            cache.set(key, zlib.compress(kept.encode(), 1), TIMEOUT)  # ~1/6 of the size: memory, Redis traffic
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
