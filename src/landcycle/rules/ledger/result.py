"""What reading a ledger returns: typed rows, problems, skipped rows, and how columns were understood."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


class LedgerUnusable(Exception):
    """The file cannot be read as this ledger at all (not a spreadsheet, undecodable, no header with the
    required fields, a broken mapping). The command line maps it to exit code 2."""

    def __init__(self, zh: str, en: str, rule: str = "ledger.unusable"):
        self.zh, self.en, self.rule = zh, en, rule
        super().__init__(f"{zh} / {en}")

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"


class MappingError(LedgerUnusable):
    """A mapping (TOML file or dict) names a field the ledger does not have, or is malformed."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh, en, rule="ledger.mapping")


@dataclass(frozen=True)
class LedgerProblem:
    """One problem, located as the user sees it: sheet, 1-based row number, column header text."""

    sheet: str
    row: int
    column: str
    value: Any
    rule: str
    zh: str
    en: str
    field: str = ""

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"

    def __str__(self) -> str:  # pragma: no cover - convenience
        return f"{self.sheet}!{self.row} [{self.column}] {self.rule}: {self.message}"


@dataclass(frozen=True)
class SkippedRow:
    """A row that is not data: ``blank``, ``total`` (小计/合计/总计), ``note`` (注：/说明：), ``signature``
    (填报人：…), ``header`` (the header repeated) or ``column_numbers`` (a 甲 乙 1 2 3 … row)."""

    sheet: str
    row: int
    reason: str
    zh: str
    en: str
    text: str = ""


@dataclass(frozen=True)
class ColumnBinding:
    """How one source column was understood. ``field`` is None for columns the ledger does not use;
    ``part`` is True when several columns of one group add up to one field."""

    index: int
    letter: str
    header: str
    field: str | None
    unit: str | None = None
    unit_source: str | None = None  # header | units_row | title | mapping | name
    factor: Fraction | None = None
    part: bool = False
    note: str = ""


@dataclass
class LedgerResult:
    schema: str
    sheet: str
    format: str
    rows: list[dict[str, Any]]
    problems: list[LedgerProblem]
    skipped: list[SkippedRow]
    header_row: int
    header_rows: tuple[int, ...]
    columns: list[ColumnBinding]
    encoding: str | None = None
    swapped: list[tuple[int, str, str]] = field(default_factory=list)
    frame: Any = (
        None  # read_ledger(frame=True): a polars DataFrame (_row, _sheet, one typed column per field), rows empty
    )
    titles: tuple[str, ...] = ()  # the texts of the cells above the header (a title such as "2025年度…")

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fields(self) -> list[str]:
        """The schema fields this file provides (in schema order of first appearance)."""
        seen: list[str] = []
        for c in self.columns:
            if c.field and c.field not in seen:
                seen.append(c.field)
        return seen

    @property
    def mapping(self) -> dict[str, str | None]:
        """Source header -> field (None when the column is not used)."""
        return {c.header: c.field for c in self.columns}

    def column(self, name: str) -> list[Any]:
        """One field's values in row order (for column-wise work)."""
        return [r.get(name) for r in self.rows]

    def problems_at(self, row: int) -> list[LedgerProblem]:
        return [p for p in self.problems if p.row == row]
