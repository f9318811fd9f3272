"""Reading a ledger whose layout is not known in advance (the stand-alone ``landcycle evaluate`` and
``landcycle supervise``): a shipped mapping is recognised from the header itself, and a layout nobody
knows is refused with the columns that were expected and those found.

``read_ledger`` itself never guesses a mapping (an import names the mapping it uses); this is the
stand-alone commands' step around it. The usual file (our own headers) is read once, as before: the
shipped mappings are tried only when the header is not this ledger's, and a mapping is taken only when
every header it names is in the file.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from .header import SCAN_ROWS, cell_text
from .limits import ReadLimits
from .mapping import load_mapping, mapping_path, shipped_mappings
from .read import read_ledger
from .result import LedgerResult, LedgerUnusable
from .schema import FieldSpec, LedgerSchema
from .sources import open_source

FALLBACK_RULES = ("ledger.no_header", "ledger.required_column")
SHOWN = 40  # columns listed at most in an error


def read_detected(
    source: str | os.PathLike | bytes | BinaryIO,
    schema: LedgerSchema,
    *,
    mapping: dict | None = None,
    sheet: str | None = None,
    filename: str | None = None,
    expected: list[FieldSpec] | None = None,
    frame: bool = False,
    limits: ReadLimits | None = None,
) -> tuple[LedgerResult, str | None]:
    """(result, name of the shipped mapping recognised or None). Raises ``LedgerUnusable``; when the
    header is not this ledger's, the message lists the columns expected and the columns found."""
    if hasattr(source, "read"):
        source = source.read()
    try:
        return read_ledger(
            source, schema, mapping=mapping, sheet=sheet, filename=filename, frame=frame, limits=limits
        ), None
    except LedgerUnusable as exc:
        if exc.rule not in FALLBACK_RULES:
            raise
        first = exc
    if mapping is None:
        for name, _title, target in shipped_mappings():
            if target != schema.name:
                continue
            data = load_mapping(mapping_path(name), schema)
            try:
                result = read_ledger(
                    source, schema, mapping=data, sheet=sheet, filename=filename, frame=frame, limits=limits
                )
            except LedgerUnusable:
                continue
            if not any(p.rule == "ledger.mapping_missing" for p in result.problems):
                return result, name
    raise _listed(first, source, schema, sheet, filename, expected, limits)


def found_columns(
    source, sheet: str | None = None, filename: str | None = None, limits: ReadLimits | None = None
) -> list[str]:
    """The texts of the row, among the first rows of the sheet, with the most text cells (the header
    a person would point at)."""
    src = open_source(source, filename, limits=limits)
    name = sheet if sheet in src.sheet_names else src.sheet_names[0]
    rows = src.load(name, SCAN_ROWS).rows
    best: list[str] = []
    for row in rows[:SCAN_ROWS]:
        texts = [t for t in (cell_text(v) for v in row if type(v) is str) if t]
        if len(texts) > len(best):
            best = texts
    return best


def _listed(
    exc: LedgerUnusable,
    source,
    schema: LedgerSchema,
    sheet,
    filename,
    expected: list[FieldSpec] | None,
    limits: ReadLimits | None = None,
) -> LedgerUnusable:
    try:
        found = found_columns(source, sheet, filename, limits)
    except LedgerUnusable:
        return exc
    want = list(schema.required) + [f for f in expected or () if not f.required]
    shown = found[:SHOWN]
    more_zh = f" 等{len(found)}列" if len(found) > SHOWN else ""
    more_en = f" … ({len(found)} columns)" if len(found) > SHOWN else ""
    mappings = [n for n, _t, s in shipped_mappings() if s == schema.name]
    tried_zh = f"；随产品提供的映射（{'、'.join(mappings)}）也不适用" if mappings else ""
    tried_en = f"; no shipped mapping ({', '.join(mappings)}) fits either" if mappings else ""
    zh = (
        f"{exc.zh}。应有的列：{'、'.join(f.title for f in want)}（必填：{'、'.join(f.title for f in schema.required)}）；"
        f"文件中的列：{'、'.join(shown) or '（无）'}{more_zh}{tried_zh}。可用 --mapping 指定列映射"
    )
    en = (
        f"{exc.en}. Expected columns: {', '.join(f.title for f in want)} (required: "
        f"{', '.join(f.name for f in schema.required)}); columns found: {', '.join(shown) or '(none)'}{more_en}"
        f"{tried_en}. Give a column mapping with --mapping"
    )
    return LedgerUnusable(zh, en, rule=exc.rule)
