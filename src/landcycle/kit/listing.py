"""One way to search, filter, sort, paginate and export a list page.

A page declares its filters and sort keys; :class:`Listing` reads them from the query string, applies
them to a queryset that is already scoped, and hands the template everything the filter bar needs.
Values that are not among a filter's choices are ignored, so a hand-edited URL cannot widen a list.

Exports: ``?export=xlsx`` or ``?export=csv`` on a list. A list that has a ledger (registered in
``kit.exports``) answers with :func:`export_response`: the ledger exporter (the handler the ledgers app
registers) writes exactly the rows on screen (scope and filters), in the format the importer reads back, and
an export of more than ``ledgers.jobs.JOB_THRESHOLD`` rows becomes a job on the downloads page. A list without a ledger writes its own columns with
:func:`table_response` (or :func:`csv_response`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import exports, sheets
from .numbers import num
from .trigram import has_trigram, trigram_columns


@dataclass(frozen=True)
class ListQuery:
    """What a :class:`Listing` reads of a request: the user and the query string (a list page passes its
    request; a rows selector, which never sees one, passes this)."""

    user: object
    GET: QueryDict


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


def total_order(qs: QuerySet) -> QuerySet:
    """``qs`` in its order (its own, or its model's) ended by a unique field — the primary key appended unless the
    order ends with one already (a parcel's number: ``number, id`` would make PostgreSQL sort what the number's index
    gives in order) —: no two rows tie, so the order read backwards is exactly the order reversed."""
    order = list(qs.query.order_by) or list(qs.model._meta.ordering)
    if not order or not _unique(qs.model, order[-1]):
        order.append("pk")
    return qs.order_by(*order)


def _unique(model, term) -> bool:
    if not isinstance(term, str):
        return False
    name = term.lstrip("-")
    if name == "pk":
        return True
    try:
        return bool(model._meta.get_field(name).unique)
    except FieldDoesNotExist:
        return False


class FromTheEnd(Paginator):
    """A paginator that reads a page of the second half of a list from its end: ``ORDER BY … DESC OFFSET`` the rows
    after the page, not the rows before it. The last pages (the pager's 末页 and its neighbours) then cost what the
    first do; the middle page the most, half of what it did. ``object_list`` must be a queryset in a total order
    (``total_order``) and ``count`` exact (a cached count is, until a write)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        after = self.count - top
        if after >= bottom or not isinstance(self.object_list, QuerySet):
            return super().page(number)
        rows = list(self.object_list.reverse()[after : after + (top - bottom)])
        return self._get_page(rows[::-1], number, self)


def code_prefix(field: str, prefix: str) -> Q:
    """``field`` begins with ``prefix``, for codes made of digits (region, industry): the range [prefix, prefix + 1),
    which an ordinary index on ``field`` serves — a ``LIKE 'prefix%'`` cannot use one on SQLite (its LIKE ignores
    case) nor on PostgreSQL outside the C collation. Other values fall back to ``startswith``."""
    if not prefix.isdigit() or set(prefix) == {"9"}:
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": str(int(prefix) + 1).zfill(len(prefix))})


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
            qs = qs.filter(search_q(qs, self.search_fields, self.q))
        for f in self.filters:
            qs = f.apply(qs)
        return qs

    def ordered(self, qs: QuerySet) -> QuerySet:
        if not self.sort:
            return qs.order_by(*self.default_order, "pk") if self.default_order else qs
        desc = self.sort.startswith("-")
        fields = self.sorts[self.sort.lstrip("-")]
        return qs.order_by(*[(f"-{f}" if desc else f) for f in fields], "pk")

    def summary(self) -> str:
        """The chosen search and filters in words (镇街：新浦镇；规模：规下), for an export job's description."""
        parts = [f"{_('关键词')}：{self.q}"] if self.q else []
        for f in self.filters:
            if f.value:
                label = next((str(lab) for v, lab in f.choices if str(v) == f.value), f.value)
                parts.append(f"{f.label}：{label}")
        return "；".join(parts)

    def page(self, qs: QuerySet, count: int | None = None, from_the_end: bool = False):
        """The requested page of ``qs``; ``count``, when the caller knows it already (a cached count), spares the
        paginator its COUNT over every row. ``from_the_end``: ``qs`` is put in a total order and a page of its second
        half read backwards (``FromTheEnd``)."""
        if from_the_end:
            paginator: Paginator = FromTheEnd(total_order(qs), settings.PAGE_SIZE)
        else:
            paginator = Paginator(qs, settings.PAGE_SIZE)
        if count is not None:
            paginator.count = count  # a cached_property: set, it is not computed
        return paginator.get_page(self.request.GET.get("page"))


def search_q(qs: QuerySet, fields: tuple[str, ...], q: str) -> Q:
    """Rows of ``qs`` with ``q`` in any of ``fields`` (case-insensitive). On PostgreSQL, when ``q`` has a trigram, a
    field lies across a relation (``park__name``) and every field has its trigram index (kit.trigram): the union of
    each field's matches, by id — an OR across a join cannot use the indexes and reads the whole table, each branch of
    the union reads its index. The same rows either way (and no duplicate from a to-many relation). Otherwise the OR:
    without the indexes the union would read the table once per field."""
    if len(fields) > 1 and any("__" in f for f in fields) and has_trigram(q):
        indexed = trigram_columns(connections[qs.db])
        if indexed and all(_column(qs.model, f) in indexed for f in fields):
            manager = qs.model._base_manager.using(qs.db)
            parts = [manager.filter(**{f"{f}__icontains": q}).order_by().values("pk") for f in fields]
            return Q(pk__in=parts[0].union(*parts[1:]))
    cond = Q()
    for name in fields:
        cond |= Q(**{f"{name}__icontains": q})
    return cond


def _column(model, path: str) -> tuple[str, str]:
    """The (table, column) a lookup path (``parcels__number``) ends in."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.db_table, model._meta.get_field(name).column


def choice_list(text_choices) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in text_choices.choices]


def kpi(label, value, unit="", places=0, note="") -> dict:
    """One KPI card: the value already formatted with thousands separators."""
    return {
        "label": label,
        "value": num(value, places) if not isinstance(value, str) else value,
        "unit": unit,
        "note": note,
    }


def fixed(value, places: int) -> str:
    """A number for CSV: fixed decimals, no thousands separators ('' when there is none)."""
    return "" if value is None else f"{value:.{places}f}"


def as_text(code: str) -> str:
    """An all-digit code (a USCC) kept as text when Excel opens the CSV (it would turn it into 9.13E+17)."""
    return f"\t{code}" if code and code.isdigit() else code


def export_format(request) -> str | None:
    """``xlsx`` or ``csv`` when the list is asked for a file (``?export=``), else None."""
    fmt = request.GET.get("export")
    return fmt if fmt in ("xlsx", "csv") else None


def wants_csv(request) -> bool:
    return export_format(request) == "csv"


def _attachment(response, title: str, fmt: str):
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{title}-{stamp}.{fmt}')}"
    return response


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_response(data: bytes, title: str, fmt: str) -> FileResponse:
    return _attachment(FileResponse(io.BytesIO(data), content_type=CONTENT_TYPES[fmt]), str(title), fmt)


def export_response(request, source: str):
    """The list ``source`` (a key of ``kit.exports.LIST_EXPORTS``) as the user sees it, as a ledger file, or a
    queued job when it is long (the handler the ledgers app registers)."""
    return exports.export_list(request, source)


def table_response(fmt: str, title: str, header: list, rows):
    """A list without a ledger: its own columns as .xlsx (text cells kept as text) or as CSV with BOM."""
    if fmt != "xlsx":
        return csv_response(title, header, rows)
    buf = io.BytesIO()
    wb = sheets.workbook(buf, constant_memory=True)
    ws = wb.add_worksheet(str(title)[:31])
    widths = [max(10, min(40, len(str(h)) * 2)) for h in header]
    sheets.write_header(ws, header, wb.add_format(sheets.HEADER), widths=widths)
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                sheets.write_cell(ws, r, c, v)
            elif v not in (None, ""):
                sheets.write_cell(ws, r, c, str(v).lstrip("\t"))
    wb.close()
    return file_response(buf.getvalue(), title, "xlsx")


def csv_response(filename: str, header: list, rows) -> StreamingHttpResponse:
    """Every row of a list (already scoped and filtered) as CSV that Excel opens in Chinese (UTF-8 + BOM);
    a text that would run as a formula gets a leading quote (``kit.sheets``)."""
    stream = sheets.csv_lines(header, rows)
    return _attachment(StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8"), str(filename), "csv")
