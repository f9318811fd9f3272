"""The problem report (问题报告): the rows as the user sent them with every bad cell filled red and a
comment giving the problem in the user's language (``kit.i18n``), a 问题清单 sheet listing every problem, and a 跳过的行
sheet listing the rows that were not data. The user fixes the red cells and uploads the file again."""

from __future__ import annotations

import io
from collections import defaultdict

from landcycle.kit import i18n
from landcycle.kit.sheets import HEADER, workbook, write_cell, write_header, write_row
from landcycle.rules.ledger import LedgerProblem, LedgerResult
from landcycle.rules.ledger.sources import open_source

from .geojson import describe
from .kinds import get_kind
from .models import ImportBatch
from .plan import ImportReport, problem_from_dict
from .services import actor_county, stored_bytes
from .upload_limits import read_limits

MAX_COMMENTS = 20_000
_BAD_SHEET = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _unpack(obj, source) -> tuple[LedgerResult | None, list[LedgerProblem], bytes | None, str]:
    if isinstance(obj, ImportReport):
        return obj.result, obj.problems, source or obj.source, obj.filename
    if isinstance(obj, LedgerResult):
        return obj, obj.problems, source, ""
    if isinstance(obj, ImportBatch):
        problems = [problem_from_dict(d) for d in obj.problems]
        data = source or stored_bytes(obj)
        result = None
        if data is not None:
            try:
                county = actor_county(obj.actor)
                result = get_kind(obj.kind).read(data, mapping=obj.mapping, filename=obj.filename, county=county)
            except Exception:  # the file was unusable: the list of problems is all there is to show
                result = None
        return result, problems, data, obj.filename
    raise TypeError(f"no problem report for {type(obj).__name__}")


def _source_sheet(result: LedgerResult | None, source: bytes | None, filename: str):
    """(rows as sent, merged ranges) of the sheet that was read; rebuilt from the typed rows when the
    file itself is not at hand."""
    if result is not None and source is not None and result.format != "geojson":
        try:
            data = open_source(source, filename or None, limits=read_limits()).load(result.sheet)
            return data.rows, data.merges or []
        except Exception:
            pass
    if result is None:
        return [], []
    width = max((c.index for c in result.columns), default=-1) + 1
    rows: list[list] = [[""] * width for _ in range(max([result.header_row] + [r["_row"] for r in result.rows]))]
    if result.header_row:
        for c in result.columns:
            rows[result.header_row - 1][c.index] = c.header
    for r in result.rows:
        for c in result.columns:
            if c.field and not c.part:
                rows[r["_row"] - 1][c.index] = cell_text(r.get(c.field))
    return rows, []


def cell_text(value):
    """A typed value as a cell shows it (a shape in a few words)."""
    if isinstance(value, (dict, list)):
        return describe(value)
    return value


def _column_index(result: LedgerResult | None, header: str) -> int:
    if result is None:
        return 0
    for c in result.columns:
        if c.header == header:
            return c.index
    for c in result.columns:
        if c.header.startswith(header + "/") or header.endswith("/" + c.header):
            return c.index
    return 0


def problem_report_xlsx(result_or_batch, source: bytes | None = None) -> bytes:
    """An .xlsx report of an ``ImportReport``, a ``LedgerResult`` (pass ``source`` to show the file as sent)
    or an ``ImportBatch`` (its stored upload)."""
    result, problems, data, filename = _unpack(result_or_batch, source)
    rows, merges = _source_sheet(result, data, filename)
    buf = io.BytesIO()
    wb = workbook(buf)
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1, "border_color": "#C00000"})
    plain = wb.add_format({})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    red_date = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "yyyy-mm-dd"})
    sheet_name = ((result.sheet if result else "") or "台账").translate(_BAD_SHEET)[:31]
    ws = wb.add_worksheet(sheet_name if sheet_name != "问题清单" else "台账")
    marks: dict[tuple[int, int], list[LedgerProblem]] = defaultdict(list)
    for p in problems:
        if p.row:
            marks[(p.row - 1, _column_index(result, p.column))].append(p)
    covered = {(r, c) for (r0, c0), (r1, c1) in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in covered or value in ("", None) and (r, c) not in marks:
                continue
            bad = (r, c) in marks
            is_date = hasattr(value, "year") and not isinstance(value, str)
            write_cell(ws, r, c, value, (red_date if is_date else red) if bad else (date if is_date else plain))
            if bad and value in ("", None):
                ws.write_blank(r, c, None, red)
    for (r0, c0), (r1, c1) in merges:
        value = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else ""
        try:
            ws.merge_range(r0, c0, r1, c1, "" if value is None else str(value), red if (r0, c0) in marks else plain)
        except Exception:  # overlapping ranges in a broken file: leave the cells unmerged
            pass
    for n, ((r, c), found) in enumerate(sorted(marks.items())):
        if n >= MAX_COMMENTS:
            break
        text = "\n".join(i18n.text(p) for p in found)
        ws.write_comment(r, c, text[:32000], {"x_scale": 3, "y_scale": 2})
    if result is not None:
        ws.freeze_panes(max(result.header_rows or (result.header_row,)), 0)
    _problem_list(wb, problems)
    if result is not None and result.skipped:
        _skipped(wb, result)
    wb.close()
    return buf.getvalue()


def _problem_list(wb, problems: list[LedgerProblem]) -> None:
    ws = wb.add_worksheet("问题清单")
    # the problem in the reader's words first; the rule's code last, to sort or filter by (规则代码)
    headers = [("工作表", 14), ("行", 6), ("列", 24), ("值", 20), ("问题", 60), ("规则代码", 24)]
    write_header(ws, [h for h, _w in headers], wb.add_format(HEADER), widths=[w for _h, w in headers])
    for r, p in enumerate(problems, 1):
        value = "" if p.value is None else str(p.value)
        write_row(ws, r, [p.sheet or "", p.row or None, p.column or "", value, i18n.text(p), p.rule])
    if problems:
        ws.autofilter(0, 0, len(problems), len(headers) - 1)


def _skipped(wb, result: LedgerResult) -> None:
    ws = wb.add_worksheet("跳过的行")
    write_header(ws, ["行", "原因", "内容"], wb.add_format(HEADER), widths=[6, 24, 60], freeze=False)
    for r, s in enumerate(result.skipped, 1):
        write_row(ws, r, [s.row, i18n.text(s), s.text or ""])
