"""What the preview page of an import batch shows, read back from the stored upload: how each source column
was bound (header -> field, unit, factor), the source rows that have problems with their bad cells marked, and
the rows that were skipped. No writes; the page re-reads the file the batch keeps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from landcycle.kit import i18n
from landcycle.rules.ledger import LedgerResult

from .kinds import IMPORTABLE, get_kind
from .models import ImportBatch
from .report import _column_index, _source_sheet, _unpack, cell_text

GRID_ROWS = 200  # source rows with problems shown on the page (the report has them all)
GRID_COLUMNS = 40


@dataclass
class Preview:
    result: LedgerResult | None
    bindings: list[dict] = field(default_factory=list)
    head: list[dict] = field(default_factory=list)  # columns of the source grid: letter, header
    grid: list[dict] = field(default_factory=list)  # {"row": n, "cells": [{"text", "bad", "tip"}]}
    grid_more: int = 0  # rows with problems not shown
    file_problems: list[dict] = field(default_factory=list)  # problems not tied to a row (unusable file)
    skipped: list = field(default_factory=list)
    plan: list[dict] = field(default_factory=list)
    plan_more: int = 0


def shown(value: Any) -> str:
    """A cell as the page shows it: dates as 2019-11-13, 12.0 as 12, shapes in a few words."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(cell_text(value))


def _bindings(batch: ImportBatch, result: LedgerResult) -> list[dict]:
    schema = get_kind(batch.kind).schema
    out = []
    for c in result.columns:
        spec = None
        if c.field:
            try:
                spec = schema.field(c.field)
            except KeyError:
                spec = None
        factor = ""
        if c.factor is not None and c.factor != 1:
            factor = f"×{float(c.factor):g}"
        out.append(
            {
                "letter": c.letter,
                "header": c.header,
                "field": c.field or "",
                "label": (spec.label or spec.title) if spec else "",
                "unit": c.unit or "",
                "target_unit": spec.unit if spec and spec.unit else "",
                "factor": factor,
                "part": c.part,
                "source": c.unit_source or "",
                "note": c.note if c.note not in ("properties", "geometry") else "",
            }
        )
    return out


def batch_preview(batch: ImportBatch) -> Preview:
    try:
        result, _problems, data, filename = _unpack(batch, None)
    except Exception:  # a kind no longer known, a file gone: the stored problems are all there is
        result, data, filename = None, None, batch.filename
    stored = batch.problems or []
    preview = Preview(result=result, file_problems=[p for p in stored if not p.get("row")])
    preview.plan = (batch.plan or [])[:GRID_ROWS]
    preview.plan_more = max(0, batch.created + batch.updated - len(preview.plan))
    schema = get_kind(batch.kind).schema if batch.kind in _known() else None
    for p in preview.plan:
        p["shown"] = [(_label(schema, name), _value(old), _value(new)) for name, (old, new) in p["changes"].items()]
    if result is None:
        return preview
    preview.bindings = _bindings(batch, result)
    preview.skipped = result.skipped
    rows, _merges = _source_sheet(result, data, filename)
    marks: dict[int, dict[int, list[dict]]] = {}
    for p in stored:
        if p.get("row"):
            marks.setdefault(p["row"], {}).setdefault(_column_index(result, p.get("column", "")), []).append(p)
    width = min(GRID_COLUMNS, max([c.index + 1 for c in result.columns] + [len(r) for r in rows[:1]] + [1]))
    headers = {c.index: c.header for c in result.columns}
    preview.head = [{"letter": _letter(i), "header": headers.get(i, "")} for i in range(width)]
    bad_rows = sorted(marks)
    preview.grid_more = max(0, len(bad_rows) - GRID_ROWS)
    for n in bad_rows[:GRID_ROWS]:
        source = rows[n - 1] if 0 < n <= len(rows) else []
        cells = []
        for i in range(width):
            found = marks[n].get(i, [])
            cells.append(
                {
                    "text": shown(source[i] if i < len(source) else None),
                    "bad": bool(found),
                    "tip": "\n".join(i18n.text(p) for p in found),
                }
            )
        preview.grid.append({"row": n, "cells": cells, "problems": [p for i in sorted(marks[n]) for p in marks[n][i]]})
    return preview


def _known() -> set[str]:
    return set(IMPORTABLE)


def _label(schema, name: str) -> str:
    try:
        spec = schema.field(name)
    except (KeyError, AttributeError):
        return {"park": "园区", "town": "所属镇街", "enterprise": "企业", "parcel": "地块", "lessor": "出租方"}.get(
            name, name
        )
    return spec.label or (spec.aliases[0] if spec.aliases else name)


def _value(value) -> str | None:
    return None if value in (None, "") else shown(value)


def _letter(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s
