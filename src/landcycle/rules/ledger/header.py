"""Finding the header among title rows, and flattening a two-row header with merged group cells.

The header is the row (or pair of rows) among the first ``SCAN_ROWS`` whose cells name the most schema
fields. A second header row is taken when its cells are all text, some of them sit under a merged (or
left-blank) group cell, and reading the pair names at least as many fields. The group's text appears
only in the first cell of a merge (calamine does not expand merges): it is spread over the merge when
the workbook records it, otherwise over the blank cells to its right that have sub-headers below.
Columns are then named ``"parent/child"``. A row of units right under the header (万元 亩 …) and a
"金额单位：万元" line above it are understood too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import units as U
from .cells import CellError, parse_number

SCAN_ROWS = 40


@dataclass
class HeaderCol:
    index: int
    parts: tuple[str, ...]
    unit_row: str | None = None

    @property
    def text(self) -> str:
        return "/".join(self.parts)


@dataclass
class Header:
    top: int  # 0-based index of the first header row
    height: int  # 1 or 2
    columns: list[HeaderCol]
    score: int
    units_row: bool = False
    title_units: dict[str, str] = field(default_factory=dict)

    @property
    def data_start(self) -> int:
        return self.top + self.height + (1 if self.units_row else 0)

    @property
    def rows(self) -> tuple[int, ...]:
        """1-based row numbers of the header rows, as Excel shows them."""
        return tuple(range(self.top + 1, self.top + self.height + 1))


def cell_text(v) -> str:
    if type(v) is str:
        return v.replace("\r", "").replace("\n", "").strip()
    if v is None or v == "":
        return ""
    if type(v) is float and v.is_integer():
        return str(int(v))
    return str(v)


def _is_label(v) -> bool:
    """Text that is not a number or a date: what a header cell holds."""
    if type(v) is not str:
        return False
    s = v.strip()
    if not s:
        return False
    try:
        parse_number(s)
        return False
    except CellError:
        return True


def _single(row: list) -> list[HeaderCol]:
    return [HeaderCol(i, (t,)) for i, t in enumerate(cell_text(v) for v in row) if t]


def _spans(row_index: int, merges) -> dict[int, int]:
    """column -> first column of the horizontal merge that covers it in this row."""
    out: dict[int, int] = {}
    for (r0, c0), (_r1, c1) in merges or ():
        if r0 == row_index and c1 > c0:
            for c in range(c0, c1 + 1):
                out[c] = c0
    return out


def _pair(top: list, bottom: list, row_index: int, merges) -> tuple[list[HeaderCol], bool]:
    """Flatten two header rows; also says whether some child sits under a group cell."""
    tops = [cell_text(v) for v in top]
    bots = [cell_text(v) for v in bottom] + [""] * max(0, len(top) - len(bottom))
    spans = _spans(row_index, merges)
    parents = list(tops)
    grouped = False
    group = None  # (column, text) of the last top cell that has a child below it
    for c, t in enumerate(tops):
        if t:
            group = (c, t) if bots[c] else None
            continue
        if c in spans and tops[spans[c]]:
            parents[c] = tops[spans[c]]
            grouped = grouped or bool(bots[c])
        elif bots[c] and group is not None:
            parents[c] = group[1]
            grouped = True
        elif not bots[c]:
            group = None
    cols = []
    for c in range(len(parents)):
        parts = tuple(p for p in (parents[c], bots[c]) if p)
        if parts:
            cols.append(HeaderCol(c, parts))
    return cols, grouped


def find_header(rows: list[list], score, merges=None) -> Header | None:
    """The best header among the first rows; ``score(columns) -> int`` counts the fields they name."""
    best: Header | None = None
    for i in range(min(len(rows), SCAN_ROWS)):
        row = rows[i]
        cols = _single(row)
        if not cols:
            continue
        s1 = score(cols)
        if s1 == 0:
            continue
        cand = Header(i, 1, cols, s1)
        if i + 1 < len(rows):
            nxt = rows[i + 1]
            labels = [v for v in nxt if cell_text(v)]
            if labels and all(_is_label(v) for v in labels) and not _is_units_row(nxt):
                pair, grouped = _pair(row, nxt, i, merges)
                s2 = score(pair)
                if s2 > s1 or (grouped and s2 >= s1):
                    cand = Header(i, 2, pair, s2)
        if best is None or cand.score > best.score:
            best = cand
    if best is None:
        return None
    _units_below(rows, best)
    best.title_units = title_units(rows[: best.top])
    return best


def _unit_cell(v) -> str | None:
    t = cell_text(v).strip("()（）[]【】")
    return t if U.is_unit(t) else None


def _is_units_row(row: list) -> bool:
    cells = [cell_text(v) for v in row]
    filled = [c for c in cells if c and c not in ("单位", "计量单位", "—", "-")]
    return bool(filled) and all(_unit_cell(c) for c in filled)


def _units_below(rows: list[list], header: Header) -> None:
    i = header.top + header.height
    if i < len(rows) and _is_units_row(rows[i]):
        row = rows[i]
        for col in header.columns:
            if col.index < len(row):
                col.unit_row = _unit_cell(row[col.index])
        header.units_row = True


_UNIT_LABEL = re.compile(r"单位[:：]")
_SEP = re.compile(r"[、，,；;/\s]+")


def title_units(rows: list[list]) -> dict[str, str]:
    """Units declared above the header: "金额单位：万元  面积单位：亩", "单位：万元、亩"."""
    out: dict[str, str] = {}
    for row in rows:
        for v in row:
            if type(v) is not str or "单位" not in v:
                continue
            pieces = _UNIT_LABEL.split(v)
            for piece in pieces[1:]:
                for token in _SEP.split(piece.strip()):
                    found = U.lookup(token.strip("()（）"))
                    if not found:
                        break
                    out.setdefault(found[0], token.strip("()（）"))
    return out
