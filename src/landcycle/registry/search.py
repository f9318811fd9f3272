"""The global search (全局搜索) of the top bar: a register of search providers, one per kind of thing.

The registry registers its own kinds (enterprises, parcels, parks); the apps above register theirs (contracts,
rectification tasks and inspections) from their ``AppConfig.ready()`` — the registry never imports them. Every
provider reads through the user's scope (``accounts.scope.scoped``), so a town officer never finds another town's
rows, and returns at most ``limit`` hits: an exact code first (indexed), then names containing the words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from landcycle.accounts.scope import scoped

from .models import Enterprise, Parcel, Park

MAX_QUERY = 60  # characters of a query that are used
PER_KIND = 8  # hits shown per kind on the results page


@dataclass(frozen=True)
class Hit:
    title: str  # what the row is called (a name, or a number when it has no name)
    url: str
    code: str = ""  # its code or number (USCC, parcel number, contract number), shown in monospace
    note: str = ""  # one line of context: town, park, holder


@dataclass(frozen=True)
class SearchProvider:
    kind: str  # "enterprise", "parcel", …: the group's key and anchor on the results page
    label: Any  # the group's title (a lazy gettext string)
    order: int  # groups are shown in this order
    # (words, user, limit) -> at most ``limit`` hits in the user's scope
    search: Callable[[str, Any, int], list[Hit]]
    more_url: str = ""  # url name of the kind's list page, which takes ?q= (the "all results" link)


_PROVIDERS: dict[str, SearchProvider] = {}


def register_search(provider: SearchProvider) -> None:
    _PROVIDERS[provider.kind] = provider


def providers() -> list[SearchProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: p.order)


def clean_query(raw: str) -> str:
    """The words searched: trimmed, inner spaces collapsed, at most MAX_QUERY characters."""
    return " ".join((raw or "").split())[:MAX_QUERY]


def search_all(query: str, user: Any, limit: int = PER_KIND) -> list[dict]:
    """Every provider's hits for ``query``: ``[{"kind", "label", "hits", "more", "more_url"}]``, groups without a
    hit left out. ``more`` says a provider had more than ``limit`` hits."""
    words = clean_query(query)
    if not words:
        return []
    groups = []
    for p in providers():
        hits = p.search(words, user, limit + 1)
        if hits:
            more_url = reverse(p.more_url) if p.more_url else ""
            groups.append(
                {
                    "kind": p.kind,
                    "label": p.label,
                    "hits": hits[:limit],
                    "more": len(hits) > limit,
                    "more_url": more_url,
                }
            )
    return groups


def first_hits(qs: QuerySet, user: Any, exact: Q, contains: Q, limit: int) -> list:
    """The scoped rows matching ``exact`` (an indexed code lookup) and then those matching ``contains``, without
    duplicates, at most ``limit`` in all."""
    scoped_qs = scoped(qs, user)
    rows = list(scoped_qs.filter(exact)[:limit])
    if len(rows) < limit:
        seen = [r.pk for r in rows]
        rows += list(scoped_qs.filter(contains).exclude(pk__in=seen)[: limit - len(rows)])
    return rows


# ------------------------------------------------------------------ the registry's own kinds
def _enterprises(words: str, user: Any, limit: int) -> list[Hit]:
    code = words.upper().replace(" ", "")
    # a whole code is one indexed lookup; six characters or more of one, an indexed prefix range
    exact = Q(uscc=code) if len(code) == 18 else Q(uscc__startswith=code) if len(code) >= 6 else Q(pk__in=[])
    rows = first_hits(
        Enterprise.objects.select_related("town").order_by("name"),
        user,
        exact,
        Q(name__icontains=words) | Q(uscc__icontains=code),
        limit,
    )
    return [
        Hit(e.name, reverse("enterprise_detail", args=[e.pk]), e.uscc, f"{e.town.name} · {e.get_status_display()}")
        for e in rows
    ]


def _parcels(words: str, user: Any, limit: int) -> list[Hit]:
    rows = first_hits(
        Parcel.objects.select_related("park__town").defer("geometry").order_by("number"),
        user,
        Q(number=words),
        Q(number__icontains=words) | Q(address__icontains=words),
        limit,
    )
    return [
        Hit(
            p.number,
            reverse("parcel_detail", args=[p.pk]),
            "",
            f"{p.park.town.name} · {p.park.name}" + (f" · {p.address}" if p.address else ""),
        )
        for p in rows
    ]


def _parks(words: str, user: Any, limit: int) -> list[Hit]:
    rows = first_hits(
        Park.objects.select_related("town").order_by("town__code", "code"),
        user,
        Q(code=words) | Q(code=words.upper()),  # the unique index
        Q(name__icontains=words) | Q(code__icontains=words),
        limit,
    )
    return [
        Hit(p.name, reverse("park_detail", args=[p.pk]), p.code, f"{p.town.name} · {p.get_kind_display()}")
        for p in rows
    ]


def register_registry_search() -> None:
    register_search(SearchProvider("enterprise", _("企业"), 10, _enterprises, "enterprise_list"))
    register_search(SearchProvider("parcel", _("地块"), 20, _parcels, "parcel_list"))
    register_search(SearchProvider("park", _("园区"), 30, _parks, "park_list"))
