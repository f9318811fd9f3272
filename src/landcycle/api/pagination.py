"""The API's pages, in two modes.

- **Page numbers** (as before): ``?page=N&page_size=M`` (at most 500); the answer carries count, next, previous and
  results. Rows in the list's order, ties broken by ``id``; a page of the list's second half is read from its end
  (kit.listing.FromTheEnd), so the last page costs what the first does, but a middle page still costs an OFFSET over
  half the list: the database reads and drops every row before it.
- **Cursor** (keyset): ``?cursor=`` (empty: from the start) then the ``next`` / ``previous`` links as given; rows in
  ascending ``id`` (the primary key: unique and indexed), ``page_size`` as above; the answer carries next, previous
  and results, no count. A page reads ``WHERE id > k ORDER BY id LIMIT M + 1`` whatever its depth, and a walk over
  the whole list neither repeats nor skips a row while rows are added (new rows come last). ``ordering`` cannot be
  combined with it (400). The cursor holds only an id: the scope and the filters are applied to every page, so a
  cursor from elsewhere shows nothing the reader may not see.

A list whose view names ``count_apps`` (app labels) takes its page-number count from the cache (kit.cache) — per
list, reader's scope and filters (the page and its size aside) — until a write of one of those apps commits: the
COUNT over every row of the scope is what grew with the database, the page itself reads only its rows."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from landcycle.kit.cache import cached, scope_key
from landcycle.kit.listing import FromTheEnd, total_order

CURSOR = "cursor"
NOT_FILTERS = ("page", "page_size", "format", CURSOR)
CURSOR_HELP = (
    "游标分页：空值从头开始，之后沿用 next / previous 中的值；按 id 升序，不返回总数，不能与 page、ordering 同用 / "
    "keyset pages: empty to start, then follow next / previous; in id order, no count; not with page or ordering"
)


def encode_cursor(direction: str, key: int) -> str:
    """``n`` (rows after ``key``) or ``p`` (rows before it), opaque to clients."""
    return base64.urlsafe_b64encode(f"{direction}{key}".encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> tuple[str, int | None]:
    """The direction and key of a cursor; ``("n", None)`` for an empty one (the start). 400 when unreadable."""
    if raw == "":
        return "n", None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
        direction, key = text[0], int(text[1:])
        if direction not in ("n", "p") or not text[1:].isdigit() or key >= 2**63:  # an id fits a bigint
            raise ValueError(text)
    except (ValueError, IndexError, UnicodeDecodeError, binascii.Error):
        raise serializers.ValidationError({CURSOR: ["无效的游标 / invalid cursor"]}) from None
    return direction, key


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 500), or ``?cursor=`` for keyset pages in ``id`` order (module docstring)."""

    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_param = CURSOR
    cursor_mode = False

    def paginate_queryset(self, queryset, request, view=None):
        if self.cursor_query_param in request.query_params:
            return self._cursor_page(queryset, request)
        # page numbers: a total order (ties broken by id), a page of the list's second half read from its end
        if isinstance(queryset, QuerySet):
            queryset = total_order(queryset)
        self.django_paginator_class = FromTheEnd  # type: ignore[assignment]
        apps = getattr(view, "count_apps", ())
        if apps:
            shown = sorted((k, v) for k, v in request.query_params.lists() if k not in NOT_FILTERS)
            digest = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
            key = f"api_count:{view.basename}:{getattr(view, 'action', '')}:{scope_key(request.user)}:{digest}"
            count = cached(apps, key, queryset.count)

            def counted(object_list: Any, per_page: Any) -> Paginator:
                paginator = FromTheEnd(object_list, per_page)
                paginator.count = count  # a cached_property: set, it is not computed
                return paginator

            self.django_paginator_class = counted  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)

    # --- cursor (keyset) mode -------------------------------------------------------------------------------------

    def _cursor_page(self, queryset, request) -> list:
        self.request = request
        self.cursor_mode = True
        if request.query_params.get("ordering"):
            raise serializers.ValidationError(
                {"ordering": ["游标分页按 id 排序，不能与 ordering 同用 / cursor pages are in id order: no ordering"]}
            )
        if request.query_params.get("page"):
            raise serializers.ValidationError({"page": ["不能与 cursor 同用 / page and cursor exclude each other"]})
        direction, key = decode_cursor(request.query_params[self.cursor_query_param])
        size = self.get_page_size(request)
        if direction == "n":
            rows = queryset.order_by("pk") if key is None else queryset.filter(pk__gt=key).order_by("pk")
            page = list(rows[: size + 1])
            more, page = len(page) > size, page[:size]
            self._next = encode_cursor("n", page[-1].pk) if more else None
            self._previous = encode_cursor("p", page[0].pk) if key is not None and page else None
            if key is not None and not page:
                self._previous = encode_cursor("p", key + 1)  # past the end: back to the last rows
        else:
            page = list(queryset.filter(pk__lt=key).order_by("-pk")[: size + 1])
            more, page = len(page) > size, page[:size][::-1]
            self._previous = encode_cursor("p", page[0].pk) if more else None
            self._next = encode_cursor("n", page[-1].pk) if page else encode_cursor("n", max(key - 1, 0))
        return page

    def _cursor_link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        if not self.cursor_mode:
            return super().get_paginated_response(data)
        return Response(
            {"next": self._cursor_link(self._next), "previous": self._cursor_link(self._previous), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        out["required"] = ["results"]
        out["properties"]["count"]["description"] = "按页码分页时的总数；游标分页不给出 / the total (page numbers only)"
        out["properties"]["next"]["description"] = "下一页地址（游标分页时带 cursor）/ the next page (with its cursor)"
        return out

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": CURSOR_HELP,
                "schema": {"type": "string"},
            },
        ]
