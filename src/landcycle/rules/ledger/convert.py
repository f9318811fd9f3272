"""Turning one field's source column(s) into typed values, column by column (fast), collecting a problem
for every cell that cannot be read. Bad cells become ``None`` and are remembered so that the required
check does not report them twice."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

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


def convert(bound: Bound, cols: list[tuple], sink: Sink) -> tuple[list, set[int]]:
    spec = bound.spec
    n = len(sink.rownums)
    if len(bound.columns) > 1:
        return _combine(bound, cols, sink, n)
    index, factor, header = bound.columns[0]
    raw = cols[index] if index < len(cols) else ("",) * n
    bad: set[int] = set()
    kind = spec.kind
    if kind == "text":
        return [C.clean_text(v) for v in raw], bad
    if kind == "decimal":
        return _decimals(spec, raw, factor, index, header, sink, bad), bad
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
    out = [None] * n
    for j, v in enumerate(raw):
        if v == "" or v is None:
            continue
        if kind == "int" and type(v) is float and v.is_integer() and abs(v) < 1e18:
            out[j] = int(v)
            continue
        try:
            out[j] = fn(v)
        except C.CellError as e:
            bad.add(j)
            sink.add(j, index, header, v, e.rule, e.zh, e.en, spec.name)
    if kind == "int" and spec.nonnegative:
        _negatives(spec, out, index, header, raw, sink)
    return out, bad


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
            raise C.CellError("ledger.not_number", f"“{v}”是百分数，但该列不是比例",
                              f"'{v}' is a percentage but this column is not a ratio")
        raise C.CellError("ledger.unit_mismatch", f"“{v}”自带的单位{unit}与该列不符",
                          f"'{v}' carries the unit {unit}, which does not fit this column")
    return d, (found[1] if spec.dimension == U.RATIO else U.factor(unit, spec.unit))


_SLOW = object()


def _decimals(spec, raw, factor: Fraction, index, header, sink: Sink, bad: set[int]) -> list:
    """Number cells from calamine (floats; xlsx cannot hold NaN or infinity) in one comprehension,
    everything else (text, other types) through ``_parse``."""
    D = Decimal
    out: list = [(D(repr(v)) if v % 1 else D(int(v))) if type(v) is float else (None if v == "" or v is None else _SLOW)
                 for v in raw]
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
            sink.add(j, index, header, raw[j], "ledger.negative", f"“{spec.title}”不能为负数（{raw[j]}）",
                     f"'{spec.name}' cannot be negative ({raw[j]})", spec.name)


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
