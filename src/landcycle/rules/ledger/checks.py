"""Row-level checks after conversion: required values, code validity, duplicate natural keys, and
lower/upper pairs (容积率下限 ≤ 上限)."""

from __future__ import annotations

from .bind import Bound
from .convert import Sink
from .mapping import Mapping
from .schema import LedgerSchema


def required(bound: Bound, values: list, bad: set[int], sink: Sink) -> None:
    spec = bound.spec
    index = bound.columns[0][0]
    if not isinstance(values, list):  # a polars series (read_ledger(frame=True))
        values = values.to_list()
    for j, v in enumerate(values):
        if v is None and j not in bad:
            sink.add(
                j,
                index,
                bound.header,
                None,
                "ledger.required",
                f"“{spec.title}”为必填项，不能为空",
                f"'{spec.name}' is required and is empty",
                spec.name,
            )


def codes(bound: Bound, values: list, sink: Sink) -> None:
    spec = bound.spec
    index = bound.columns[0][0]
    check = spec.validate
    if check is None:  # the caller asks only for a field with a validator
        return
    for j, v in enumerate(values):
        if v is None:
            continue
        for p in check(v, spec.name):
            sink.add(j, index, bound.header, v, p.rule, p.zh, p.en, spec.name)


def duplicates(
    schema: LedgerSchema, bound: dict[str, Bound], values: dict[str, list], raw_rows: list, sink: Sink
) -> None:
    """Every occurrence of a natural key after the first, naming the row of the first."""
    if not schema.key or any(k not in bound for k in schema.key):
        return
    first = bound[schema.key[0]]
    index = first.columns[0][0]
    keys = (
        zip(*(values[k] for k in schema.key), strict=False)
        if len(schema.key) > 1
        else ((v,) for v in values[schema.key[0]])
    )
    seen: dict[tuple, int] = {}
    for j, key in enumerate(keys):
        if None in key:
            continue
        k = seen.setdefault(key, j)
        if k == j:
            continue
        row0 = sink.rownums[k]
        shown = " / ".join(str(x) for x in key)
        same = raw_rows[j] == raw_rows[k]
        zh = f"与第{row0}行重复（{'、'.join(schema.field(f).title for f in schema.key)}：{shown}）"
        en = f"Duplicates row {row0} ({', '.join(schema.key)}: {shown})"
        if same:
            zh, en = zh + "，整行相同", en + "; the whole row is the same"
        sink.add(j, index, first.header, shown, "ledger.duplicate_key", zh, en, schema.key[0])


def ranges(
    schema: LedgerSchema, bound: dict[str, Bound], values: dict[str, list], mapping: Mapping, sink: Sink
) -> list[tuple[int, str, str]]:
    """Report (or, where the mapping declares the source swaps them, swap) reversed lower/upper pairs."""
    swapped: list[tuple[int, str, str]] = []
    for lo, hi in schema.ranges:
        if lo not in values or hi not in values:
            continue
        low, high = values[lo], values[hi]
        swap = (lo, hi) in mapping.swap_reversed
        for j, (a, b) in enumerate(zip(low, high, strict=False)):
            if a is None or b is None or a <= b:
                continue
            if swap:
                low[j], high[j] = b, a
                swapped.append((sink.rownums[j], lo, hi))
                continue
            col = bound[lo]
            sink.add(
                j,
                col.columns[0][0],
                col.header,
                a,
                "ledger.range_reversed",
                f"“{schema.field(lo).title}”（{a}）大于“{schema.field(hi).title}”（{b}）",
                f"'{lo}' ({a}) is greater than '{hi}' ({b})",
                lo,
            )
    return swapped
