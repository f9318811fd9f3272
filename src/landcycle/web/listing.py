"""One way to search, filter, sort and paginate a list page.

A page declares its filters and sort keys; :class:`Listing` reads them from the query string, applies
them to a queryset that is already scoped, and hands the template everything the filter bar needs.
Values that are not among a filter's choices are ignored, so a hand-edited URL cannot widen a list.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone


@dataclass
class Filter:
    name: str  # the query-string parameter
    label: str
    choices: list[tuple[str, str]]
    lookup: str | Callable[[QuerySet, str], QuerySet] = ""  # ORM lookup, or a function (qs, value) -> qs
    value: str = ""

    def apply(self, qs: QuerySet) -> QuerySet:
        if not self.value:
            return qs
        if callable(self.lookup):
            return self.lookup(qs, self.value)
        return qs.filter(**{self.lookup or self.name: self.value})


@dataclass
class Listing:
    request: object
    search_fields: tuple[str, ...] = ()
    search_label: str = ""
    filters: list[Filter] = field(default_factory=list)
    sorts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> order_by fields
    default_sort: str = ""
    default_order: tuple[str, ...] = ()  # when no sort is chosen (grouped queries lose Meta.ordering)
    q: str = ""
    sort: str = ""

    def __post_init__(self):
        get = self.request.GET
        self.q = get.get("q", "").strip()[:100]
        for f in self.filters:
            raw = get.get(f.name, "").strip()
            f.value = raw if raw in {str(v) for v, _label in f.choices} else ""
        raw_sort = get.get("sort", "")
        self.sort = raw_sort if raw_sort.lstrip("-") in self.sorts else self.default_sort

    @property
    def active(self) -> bool:
        return bool(self.q or any(f.value for f in self.filters))

    def filtered(self, qs: QuerySet) -> QuerySet:
        if self.q and self.search_fields:
            cond = Q()
            for name in self.search_fields:
                cond |= Q(**{f"{name}__icontains": self.q})
            qs = qs.filter(cond)
        for f in self.filters:
            qs = f.apply(qs)
        return qs

    def ordered(self, qs: QuerySet) -> QuerySet:
        if not self.sort:
            return qs.order_by(*self.default_order, "pk") if self.default_order else qs
        desc = self.sort.startswith("-")
        fields = self.sorts[self.sort.lstrip("-")]
        return qs.order_by(*[(f"-{f}" if desc else f) for f in fields], "pk")

    def page(self, qs: QuerySet):
        paginator = Paginator(qs, settings.PAGE_SIZE)
        return paginator.get_page(self.request.GET.get("page"))


def choice_list(text_choices) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in text_choices.choices]


def kpi(label, value, unit="", places=0, note="") -> dict:
    """One KPI card: the value already formatted with thousands separators."""
    from landcycle.web.templatetags.lc import num

    return {"label": label, "value": num(value, places) if not isinstance(value, str) else value, "unit": unit,
            "note": note}


def fixed(value, places: int) -> str:
    """A number for CSV: fixed decimals, no thousands separators ('' when there is none)."""
    return "" if value is None else f"{value:.{places}f}"


def as_text(code: str) -> str:
    """An all-digit code (a USCC) kept as text when Excel opens the CSV (it would turn it into 9.13E+17)."""
    return f"\t{code}" if code and code.isdigit() else code


def wants_csv(request) -> bool:
    return request.GET.get("export") == "csv"


def csv_response(filename: str, header: list, rows) -> StreamingHttpResponse:
    """Every row of a list (already scoped and filtered) as CSV that Excel opens in Chinese (UTF-8 + BOM)."""
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def stream():
        yield "\ufeff" + writer.writerow([str(h) for h in header])
        for row in rows:
            yield writer.writerow(["" if v is None else v for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.csv')}"
    return response
