"""Field specifications and ledger schemas: what a ledger's columns mean, how headers name them.

A header matches a field through its aliases after normalisation (NFKC, spaces and ``* _ - : ：``
dropped, lower case, a unit in brackets taken out and remembered). The field's own English name
(``area_m2``, ``energy_tce``) is always an alias too, and implies the field's own unit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cached_property

from landcycle.rules.problems import Problem

from . import units as U
from .cells import enum_key

KINDS = ("text", "code", "int", "decimal", "date", "enum", "bool")

_BRACKET = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|【([^【】]*)】|〔([^〔〕]*)〕")
_DROP = str.maketrans("", "", "*_-:：'\"“”‘’")


def norm_key(text: str) -> str:
    s = unicodedata.normalize("NFKC", str(text))
    return "".join(s.split()).translate(_DROP).lower()


def header_keys(text: str) -> list[tuple[str, str | None]]:
    """Candidate (key, unit) pairs for a header text, best first.

    ``"实缴税收（万元）"`` -> ``[("实缴税收", "万元")]``; ``"行业代码(GB/T 4754-2017)"`` ->
    ``[("行业代码(gb/t47542017)", None), ("行业代码", None)]``; ``"面积亩"`` -> ``[("面积亩", None),
    ("面积", "亩")]``. A bracket holding a rate (万元/亩, 每亩) is kept: it names another quantity.
    """
    s = "".join(unicodedata.normalize("NFKC", str(text)).split())
    unit = None
    full = bare = s
    for m in _BRACKET.finditer(s):
        content = next(g for g in m.groups() if g is not None)
        if unit is None and U.is_unit(content):
            unit = content
            full = full.replace(m.group(0), "", 1)
            bare = bare.replace(m.group(0), "", 1)
        elif not _is_rate(content):
            bare = bare.replace(m.group(0), "", 1)
    keys = [(norm_key(full), unit)]
    if bare != full:
        keys.append((norm_key(bare), unit))
    if unit is None:
        split = U.split_suffix(norm_key(bare))
        if split:
            keys.append(split)
    return [(k, u) for k, u in keys if k]


def _is_rate(content: str) -> bool:
    """万元/亩, 吨标准煤/万元, 每亩: a quantity per something, which names another field."""
    return "每" in content or ("/" in content and any(U.is_unit(p) for p in content.split("/")))


Validator = Callable[[str, str], list[Problem]]


@dataclass(frozen=True, eq=False)
class FieldSpec:
    """One field of a ledger.

    ``unit`` is the unit the value is returned in (its dimension follows: 亩/平方米 area, 万元 money,
    吨标准煤 energy, 万千瓦时 electricity, 吨 mass); a numeric field with a unit needs the source to say
    its unit. ``ratio`` fields take "3.5%" as 0.035. ``enum`` maps labels (Chinese, English, the stored
    values themselves) to stored values. ``validate(value, field)`` returns the problems of a code.
    ``key`` marks a part of the natural key. ``places`` is where a non-terminating conversion is rounded.
    """

    name: str
    kind: str = "text"
    unit: str | None = None
    required: bool = False
    aliases: tuple[str, ...] = ()
    label: str = ""
    enum: dict[str, str] | None = None
    validate: Validator | None = None
    key: bool = False
    places: int = 2
    nonnegative: bool = False
    ratio: bool = False
    suffixes: tuple[str, ...] = ()
    summable: bool = True

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if self.unit is not None and U.lookup(self.unit) is None:
            raise ValueError(f"{self.name}: unknown unit {self.unit!r}")
        if self.kind == "enum" and not self.enum:
            raise ValueError(f"{self.name}: an enum field needs its labels")

    @property
    def dimension(self) -> str | None:
        if self.ratio:
            return U.RATIO
        return U.dimension_of(self.unit)

    @property
    def title(self) -> str:
        """The Chinese header a template writes: label with its unit, e.g. 实缴税收（万元）."""
        text = self.label or (self.aliases[0] if self.aliases else self.name)
        return f"{text}（{self.unit}）" if self.unit else text

    @cached_property
    def enum_table(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for label, value in (self.enum or {}).items():
            table[enum_key(label)] = value
            table.setdefault(enum_key(value), value)
        return table

    @property
    def enum_labels(self) -> tuple[str, ...]:
        """One Chinese label per stored value, for messages and template dropdowns."""
        values: set[str] = set()
        out: list[str] = []
        for label, value in (self.enum or {}).items():
            if value not in values and not label.isascii():
                values.add(value)
                out.append(label)
        return tuple(out)


def text(name, *aliases, **kw) -> FieldSpec:
    return FieldSpec(name, "text", aliases=aliases, **kw)


def code(name, *aliases, **kw) -> FieldSpec:
    return FieldSpec(name, "code", aliases=aliases, **kw)


def decimal(name, unit, *aliases, **kw) -> FieldSpec:
    return FieldSpec(name, "decimal", unit=unit, aliases=aliases, **kw)


def integer(name, *aliases, **kw) -> FieldSpec:
    return FieldSpec(name, "int", aliases=aliases, **kw)


def date(name, *aliases, **kw) -> FieldSpec:
    return FieldSpec(name, "date", aliases=aliases, **kw)


def enum(name, table, *aliases, **kw) -> FieldSpec:
    return FieldSpec(name, "enum", enum=dict(table), aliases=aliases, **kw)


@dataclass(frozen=True, eq=False)
class LedgerSchema:
    """A ledger: its fields, natural key, hints for picking the sheet, and ordered pairs (lower, upper)
    whose reversal is reported (or, when a mapping declares it, swapped)."""

    name: str
    title_zh: str
    title_en: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...] = ()
    sheet_hints: tuple[str, ...] = ()
    ranges: tuple[tuple[str, str], ...] = ()
    notes: str = ""
    _index: dict = dc_field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate field names")
        for k in self.key:
            if k not in names:
                raise ValueError(f"{self.name}: key field {k!r} is not a field")
        for lo, hi in self.ranges:
            if lo not in names or hi not in names:
                raise ValueError(f"{self.name}: range ({lo}, {hi}) names an unknown field")
        index: dict[str, tuple[str, bool]] = {}
        for f in self.fields:
            entries = [(norm_key(f.name), True)] + [(header_keys(a)[0][0], False) for a in (f.label, *f.aliases) if a]
            for key, implied in entries:
                other = index.get(key)
                if other and other[0] != f.name:
                    raise ValueError(f"{self.name}: alias {key!r} names both {other[0]} and {f.name}")
                index.setdefault(key, (f.name, implied))
        self._index.update(index)

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.required]

    def lookup(self, header: str) -> tuple[FieldSpec, str | None, bool] | None:
        """(field, unit written in the header, True when the header is the field's own name — which
        implies the field's unit); None when no alias matches."""
        for key, unit in header_keys(header):
            hit = self._index.get(key)
            if hit:
                return self.field(hit[0]), unit, hit[1]
        return None
