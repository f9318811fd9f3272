"""Spreadsheet formula injection (CSV injection): the one guard of every file the product writes.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or the full-width
``＝ ＋ － ＠`` that Excel in a Chinese locale also takes as the start of a formula) is a formula when a
spreadsheet program opens the file. A town officer who names an enterprise ``=HYPERLINK("http://…","点此")``
would otherwise plant a live link or command in the county's export.

- CSV (OWASP): such a text is written with a single quote in front (``'=HYPERLINK(…)``), which Excel,
  WPS and LibreOffice show as text; the value stays readable. A text that already starts with quotes
  followed by a trigger gets one more quote, so :func:`csv_restore` (used by the CSV reader of every
  import) removes exactly one and export → import gives back the very value that was exported.
- XLSX: a text is always written with ``write_string`` (a shared string, never a formula), whatever the
  workbook's options: :func:`xlsx_write` is the one cell writer of the exports.
- Numbers (int, float, Decimal — negative ones included) are never touched, and neither is a text that is
  only a plain number (``-12.50``, the CSV form of a number) or one of our own tab-prefixed digit codes.

Pure Python, no Django: the stand-alone CLI outputs use it too.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_TRIGGER_CLASS = "=+\\-@\\t\\r＝＋－＠"
_QUOTED = re.compile(f"'+[{_TRIGGER_CLASS}]")  # what csv_text writes for a dangerous text
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (or when it is one quote-escape away)."""
    if not text:
        return False
    if text[0] == "'":
        return _QUOTED.match(text) is not None
    if not text.startswith(TRIGGERS):
        return False
    return _PLAIN_NUMBER.fullmatch(text.lstrip("\t")) is None  # -12.50, \t913302… are harmless


def csv_text(value):
    """A cell value for a CSV file: a formula-like text with a leading quote, anything else as it is."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_row(values) -> list:
    """A row for ``csv.writer``: ``None`` as empty, dates as 2026-11-29, formula-like texts quoted."""
    out = []
    for v in values:
        if v is None:
            out.append("")
        elif isinstance(v, dt.date):
            out.append(v.isoformat())
        else:
            out.append(csv_text(v))
    return out


def csv_restore(text):
    """Undo :func:`csv_text` when reading a CSV: ``'=x`` → ``=x``, ``''=x`` → ``'=x``; anything else as it is."""
    if isinstance(text, str) and text[:1] == "'" and _QUOTED.match(text):
        return text[1:]
    return text


def xlsx_write(ws, r: int, c: int, value, fmt=None) -> None:
    """Write one typed cell with XlsxWriter: text always as a string (never a formula or a link), numbers
    as numbers, dates as dates; ``None`` leaves the cell empty."""
    if value is None:
        return
    if isinstance(value, str):
        ws.write_string(r, c, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(r, c, float(value), fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(r, c, str(value), fmt)
