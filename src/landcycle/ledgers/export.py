"""Exporting a ledger in the format the importer reads (导出): what the user may see, as .xlsx or CSV.

- Headers are the schema titles with units (``面积（平方米）``); enumerations are written as their Chinese
  labels; a town by its name (by its 9-digit code when another town in the user's scope has the same name).
- .xlsx (``kit.sheets``, streamed row by row): frozen header, column widths, numbers as numbers, dates as dates
  (yyyy-mm-dd), codes as text so that an 18-digit code never becomes a float.
- CSV: UTF-8 with a BOM so that Excel opens it in the right encoding.
- Formula injection: every cell goes through ``kit.sheets`` (text as text in .xlsx; a leading quote before
  ``=``, ``+``, ``-``, ``@``… in CSV, removed again by the importer).

Export -> import of the same file changes nothing.
"""

from __future__ import annotations

import io
from collections import Counter

from django.db.models import QuerySet

from landcycle.accounts.scope import scoped
from landcycle.kit.sheets import csv_bytes, header_format, workbook, write_cell
from landcycle.registry.models import Region

from .kinds import Kind, enum_label, get_kind


def export_queryset(kind: Kind, user, queryset: QuerySet | None = None) -> QuerySet:
    """The rows to export: the caller's queryset (the list the user is looking at) or the whole ledger,
    always narrowed to the user's scope."""
    base = kind.queryset()
    qs = base if queryset is None else queryset
    if qs.model is not base.model:
        raise TypeError(f"a {kind.name} export needs a {base.model.__name__} queryset, not {qs.model.__name__}")
    if kind.prefetch:
        qs = qs.prefetch_related(*kind.prefetch)
    return scoped(qs.select_related(*kind.related) if kind.related else qs, user)


def town_labels(user) -> dict[int, str]:
    """Town id -> what a ledger writes for it: the name, or the code when the name is not unique in scope."""
    towns = list(scoped(Region.objects.filter(level=Region.Level.TOWN), user).only("id", "code", "name"))
    count = Counter(t.name for t in towns)
    return {t.pk: t.name if count[t.name] == 1 else t.code for t in towns}


def ledger_rows(kind: Kind, qs: QuerySet, user):
    """Typed cell values, one list per object (str, int, Decimal, date or None)."""
    towns = None
    specs = [kind.spec(c) for c in kind.columns]
    objects = qs.iterator(chunk_size=2000)
    for obj in kind.prepare(objects) if kind.prepare else objects:
        row = []
        for column, spec in zip(kind.columns, specs, strict=False):
            value = column.get(obj)
            if isinstance(value, Region):
                if towns is None:
                    towns = town_labels(user)
                value = towns.get(value.pk, value.code)
            elif spec.kind == "enum":
                value = enum_label(spec, value)
            elif value == "":
                value = None
            row.append(value)
        yield row


def ledger_export(*, user, kind: str, queryset: QuerySet | None = None, fmt: str = "xlsx", progress=None) -> bytes:
    """The ledger as bytes of an .xlsx workbook (``fmt="xlsx"``) or a CSV file with BOM (``fmt="csv"``)."""
    k = get_kind(kind)
    if not k.exportable:
        raise ValueError(f"the {kind} ledger is imported only, it has no export")
    qs = export_queryset(k, user, queryset)
    total = qs.count() if progress else 0
    rows = ledger_rows(k, qs, user)
    if progress:
        rows = _counting(rows, progress, total)
    if fmt == "xlsx":
        return write_xlsx(k, rows)
    if fmt == "csv":
        return write_csv(k, rows)
    raise ValueError(f"unknown export format {fmt!r} (xlsx or csv)")


def _counting(rows, progress, total):
    for i, row in enumerate(rows, 1):
        if i % 2000 == 0 or i == total:
            progress("export", i, total)
        yield row


def cell_formats(wb, kind: Kind) -> list:
    out = []
    for column in kind.columns:
        spec = kind.spec(column)
        if spec.kind in ("code", "text", "enum"):
            out.append(wb.add_format({"num_format": 49}))  # the built-in text format "@"
        elif spec.kind == "date":
            out.append(wb.add_format({"num_format": "yyyy-mm-dd"}))
        elif spec.kind == "decimal":
            out.append(wb.add_format({"num_format": "#,##0." + "0" * spec.places}))
        else:
            out.append(wb.add_format({"num_format": "0"}))
    return out


def write_xlsx(kind: Kind, rows) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf, constant_memory=True)
    ws = wb.add_worksheet(kind.schema.title_zh[:31])
    formats = cell_formats(wb, kind)
    for c, column in enumerate(kind.columns):
        ws.set_column(c, c, column.width, formats[c])
    ws.freeze_panes(1, 0)
    ws.set_row(0, 30)
    heads = {True: header_format(wb, True), False: header_format(wb, False)}
    for c, column in enumerate(kind.columns):
        ws.write_string(0, c, kind.header(column), heads[kind.spec(column).required])
    r = 0
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            write_cell(ws, r, c, value, formats[c])
    ws.autofilter(0, 0, max(r, 1), len(kind.columns) - 1)
    wb.close()
    return buf.getvalue()


def write_csv(kind: Kind, rows) -> bytes:
    """CSV with BOM; a text that a spreadsheet would run as a formula gets a leading quote
    (``kit.sheets.csv_bytes``), which the CSV reader removes again on import."""
    return csv_bytes(kind.headers, rows)
