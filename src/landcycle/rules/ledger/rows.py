"""Telling data rows from the rest: blank rows, 小计/合计/总计 rows, notes (注：…), signature lines
(填报人：…), a repeated header, and a 甲 乙 1 2 3 … column-number row under the header.

Blank rows after the last non-blank row are not reported (a sheet's formatted tail is not the
user's doing). After a note, following one- or two-cell text rows belong to the note.
"""

from __future__ import annotations

import re

import polars as pl

from .header import cell_text
from .result import SkippedRow

_TOTAL = re.compile(r"^.{0,10}?(?:小计|合计|总计|共计|累计|总合计)[:：]?$|^(?:sub)?total:?$", re.I)
_NOTE = re.compile(r"^(?:注|注意|说明|备注|附注|填表说明|填报说明)\s*\d*\s*[:：.、]|^注\s*\d|^notes?\s*\d*\s*:", re.I)
_SIGN = (
    "填报人",
    "填表人",
    "制表人",
    "审核人",
    "负责人",
    "单位负责人",
    "统计负责人",
    "联系人:",
    "联系人：",
    "联系电话",
    "报出日期",
    "填报日期",
)
_SEQ = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"}

REASONS = {
    "blank": ("空行", "blank row"),
    "total": ("小计/合计行", "subtotal or total row"),
    "note": ("表末注释", "note below the table"),
    "signature": ("签章/填报人行", "signature line"),
    "header": ("重复的表头", "header repeated"),
    "column_numbers": ("栏次行", "column-number row"),
    "empty": ("无数据的行（只有序号等）", "row without data (only a serial number or the like)"),
}


def _skip(sheet: str, i: int, reason: str, text: str = "") -> SkippedRow:
    zh, en = REASONS[reason]
    return SkippedRow(sheet, i + 1, reason, zh, en, text)


def _filled(row: list) -> list:
    return [v for v in row if not (v is None or v == "" or (type(v) is str and not v.strip()))]


def _is_column_numbers(cells: list) -> bool:
    texts = [cell_text(v) for v in cells]
    nums = [t for t in texts if t not in _SEQ]
    if len(texts) < 3 or not all(t.isdigit() for t in nums):
        return False
    ints = [int(t) for t in nums]
    return ints == list(range(ints[0], ints[0] + len(ints))) if ints else True


def classify(rows: list[list], start: int, header_cells: list[str], sheet: str) -> tuple[list[int], list[SkippedRow]]:
    """Indices of data rows (0-based) and the rows skipped, with why."""
    data: list[int] = []
    skipped: list[SkippedRow] = []
    pending_blank: list[SkippedRow] = []
    in_note = False
    header_key = [t for t in header_cells if t]
    plain = _plain_rows(rows, start, header_key)
    for i in range(start, len(rows)):
        if plain[i - start] and not in_note:  # the usual data row, told apart as a column (below)
            if pending_blank:
                skipped.extend(pending_blank)
                pending_blank = []
            data.append(i)
            continue
        row = rows[i]
        first = None
        for v in row:
            if v is None or v == "":
                continue
            if type(v) is str and not v.strip():
                continue
            first = v
            break
        if first is None:
            pending_blank.append(_skip(sheet, i, "blank"))
            continue
        skipped.extend(pending_blank)
        pending_blank = []
        if type(first) is str:
            reason = _text_row(row, first, in_note, header_key, i - start)
            if reason:
                in_note = reason == "note"
                skipped.append(_skip(sheet, i, reason, " ".join(cell_text(v) for v in _filled(row))[:200]))
                continue
        elif i - start < 2 and _is_column_numbers(_filled(row)):
            skipped.append(_skip(sheet, i, "column_numbers"))
            continue
        in_note = False
        data.append(i)
    return data, skipped


_NOTE_START = frozenset("注说备附填Nn")
_TOTAL_SCAN = 6  # 小计/合计 sit in the first few cells
_EDGE = r"^[\s\x1c-\x1f\x85\xa0]"


def _plain_rows(rows: list[list], start: int, header_key: list[str]) -> list[bool]:
    """Rows that are certainly data, decided on columns: the first cell is text that is not blank and
    cannot start a note, a signature or the repeated header, no cell among the first few could name a
    total, and the row is not one of the two right under the header (a column-number row). Every other
    row goes through the row-by-row rules, which these conditions only anticipate."""
    n = len(rows) - start
    if n <= 2:
        return [False] * max(n, 0)
    body = rows[start:]
    width = min(_TOTAL_SCAN, max(map(len, body)))
    head = list(
        zip(*[list(r[:width]) + [""] * (width - len(r)) if len(r) < width else r[:width] for r in body], strict=False)
    )

    def column(c: int) -> pl.Series | None:
        types = set(map(type, head[c]))
        if str not in types:
            return None
        if types == {str}:
            return pl.Series(head[c], dtype=pl.String)
        return pl.Series([v if type(v) is str else None for v in head[c]], dtype=pl.String)

    first = column(0)
    if first is None:
        return [False] * n
    ok = (
        first.is_not_null()
        & (first.str.len_bytes() > 0)
        & ~first.str.contains(_EDGE)
        & ~first.str.contains(r"^[注说备附填Nn]")
        & ~first.str.contains_any(list(_SIGN))
        & ~first.str.contains_any(["\r", "\n"])
    )
    if header_key:
        ok = ok & ~first.str.contains(header_key[0], literal=True)
    for c in range(width):
        cells = first if c == 0 else column(c)
        if cells is not None:
            ok = ok & ~cells.str.contains_any(["计", "otal"]).fill_null(False)
    out = ok.fill_null(False).to_list()
    out[0] = out[1] = False
    return out


def _text_row(row: list, first: str, in_note: bool, header_key: list[str], offset: int) -> str | None:
    s = first.strip()
    if s[:1] in _NOTE_START and _NOTE.match(s):
        return "note"
    if s.startswith(_SIGN):
        filled = _filled(row)
        if len(filled) <= 4 and all(type(v) is str for v in filled):
            return "signature"
    if in_note:
        filled = _filled(row)
        if len(filled) <= 2 and all(type(v) is str for v in filled):
            return "note"
    seen = 0
    for v in row[:_TOTAL_SCAN]:
        if type(v) is str and v.strip():
            if ("计" in v or "otal" in v) and _TOTAL.match("".join(v.split())):
                return "total"
            seen += 1
            if seen == 3:
                break
    if offset < 2 and _is_column_numbers(_filled(row)):
        return "column_numbers"
    if header_key and (header_key[0] in first or "\n" in first or "\r" in first) and cell_text(first) == header_key[0]:
        if [cell_text(v) for v in _filled(row)] == header_key:
            return "header"
    return None


def drop_empty(rows: list[list], idx: list[int], used: list[int], sheet: str) -> tuple[list[int], list[SkippedRow]]:
    """Rows with nothing in any used column (a template's pre-numbered 序号 1..500) are not data; those
    after the last data row are dropped without a report, like trailing blank rows."""
    keep: list[int] = []
    empty: list[int] = []
    for i in idx:
        row = rows[i]
        for c in used:
            v = row[c] if c < len(row) else ""
            if v != "" and v is not None and not (type(v) is str and not v.strip()):
                keep.append(i)
                break
        else:
            empty.append(i)
    last = keep[-1] if keep else -1
    return keep, [_skip(sheet, i, "empty") for i in empty if i < last]
