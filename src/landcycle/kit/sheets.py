"""The one spreadsheet writer of the product: every .xlsx and CSV an export, a template or a report writes goes
through here, so that no user's text ever becomes a formula.

- :func:`workbook` — an XlsxWriter workbook that never turns strings into formulas, links or numbers, and whose
  bytes depend on its content only: XlsxWriter already dates the zip entries in January 1980; the creation time it
  writes into ``docProps/core.xml`` (the moment of writing, by default) is fixed too (``created``, default the
  1980-01-01), so the same data exports to the same file byte for byte (backups, restores, checksums).
- :func:`write_cell` / :func:`write_row` — typed cells (``rules.formula_guard.xlsx_write``): text always as a
  string, numbers as numbers, dates as dates, ``None`` left empty.
- :func:`header_format`, :func:`write_header` — the header row the exports share: bold, coloured (orange for a
  required ledger column, blue otherwise), column widths, frozen below the header.
- :func:`insert_png` — a chart (``kit.charts.png``) placed on a sheet at its drawn size, the same picture as the page.
- :func:`csv_bytes` / :func:`csv_lines` — CSV with a BOM (Excel opens it in the right encoding); a text that
  would start a formula (``=``, ``+``, ``-``, ``@``… see ``rules.formula_guard.TRIGGERS``) gets a leading quote,
  which the CSV reader of every import removes again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import xlsxwriter

from landcycle.rules.formula_guard import csv_row, xlsx_write

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
HEADER = {"bold": True, "bg_color": "#DDEBF7", "border": 1}
REQUIRED_BG = "#FCE4D6"


CREATED = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # as old as the zip entries XlsxWriter writes


class Workbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook whose document properties always carry a fixed creation time."""

    def __init__(self, target, options: dict[str, Any], created: dt.datetime) -> None:
        super().__init__(target, options)
        self.created = created
        super().set_properties({"created": created})

    def set_properties(self, properties) -> None:
        super().set_properties({"created": self.created, **properties})


def workbook(
    target, *, constant_memory: bool = False, created: dt.datetime | None = None, **options: Any
) -> xlsxwriter.Workbook:
    """A workbook writing to ``target`` (a path or a ``BytesIO``) where a string is only ever a string, and whose
    ``created`` (``docProps/core.xml``) is ``created`` — a time taken from the data, if the caller has one — or
    :data:`CREATED`, never the moment of writing."""
    opts: dict[str, Any] = {**options, **WORKBOOK_OPTIONS}
    if constant_memory:
        opts["constant_memory"] = True
    return Workbook(target, opts, CREATED if created is None else created)


def write_cell(ws, r: int, c: int, value, fmt=None) -> None:
    """One typed cell; a text is written as text whatever it starts with."""
    xlsx_write(ws, r, c, value, fmt)


def write_row(ws, r: int, values: Iterable, formats: Sequence | None = None) -> None:
    """A row of typed cells from column 0 (``formats``: one per column, or none)."""
    for c, value in enumerate(values):
        xlsx_write(ws, r, c, value, formats[c] if formats else None)


def header_format(wb, required: bool = False, **extra: Any):
    """The header format of a ledger column (orange when required, blue otherwise), wrapped and centred."""
    return wb.add_format(
        {
            "bold": True,
            "bg_color": REQUIRED_BG if required else "#DDEBF7",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
            "align": "center",
            **extra,
        }
    )


def write_header(
    ws, headers: Sequence, fmt, *, widths: Sequence[float] | None = None, row: int = 0, freeze: bool = True
) -> None:
    """The header row: each header as text in ``fmt``, the column widths, and the panes frozen below it."""
    for c, text in enumerate(headers):
        ws.write_string(row, c, str(text), fmt)
        if widths is not None:
            ws.set_column(c, c, widths[c])
    if freeze:
        ws.freeze_panes(row + 1, 0)


def insert_png(ws, row: int, col: int, png: bytes, *, scale: float = 2.0, description: str = "") -> int:
    """Place a PNG (rendered at ``scale`` times its size, as ``kit.charts.png`` does) at ``row``/``col``, shown at
    its drawn size so it reads as on the page. Returns the number of default-height rows (20 px) it covers."""
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    ws.insert_image(
        row,
        col,
        "chart.png",
        {
            "image_data": io.BytesIO(png),
            "x_scale": 1 / scale,
            "y_scale": 1 / scale,
            "object_position": 3,  # do not move or size with cells
            "description": description,
        },
    )
    return int(height / scale / 20) + 1 if width else 1


def csv_lines(header: Sequence, rows: Iterable[Sequence]) -> Iterator[str]:
    """A CSV file line by line (the first with the BOM), each row through ``formula_guard.csv_row``."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(csv_row([str(h) for h in header]))
    for row in rows:
        yield writer.writerow(csv_row(row))


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """A whole CSV file, UTF-8 with a BOM."""
    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow(csv_row(list(header)))
    for row in rows:
        w.writerow(csv_row(row))
    return out.getvalue().encode("utf-8-sig")
