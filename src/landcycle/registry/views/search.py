"""全局搜索: the results page of the top bar's search box, grouped by kind (registry/search.py has the providers)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..search import PER_KIND, clean_query, search_all


def search(request):
    query = clean_query(request.GET.get("q", ""))
    groups = search_all(query, request.user, PER_KIND) if query else []
    hits = [h for g in groups for h in g["hits"]]
    if len(hits) == 1 and request.GET.get("go") == "1":
        return redirect(hits[0].url)  # "go" from the top bar: a single hit opens its page
    return render(
        request,
        "registry/search.html",
        {
            "query": query,
            "groups": groups,
            "total": len(hits),
            "title": _("搜索：%(q)s") % {"q": query} if query else _("搜索"),
        },
    )
