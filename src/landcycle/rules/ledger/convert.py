"""Turning one field's source column(s) into typed values, column by column (fast), collecting a problem
for every cell that cannot be read. Bad cells become ``None`` and are remembered so that the required
check does not report them twice.

Columns are converted as columns: a polars pass reads the cells it can (codes and texts that are plain
strings, numbers that arrive as numbers); the cleaning functions of ``cells`` run only on the cells it
could not read, and for codes, enums, flags, dates and whole numbers once per DISTINCT value of the
column (a 规模 column of 100,000 rows has two). The values and every problem (message, row, column) are
the ones the cell-by-cell functions give. ``floats=True`` (the stand-alone evaluation) returns a decimal
field as a polars Float64 series instead of a list of ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from . import cells as C
from . import units as U
from .bind import Bound
from .result import LedgerProblem


class Sink:
    """Collects cell problems with their position, for sorting by (row, column) at the end."""

    def __init__(self, sheet: str, rownums: list[int]):
        self.sheet, self.rownums = sheet, rownums
        self.items: list[tuple[int, int, LedgerProblem]] = []

    def add(self, j: int, col: int, header: str, value, rule: str, zh: str, en: str, field: str) -> None:
        row = self.rownums[j]
        self.items.append((row, col, LedgerProblem(self.sheet, row, header, value, rule, zh, en, field)))


def convert(bound: Bound, cols: list[tuple], sink: Sink, *, floats: bool = False) -> tuple[list | pl.Series, set[int]]:
    spec = bound.spec
    n = len(sink.rownums)
    if len(bound.columns) > 1:
        out, bad = _combine(bound, cols, sink, n)
        return (pl.Series([None if x is None else float(x) for x in out], dtype=pl.Float64) if floats else out), bad
    index, factor, header = bound.columns[0]
    raw = cols[index] if index < len(cols) else ("",) * n
    bad = set()
    kind = spec.kind
    if kind == "text":
        return _texts(raw), bad
    if kind == "decimal":
        if floats:
            return _floats(spec, raw, factor, index, header, sink, bad), bad
        return _decimals(spec, raw, factor, index, header, sink, bad), bad
    fn: Callable[[Any], Any]
    if kind == "code":
        fn = C.clean_code
    elif kind == "int":
        suffixes = spec.suffixes

        def fn(v):  # noqa: E306
            return C.clean_int(v, suffixes)
    elif kind == "date":
        fn = C.clean_date
    elif kind == "enum":
        table, labels = spec.enum_table, spec.enum_labels

        def fn(v):  # noqa: E306
            return C.clean_enum(v, table, labels)
    else:
        fn = C.clean_bool
    if kind == "int":
        clean = fn

        def fn(v):  # noqa: E306 - a whole number that arrives as a float (2025.0) is that number
            return int(v) if type(v) is float and v.is_integer() and abs(v) < 1e18 else clean(v)

    out, failed = _codes(raw, fn) if kind == "code" else _distinct(raw, fn)
    for j in [j for j, x in enumerate(out) if type(x) is _Failed] if failed else ():
        e = out[j].error
        out[j] = None
        bad.add(j)
        sink.add(j, index, header, raw[j], e.rule, e.zh, e.en, spec.name)
    if kind == "int" and spec.nonnegative:
        _negatives(spec, out, index, header, raw, sink)
    return out, bad


class _Failed:
    """A cell the cleaning function refused: its ``CellError``."""

    __slots__ = ("error",)

    def __init__(self, error: C.CellError):
        self.error = error


def _clean_distinct(values, fn) -> dict:
    """``fn`` applied once per distinct (type, value); an empty cell is missing."""
    table: dict = {}
    for key in values:
        t, v = key
        if v == "" or v is None:
            table[key] = None
            continue
        try:
            table[key] = fn(v)
        except C.CellError as e:
            table[key] = _Failed(e)
    return table


def _distinct(raw, fn) -> tuple[list, bool]:
    """Each cell's cleaned value (or ``_Failed``), the cleaning done once per distinct value, and whether
    any cell failed. 1.0, 1 and True are equal in Python but not the same cell: when a column mixes
    such types, the key carries the type."""
    types = set(map(type, raw))
    if not ({int, float} <= types or (bool in types and types & {int, float})):  # the value alone is the key
        table = _clean_distinct(((type(v), v) for v in dict.fromkeys(raw)), fn)
        by_value = {v: x for (_t, v), x in table.items()}
        out = list(map(by_value.__getitem__, raw))
    else:
        keys = list(zip(map(type, raw), raw, strict=False))
        table = _clean_distinct(dict.fromkeys(keys), fn)
        out = list(map(table.__getitem__, keys))
    return out, any(type(x) is _Failed for x in table.values())


_MISSING_WORDS = sorted(w for w in C.MISSING if w.isalnum() and w.isascii())


def _strings(raw) -> pl.Series:
    if set(map(type, raw)) == {str}:
        return pl.Series(raw, dtype=pl.String)
    return pl.Series([v if type(v) is str else None for v in raw], dtype=pl.String)


def _codes(raw, fn) -> tuple[list, bool]:
    """Codes: a cell of ASCII letters and digits only is its own upper case (what ``clean_code`` makes of
    it), unless it reads as a missing marker (NA, null…) or as a number in scientific notation (1E5);
    every other cell goes through ``clean_code``, once per distinct value."""
    s = _strings(raw)
    plain = (
        s.str.contains(r"^[0-9A-Za-z]+$")
        & ~s.str.to_lowercase().is_in(_MISSING_WORDS)
        & ~s.str.contains(r"^[0-9][eE][0-9]+$")
    ).fill_null(False)
    if not plain.any():
        return _distinct(raw, fn)
    out = s.str.to_uppercase().to_list()
    rest = (~plain).arg_true().to_list()
    failed = False
    if rest:
        slow, failed = _distinct([raw[j] for j in rest], fn)
        for j, x in zip(rest, slow, strict=False):
            out[j] = x
    return out, failed


# Python's str.strip() strips these too (Rust's whitespace does not include the information separators)
_EDGE_SPACE = r"^[\s\x1c-\x1f\x85\xa0]|[\s\x1c-\x1f\x85\xa0]$"


def _texts(raw) -> list:
    """Texts: a string longer than any missing marker and without spaces at its ends is itself; the other
    cells go through ``clean_text``, once per distinct value (a town column holds a few names)."""
    s = _strings(raw)
    plain = ((s.str.len_chars() > 8) & ~s.str.contains(_EDGE_SPACE)).fill_null(False)
    if not plain.any():
        return _distinct(raw, C.clean_text)[0]
    out = s.to_list()
    rest = (~plain).arg_true().to_list()
    if rest:
        for j, x in zip(rest, _distinct([raw[j] for j in rest], C.clean_text)[0], strict=False):
            out[j] = x
    return out


def _floats(spec, raw, factor: Fraction, index, header, sink: Sink, bad: set[int]) -> pl.Series:
    """A decimal field as Float64, for the stand-alone evaluation: numbers that arrive as numbers in one
    polars pass (times the unit's factor), the other cells through ``_parse`` as ``_decimals`` does,
    with the same problems."""
    n = len(raw)
    types = set(map(type, raw))
    if types == {float}:
        s = pl.Series(raw, dtype=pl.Float64)
        slow = []
    else:
        s = pl.Series([v if type(v) is float else None for v in raw], dtype=pl.Float64)
        if str in types:  # a plain decimal number written as text (every cell of a CSV) reads the same as Decimal
            text = _strings(raw)
            plain = text.str.contains(r"^-?[0-9]+(?:\.[0-9]+)?$").fill_null(False)
            if plain.any():
                s = pl.select(pl.when(plain).then(text.cast(pl.Float64, strict=False)).otherwise(s)).to_series()
        slow = [j for j in s.is_null().arg_true().to_list() if raw[j] != "" and raw[j] is not None]
    if factor != 1:
        s = s * float(factor)
    if slow:
        fixed: dict[int, float | None] = {}
        for j in slow:
            v = raw[j]
            try:
                d, f = _parse(spec, v, factor)
            except C.CellError as e:
                bad.add(j)
                sink.add(j, index, header, v, e.rule, e.zh, e.en, spec.name)
                fixed[j] = None
                continue
            fixed[j] = None if d is None else float(Fraction(d) * f)
        values = s.to_list()
        for j, x in fixed.items():
            values[j] = x
        s = pl.Series(values, dtype=pl.Float64)
    if spec.nonnegative and n:
        for j in (s < 0).fill_null(False).arg_true().to_list():
            sink.add(
                j,
                index,
                header,
                raw[j],
                "ledger.negative",
                f"“{spec.title}”不能为负数（{raw[j]}）",
                f"'{spec.name}' cannot be negative ({raw[j]})",
                spec.name,
            )
    return s


def _parse(spec, v, factor: Fraction):
    """(Decimal in the source's number, factor to apply) or raises CellError; None when missing."""
    t = type(v)
    if t is float and v.is_integer():
        return Decimal(int(v)), factor
    d, unit, percent = C.parse_number(v, suffixes=spec.suffixes)
    if d is None:
        return None, factor
    if unit is None:
        return d, factor
    found = U.lookup(unit)
    if spec.dimension is None or found is None or found[0] != spec.dimension:
        if percent:
            raise C.CellError(
                "ledger.not_number",
                f"“{v}”是百分数，但该列不是比例",
                f"'{v}' is a percentage but this column is not a ratio",
            )
        raise C.CellError(
            "ledger.unit_mismatch",
            f"“{v}”自带的单位{unit}与该列不符",
            f"'{v}' carries the unit {unit}, which does not fit this column",
        )
    return d, (found[1] if spec.dimension == U.RATIO else U.factor(unit, spec.unit))


_SLOW = object()


def _decimals(spec, raw, factor: Fraction, index, header, sink: Sink, bad: set[int]) -> list:
    """Number cells from calamine (floats; xlsx cannot hold NaN or infinity) in one comprehension,
    everything else (text, other types) through ``_parse``."""
    D = Decimal
    out: list = [
        (D(repr(v)) if v % 1 else D(int(v))) if type(v) is float else (None if v == "" or v is None else _SLOW)
        for v in raw
    ]
    conv = U.Converter(factor, spec.places)
    if not conv.identity:
        out = [conv(d) if d is not None and d is not _SLOW else d for d in out]
    others: dict[Fraction, U.Converter] = {}
    for j in [j for j, d in enumerate(out) if d is _SLOW]:
        v = raw[j]
        out[j] = None
        try:
            d, f = _parse(spec, v, factor)
        except C.CellError as e:
            bad.add(j)
            sink.add(j, index, header, v, e.rule, e.zh, e.en, spec.name)
            continue
        if d is None:
            continue
        c = conv if f is factor else (others.get(f) or others.setdefault(f, U.Converter(f, spec.places)))
        out[j] = c(d)
    if spec.nonnegative:
        _negatives(spec, out, index, header, raw, sink)
    return out


def _negatives(spec, out, index, header, raw, sink: Sink) -> None:
    for j, x in enumerate(out):
        if x is not None and x < 0:
            sink.add(
                j,
                index,
                header,
                raw[j],
                "ledger.negative",
                f"“{spec.title}”不能为负数（{raw[j]}）",
                f"'{spec.name}' cannot be negative ({raw[j]})",
                spec.name,
            )


def _combine(bound: Bound, cols, sink: Sink, n: int) -> tuple[list, set[int]]:
    """Several columns of one group add up to one field, summed exactly in the field's unit."""
    spec = bound.spec
    sums: list[Fraction | None] = [None] * n
    bad: set[int] = set()
    for index, factor, header in bound.columns:
        raw = cols[index] if index < len(cols) else ("",) * n
        for j, v in enumerate(raw):
            if v == "" or v is None or j in bad:
                continue
            try:
                d, f = _parse(spec, v, factor)
            except C.CellError as e:
                bad.add(j)
                sums[j] = None
                sink.add(j, index, header, v, e.rule, e.zh, e.en, spec.name)
                continue
            if d is not None:
                part = Fraction(d) * f
                sums[j] = part if sums[j] is None else sums[j] + part
    out = [None if s is None or j in bad else U.fraction_to_decimal(s, spec.places) for j, s in enumerate(sums)]
    if spec.nonnegative:
        first = bound.columns[0]
        _negatives(spec, out, first[0], bound.header, [str(x) for x in out], sink)
    return out, bad
