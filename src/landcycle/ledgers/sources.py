"""The lists of the UI that export as a ledger (列表导出): which ledger each list writes, and how its rows are
chosen again from the filters the user had on screen.

Each list page has one function ``(request) -> QuerySet`` that applies the user's scope and the filters of the
query string (``request.GET``) — the same function the page uses. An export built now and one built later by a
job (``jobs.py``) call it alike, the job with the filters it stored and its owner as ``request.user``, so both
files hold the same rows. A list joins by one line in ``LIST_EXPORTS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

FORMATS = ("xlsx", "csv")
IGNORED = ("export", "page")  # query-string keys that do not choose rows


@dataclass(frozen=True)
class ListExport:
    name: str
    kind: str  # the ledger written (ledgers.kinds.KINDS)
    title: object  # the file's name (lazy translation)
    rows: str  # dotted path of (request) -> the list's scoped, filtered, ordered queryset
    list_url: str  # url name of the list page


LIST_EXPORTS: dict[str, ListExport] = {
    e.name: e
    for e in (
        ListExport("parks", "parks", _("园区台账"), "landcycle.registry.views.park_rows", "park_list"),
        ListExport("parcels", "parcels", _("地块台账"), "landcycle.registry.views.parcel_rows", "parcel_list"),
        ListExport(
            "enterprises", "enterprises", _("企业台账"), "landcycle.registry.views.enterprise_rows", "enterprise_list"
        ),
        ListExport(
            "contracts",
            "contracts",
            _("供地合同台账"),
            "landcycle.supervision.views.contracts.contract_rows",
            "contract_list",
        ),
    )
}


class ListRequest:
    """What a list's rows function reads of a request: the user and the query string."""

    def __init__(self, user, filters: dict[str, list[str]]):
        self.user = user
        self.GET = QueryDict(mutable=True)
        for key, values in (filters or {}).items():
            self.GET.setlist(str(key), [str(v) for v in (values if isinstance(values, list) else [values])])


def get_source(name: str) -> ListExport:
    try:
        return LIST_EXPORTS[name]
    except KeyError:
        raise Http404 from None


def export_filters(query: QueryDict) -> dict[str, list[str]]:
    """The filters of a list's query string, as a job stores them."""
    return {k: query.getlist(k) for k in sorted(query) if k not in IGNORED and any(query.getlist(k))}


def list_rows(source: ListExport, user, filters: dict[str, list[str]]) -> QuerySet:
    """The rows the list shows this user with these filters (always within the user's scope)."""
    return import_string(source.rows)(ListRequest(user, filters))
