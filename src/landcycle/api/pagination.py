"""The API's pages: ``?page=N&page_size=M`` (at most 500); the answer carries count, next, previous and results.

A list whose view names ``count_apps`` (app labels) takes its count from the cache (kit.cache) — per list, reader's
scope and filters (the page and its size aside) — until a write of one of those apps commits: the COUNT over every
row of the scope is what grew with the database, the page itself reads only its rows."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination

from landcycle.kit.cache import cached, scope_key

NOT_FILTERS = ("page", "page_size", "format")


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 500); the answer carries count, next, previous and results."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        apps = getattr(view, "count_apps", ())
        if apps:
            shown = sorted((k, v) for k, v in request.query_params.lists() if k not in NOT_FILTERS)
            digest = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
            key = f"api_count:{view.basename}:{getattr(view, 'action', '')}:{scope_key(request.user)}:{digest}"
            count = cached(apps, key, queryset.count)

            def counted(object_list: Any, per_page: Any) -> Paginator:
                paginator = Paginator(object_list, per_page)
                paginator.count = count  # a cached_property: set, it is not computed
                return paginator

            self.django_paginator_class = counted  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)
