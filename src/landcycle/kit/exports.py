"""The lists of the UI that export as a ledger (列表导出): a register the apps fill from their
``AppConfig.ready()``.

Each list names the ledger it writes and a rows selector ``(user, filters: QueryDict) -> QuerySet`` from its
app's selectors: the user's scope and the filters of the query string, ordered as on screen — the same
selector the list page shows its rows with. An export built now and one built later by a job call it alike
(the job with the filters it stored and its owner), so both files hold the same rows; no view is called.

Writing the file is the ledger machinery's business: it registers the one export handler
(:func:`set_handler`, from ``ledgers``' ``AppConfig.ready()``) that :func:`export_list` hands a request to,
so that the kit never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict

FORMATS = ("xlsx", "csv")
IGNORED = ("export", "page")  # query-string keys that do not choose rows


@dataclass(frozen=True)
class ListExport:
    name: str
    kind: str  # the ledger written (ledgers.kinds.KINDS)
    title: object  # the file's name (lazy translation)
    rows: Callable[[Any, QueryDict], QuerySet]  # (user, filters) -> the list's scoped, filtered, ordered rows
    list_url: str  # url name of the list page


LIST_EXPORTS: dict[str, ListExport] = {}
_handler: list[Callable[[Any, ListExport], HttpResponse]] = []


def register(export: ListExport) -> None:
    """Add a list (from its app's ``AppConfig.ready()``); lists keep the order they are registered in."""
    LIST_EXPORTS[export.name] = export


def get_export(name: str) -> ListExport:
    try:
        return LIST_EXPORTS[name]
    except KeyError:
        raise Http404 from None


def export_filters(query: QueryDict) -> dict[str, list[str]]:
    """The filters of a list's query string, as a job stores them."""
    return {k: query.getlist(k) for k in sorted(query) if k not in IGNORED and any(query.getlist(k))}


def filters_query(filters: dict[str, list[str]] | None) -> QueryDict:
    """Stored filters back as a query string (what a rows selector reads)."""
    query = QueryDict(mutable=True)
    for key, values in (filters or {}).items():
        query.setlist(str(key), [str(v) for v in (values if isinstance(values, list) else [values])])
    return query


def list_rows(export: ListExport, user, filters: dict[str, list[str]]) -> QuerySet:
    """The rows the list shows this user with these filters (always within the user's scope)."""
    return export.rows(user, filters_query(filters))


def set_handler(handler: Callable[[Any, ListExport], HttpResponse]) -> None:
    """The function that answers ``?export=`` on a list: ``(request, export) -> response``."""
    _handler[:] = [handler]


def export_list(request, name: str) -> HttpResponse:
    """The list ``name`` as the user sees it, written by the registered handler."""
    export = get_export(name)
    if not _handler:
        raise RuntimeError("no list export handler registered (is landcycle.ledgers installed?)")
    return _handler[0](request, export)
