"""``read_ledger``: a spreadsheet or CSV in, typed rows and every problem out.

Steps: open (format from content; CSV encoding detected strictly) -> pick the sheet -> find the header
among title rows -> bind columns to fields (mapping first, then aliases) with their units -> skip
blank, total, note and signature rows -> convert column by column -> required values, codes,
duplicate natural keys, lower/upper pairs. Nothing stops at the first problem.
"""

from __future__ import annotations

import os
from itertools import repeat
from typing import Any, BinaryIO

import polars as pl

from . import checks
from .bind import Matcher, bind
from .convert import Sink, convert
from .header import SCAN_ROWS, Header, cell_text, find_header
from .limits import ReadLimits
from .mapping import Mapping
from .result import LedgerResult, LedgerUnusable
from .rows import classify, drop_empty
from .schema import LedgerSchema
from .schemas import get_schema
from .sources import SheetData, Source, open_source


def read_ledger(
    source: str | os.PathLike | bytes | BinaryIO,
    schema: LedgerSchema | str,
    *,
    mapping: dict | Mapping | None = None,
    sheet: str | None = None,
    filename: str | None = None,
    limits: ReadLimits | None = None,
    frame: bool = False,
) -> LedgerResult:
    """Read a ledger file. Raises ``LedgerUnusable`` when the file cannot be this ledger at all (or breaks
    one of ``limits``, see ``limits.py``); every other problem is collected in ``result.problems``.
    ``frame=True``: the values come as a polars DataFrame in ``result.frame`` (decimals as Float64) and
    ``result.rows`` is empty — same problems."""
    spec = get_schema(schema)
    m = mapping if isinstance(mapping, Mapping) else Mapping.from_dict(mapping, spec)
    src = open_source(source, filename, limits=limits)
    matcher = Matcher(spec, m)
    data, header = _choose_sheet(src, spec, matcher, sheet)
    columns, bound, header_problems = bind(header, matcher, data.name)
    rows = data.rows
    top = [cell_text(v) for v in rows[header.top]] if header.height == 1 else [c.text for c in header.columns]
    idx, skipped = classify(rows, header.data_start, top, data.name)
    used = sorted({c for b in bound.values() for c, _f, _h in b.columns})
    idx, empty = drop_empty(rows, idx, used, data.name)
    if empty:
        skipped = sorted(skipped + empty, key=lambda s: s.row)
    rownums = [i + 1 for i in idx]
    data_rows = [rows[i] for i in idx]
    width = max((len(r) for r in data_rows), default=0)
    if any(len(r) != width for r in data_rows):
        data_rows = [list(r) + [""] * (width - len(r)) for r in data_rows]
    cols = list(zip(*data_rows, strict=False))
    sink = Sink(data.name, rownums)
    values: dict[str, Any] = {}  # a list per field, or a polars Series (floats for a frame)
    for name, b in bound.items():
        values[name], bad = convert(b, cols, sink, floats=frame)
        if b.spec.required:
            checks.required(b, values[name], bad, sink)
        if b.spec.validate is not None:
            checks.codes(b, values[name], sink)
    checks.duplicates(spec, bound, values, data_rows, sink)
    for lo_hi in spec.ranges if frame else ():
        for f in lo_hi:
            if f in values and not isinstance(values[f], list):
                values[f] = values[f].to_list()
    swapped = checks.ranges(spec, bound, values, m, sink)
    sink.items.sort(key=lambda t: (t[0], t[1]))
    table = None
    if frame:
        out = []
        table = _frame(spec, rownums, data.name, values)
    else:
        names = ["_row", "_sheet", *values]
        out = [dict(zip(names, vals, strict=False)) for vals in zip(rownums, repeat(data.name), *values.values())]
    return LedgerResult(
        schema=spec.name,
        sheet=data.name,
        format=src.format,
        rows=out,
        problems=header_problems + [p for _r, _c, p in sink.items],
        skipped=skipped,
        header_row=header.top + 1,
        header_rows=header.rows,
        columns=columns,
        encoding=src.encoding,
        swapped=swapped,
        frame=table,
        titles=tuple(t for row in rows[: header.top] for t in map(cell_text, row) if t),
    )


_DTYPES = {"decimal": pl.Float64, "int": pl.Int64, "date": pl.Date, "bool": pl.Boolean}


def _frame(spec: LedgerSchema, rownums: list[int], sheet: str, values: dict) -> pl.DataFrame:
    data = {"_row": pl.Series(rownums, dtype=pl.Int64), "_sheet": pl.Series([sheet] * len(rownums), dtype=pl.String)}
    for name, v in values.items():
        dtype = _DTYPES.get(spec.field(name).kind, pl.String)
        data[name] = v if isinstance(v, pl.Series) else pl.Series(v, dtype=dtype)
    return pl.DataFrame(data)


def _no_header(spec: LedgerSchema, where: str) -> LedgerUnusable:
    names = "、".join(f.title for f in (spec.required or spec.fields)[:4])
    en = ", ".join(f.name for f in (spec.required or spec.fields)[:4])
    return LedgerUnusable(
        f"{where}前{SCAN_ROWS}行中找不到“{spec.title_zh}”的表头（应含 {names} 等列）",
        f"No header of the {spec.title_en} ledger in the first {SCAN_ROWS} rows of {where} "
        f"(expected columns such as {en})",
        rule="ledger.no_header",
    )


def _choose_sheet(src: Source, spec: LedgerSchema, matcher: Matcher, sheet: str | None) -> tuple[SheetData, Header]:
    if sheet is not None:
        if sheet not in src.sheet_names:
            listed = "、".join(src.sheet_names)
            raise LedgerUnusable(
                f"没有名为“{sheet}”的工作表（有：{listed}）",
                f"There is no sheet '{sheet}' (sheets: {', '.join(src.sheet_names)})",
                rule="ledger.no_sheet",
            )
        names = [sheet]
    else:
        hinted = [n for n in src.sheet_names if any(h.lower() in n.lower() for h in spec.sheet_hints)]
        names = hinted + [n for n in src.sheet_names if n not in hinted]
    if len(names) > 1:
        best, best_score = None, 0
        for name in names:
            found = find_header(src.load(name, SCAN_ROWS + 2).rows, matcher.score)
            if found and found.score > best_score:
                best, best_score = name, found.score
        names = [best] if best else names[:1]
    data = src.load(names[0])
    header = find_header(data.rows, matcher.score, data.merges)
    if header is None:
        raise _no_header(spec, f"工作表“{data.name}”" if src.format != "csv" else data.name)
    return data, header
