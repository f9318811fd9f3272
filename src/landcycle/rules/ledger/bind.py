"""Binding header columns to schema fields, and deciding each column's unit.

A column is matched, in order, by the user's mapping, then by the alias table: on its full
``parent/child`` name, on the child alone, on the parent when the child is only a unit (用地面积 / 亩),
and finally as a *part* of the parent's field when several columns of one group add up to one
quantity (用地面积 / 自有用地（亩） + 用地面积 / 租赁用地（平方米）).

A numeric field with a unit takes the unit from, in order: the header, a units row under it, the
mapping's ``[units]``, a "单位：万元" line above the header, or the field's own name used as the header
(``area_m2``). A column whose unit cannot be told is not used and is reported, never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from . import units as U
from .header import Header, HeaderCol
from .mapping import Mapping
from .result import ColumnBinding, LedgerProblem, LedgerUnusable
from .schema import FieldSpec, LedgerSchema, header_keys


@dataclass
class Match:
    spec: FieldSpec
    unit: str | None
    implied: bool = False
    part: bool = False
    via: str = "alias"


def column_letter(index: int) -> str:
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


class Matcher:
    def __init__(self, schema: LedgerSchema, mapping: Mapping):
        self.schema, self.mapping = schema, mapping
        # (key, unit) of each mapped header: "税收" matches "税收（万元）", "自有（亩）" only a 亩 column
        self._mapped: dict[tuple[str, str | None], str] = {}
        for name, headers in mapping.fields.items():
            for h in headers:
                for sig in signatures(h):
                    self._mapped.setdefault(sig, name)
        self._units = {sig: u for h, u in mapping.units.items() for sig in signatures(h)[:1]}

    def match_text(self, text: str) -> Match | None:
        keys = header_keys(text)
        for key, unit in keys:
            name = self._mapped.get((key, _unit_sig(unit))) or self._mapped.get((key, None))
            if name:
                return Match(self.schema.field(name), unit, via="mapping")
        hit = self.schema.lookup(text)
        if hit and hit[0].name not in self.mapping.fields:
            return Match(hit[0], hit[1], hit[2])
        return None

    def match_column(self, col: HeaderCol) -> Match | None:
        if len(col.parts) == 1:
            return self.match_text(col.parts[0])
        parent, child = col.parts
        parent_unit = _bracket_unit(parent)
        m = self.match_text(col.text) or self.match_text(child)
        if m:
            m.unit = m.unit or parent_unit
            return m
        child_unit = child.strip("()（）[]【】")
        if U.is_unit(child_unit):
            m = self.match_text(parent)
            if m:
                m.unit = child_unit
                return m
        m = self.match_text(parent)
        if m and m.spec.kind == "decimal" and m.spec.summable and m.spec.dimension:
            m.unit = _bracket_unit(child) or parent_unit
            m.part = True
            return m
        return None

    def score(self, cols: list[HeaderCol]) -> int:
        return len({m.spec.name for m in map(self.match_column, cols) if m})

    def mapping_unit(self, col: HeaderCol) -> str | None:
        for text in (col.text, col.parts[-1]):
            for key, unit in signatures(text)[:1]:
                found = self._units.get((key, unit)) or self._units.get((key, None))
                if found:
                    return found
        return None


def _unit_sig(unit: str | None) -> str | None:
    found = U.lookup(unit)
    return None if found is None else f"{found[0]}:{found[1]}"


def signatures(text: str) -> list[tuple[str, str | None]]:
    """(key, unit identity) pairs of a header: 平方米 and ㎡ are the same unit."""
    return [(k, _unit_sig(u)) for k, u in header_keys(text)]


def _bracket_unit(text: str) -> str | None:
    keys = header_keys(text)
    return keys[0][1] if keys else None


@dataclass
class Bound:
    """A field's source: one column, or several parts that add up."""

    spec: FieldSpec
    columns: list[tuple[int, Fraction, str]]  # (column index, factor to the field's unit, header text)
    header: str  # the header problems about the whole field name (the group's, for parts)


def _problem(sheet, row, col: HeaderCol, rule, zh, en, field="") -> LedgerProblem:
    return LedgerProblem(sheet, row, col.text, col.text, rule, zh, en, field)


def bind(
    header: Header, matcher: Matcher, sheet: str
) -> tuple[list[ColumnBinding], dict[str, Bound], list[LedgerProblem]]:
    schema, mapping = matcher.schema, matcher.mapping
    hrow = header.top + header.height  # problems about headers point at the (last) header row
    problems: list[LedgerProblem] = []
    found: dict[str, list[tuple[HeaderCol, Match]]] = {}
    for col in header.columns:
        m = matcher.match_column(col)
        if m:
            found.setdefault(m.spec.name, []).append((col, m))
    used: dict[int, tuple[str | None, str | None, str | None, Fraction | None, bool, str]] = {}
    bound: dict[str, Bound] = {}
    for name, hits in found.items():
        spec = schema.field(name)
        combine = len(hits) > 1 and (
            all(m.part for _c, m in hits)
            and len({c.parts[0] for c, _m in hits}) == 1
            or len(mapping.fields.get(name, ())) > 1
        )
        if len(hits) > 1 and not combine:
            names = "、".join(f"“{c.text}”" for c, _m in hits)
            problems.append(
                _problem(
                    sheet,
                    hrow,
                    hits[1][0],
                    "ledger.column_ambiguous",
                    f"多列都对应字段“{spec.title}”：{names}；请在映射中指定使用哪一列",
                    f"Several columns match the field '{name}': "
                    f"{', '.join(c.text for c, _m in hits)}; say which one in a mapping",
                    name,
                )
            )
            for c, _m in hits[1:]:
                used[c.index] = (None, None, None, None, False, f"also matches {name}")
            hits = hits[:1]
        parts = []
        for col, m in hits:
            resolved = _resolve_unit(spec, col, m, header, matcher, sheet, hrow, problems)
            if resolved is None:
                used[col.index] = (None, None, None, None, False, f"unit of {name} unknown")
                continue
            unit, source, f = resolved
            used[col.index] = (name, unit, source, f, combine, "")
            parts.append((col.index, f, col.text))
        if parts:
            first = hits[0][0]
            bound[name] = Bound(spec, parts, first.parts[0] if combine and hits[0][1].part else first.text)
    present = {sig for c in header.columns for t in {c.text, c.parts[-1]} for sig in signatures(t)}
    present |= {(k, None) for k, _u in present}
    for name, headers in mapping.fields.items():
        for h in headers:
            sigs = signatures(h)
            if not sigs or sigs[0] not in present:
                problems.append(
                    LedgerProblem(
                        sheet,
                        hrow,
                        h,
                        h,
                        "ledger.mapping_missing",
                        f"映射为“{name}”指定的表头“{h}”在表中找不到",
                        f"The header '{h}' the mapping gives for '{name}' is not in the sheet",
                        name,
                    )
                )
    missing = [f for f in schema.required if f.name not in found]
    if missing:
        raise LedgerUnusable(
            f"第{header.top + 1}行的表头缺少必填列：{'、'.join(f.title for f in missing)}",
            f"The header in row {header.top + 1} lacks required columns: {', '.join(f.name for f in missing)}",
            rule="ledger.required_column",
        )
    columns = []
    for col in header.columns:
        field_name, unit, source, f, part, note = used.get(col.index, (None, None, None, None, False, ""))
        columns.append(
            ColumnBinding(
                col.index, column_letter(col.index), col.text, field_name, unit, source, f if unit else None, part, note
            )
        )
    return columns, bound, problems


def _resolve_unit(spec, col, m, header, matcher, sheet, hrow, problems):
    """(unit, where it came from, factor) or None after reporting why the column cannot be used."""
    dim = spec.dimension
    if dim is None:
        return None, None, Fraction(1)
    mapped = matcher.mapping_unit(col)
    candidates = [
        (m.unit, "header"),
        (col.unit_row, "units_row"),
        (mapped, "mapping"),
        (header.title_units.get(dim), "title"),
        (spec.unit if m.implied else None, "name"),
    ]
    unit, source = next(((u, s) for u, s in candidates if u), (None, None))
    if mapped and unit and source != "mapping" and U.lookup(mapped) != U.lookup(unit):
        problems.append(
            _problem(
                sheet,
                hrow,
                col,
                "ledger.unit_conflict",
                f"“{col.text}”的表头单位为{unit}，映射却声明为{mapped}",
                f"'{col.text}' says its unit is {unit} but the mapping declares {mapped}",
                spec.name,
            )
        )
        return None
    if unit is None:
        if dim == U.RATIO:
            return None, None, Fraction(1)
        problems.append(
            _problem(
                sheet,
                hrow,
                col,
                "ledger.unit_missing",
                f"“{col.text}”未注明单位（应为{U.DIMENSION_ZH[dim]}单位，如{spec.unit}），"
                "请在表头括号中注明或在映射 [units] 中声明",
                f"'{col.text}' does not say its unit (a {dim} unit such as {spec.unit}): "
                "write it in brackets in the header or declare it in the mapping's [units]",
                spec.name,
            )
        )
        return None
    found = U.lookup(unit)
    if found[0] != dim:
        problems.append(
            _problem(
                sheet,
                hrow,
                col,
                "ledger.unit_mismatch",
                f"“{col.text}”的单位{unit}不是{U.DIMENSION_ZH[dim]}单位",
                f"The unit {unit} of '{col.text}' is not a {dim} unit",
                spec.name,
            )
        )
        return None
    f = found[1] if dim == U.RATIO else U.factor(unit, spec.unit)
    return unit, source, f
