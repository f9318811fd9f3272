"""What an import will do (or did), row by row: the plan a preview shows and the report a command prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from landcycle.rules.ledger import LedgerProblem, LedgerResult

CREATE, UPDATE, UNCHANGED, INVALID = "create", "update", "unchanged", "invalid"
ACTION_ZH = {CREATE: "新增", UPDATE: "更新", UNCHANGED: "未变", INVALID: "有问题"}


def plain(value: Any) -> Any:
    """A value as JSON and a message can carry it."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    return str(value)


@dataclass
class RowPlan:
    """One data row: its natural key, what the import does with it and, for an update, each changed
    field as (before, after) in display form."""

    sheet: str
    row: int
    key: str
    action: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    obj: Any = field(default=None, repr=False, compare=False)
    before: dict | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "key": self.key,
            "action": self.action,
            "changes": {k: [plain(a), plain(b)] for k, (a, b) in self.changes.items()},
        }


def problem_dict(p: LedgerProblem) -> dict:
    return {
        "sheet": p.sheet,
        "row": p.row,
        "column": p.column,
        "value": plain(p.value),
        "rule": p.rule,
        "zh": p.zh,
        "en": p.en,
        "field": p.field,
    }


def problem_from_dict(d: dict) -> LedgerProblem:
    return LedgerProblem(
        d.get("sheet", ""),
        d.get("row", 0),
        d.get("column", ""),
        d.get("value"),
        d.get("rule", ""),
        d.get("zh", ""),
        d.get("en", ""),
        d.get("field", ""),
    )


def format_problem(p: LedgerProblem) -> str:
    where = f"{p.sheet} 第{p.row}行 / row {p.row}" if p.row else p.sheet
    column = f" [{p.column}]" if p.column else ""
    value = f" “{p.value}”" if p.value not in (None, "") and str(p.value) not in p.zh else ""
    return f"{where}{column}{value} {p.rule}: {p.zh} / {p.en}"


@dataclass
class ImportReport:
    """The outcome of ``ledger_import``. ``status`` is ``imported`` (written), ``refused`` (problems:
    nothing written) or ``dry_run`` (checked, nothing written). Counts are what the plan does (or would
    do); ``invalid`` rows have problems."""

    kind: str
    filename: str
    sha256: str
    status: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    skipped: int = 0
    problems: list[LedgerProblem] = field(default_factory=list)
    plan: list[RowPlan] = field(default_factory=list)
    result: LedgerResult | None = None
    audit_entries: int = 0
    batch: Any = None
    source: bytes | None = field(default=None, repr=False)
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def imported(self) -> bool:
        return self.status == "imported"

    @property
    def changed(self) -> int:
        return self.created + self.updated

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.invalid

    def summary(self) -> str:
        """The outcome in one line (Chinese / English), with the importer's note when it has one."""
        text = self._summary()
        return f"{text}\n{self.note}" if self.note and self.status != "refused" else text

    def _summary(self) -> str:
        counts_zh = f"新增{self.created}，更新{self.updated}，未变{self.unchanged}，跳过{self.skipped}行"
        counts_en = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.skipped} rows skipped"
        )
        if self.status == "refused":
            return (
                f"拒绝导入：{len(self.problems)}个问题（{self.invalid}行），未写入任何数据 / refused: "
                f"{len(self.problems)} problems in {self.invalid} rows, nothing written"
            )
        if self.status == "dry_run":
            return f"试运行，未写入：将{counts_zh} / dry run, nothing written: would be {counts_en}"
        if not self.changed:
            return (
                f"无变化：{self.unchanged}行均与登记一致（跳过{self.skipped}行） / nothing changed: all "
                f"{self.unchanged} rows are already recorded ({self.skipped} rows skipped)"
            )
        return f"已导入：{counts_zh} / imported: {counts_en}"

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "skipped": self.skipped,
            "problems": len(self.problems),
        }
