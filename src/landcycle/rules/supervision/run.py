"""Supervising a whole contract ledger on a day (the engine of ``landcycle supervise``): read it with the
ledger reader, turn rows into contracts, evaluate each, and collect the rows that cannot be supervised
(flagged by the reader, or refused by ``validate_contract``) as problems. No database, no Django.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from ..ledger import LedgerUnusable, Mapping, ReadLimits
from ..ledger.detect import read_detected
from ..problems import RuleError
from .assessment import Assessment
from .contract import Contract
from .evaluate import evaluate_contract
from .findings import COLOURS
from .ledger_rows import SUPERVISED_LAND_SUPPLY, fmt, is_selected, ledger_field, row_to_contract
from .policy import WarningPolicy, load_policy


@dataclass(frozen=True)
class RowProblem:
    sheet: str
    row: int
    column: str
    value: str
    rule: str
    zh: str
    en: str
    field: str = ""

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class SupervisedRow:
    sheet: str
    row: int
    contract: Contract
    assessment: Assessment


@dataclass
class Report:
    as_of: dt.date
    policy: WarningPolicy
    source: dict
    rows_read: int
    selected: int
    selection: str
    supervised: list[SupervisedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    mapping: str | None = None  # the shipped mapping recognised from the header, if one was

    @property
    def problem_rows(self) -> int:
        return len({(p.sheet, p.row) for p in self.problems if p.row > self.source.get("header_row", 0)})

    def summary(self) -> dict:
        a = [s.assessment for s in self.supervised]
        colours = Counter(x.colour for x in a)
        fees = [x.fee_wan for x in a if x.fee_wan is not None]
        rules = Counter(r for x in a for r in dict.fromkeys(x.rules))
        return {
            "rows_read": self.rows_read,
            "selected": self.selected,
            "supervised": len(a),
            "not_supervised": self.problem_rows,
            **{c: colours.get(c, 0) for c in COLOURS},
            "idle": sum(x.idle for x in a),
            "idle_exempt": sum(x.idle and x.exempt for x in a),
            "take_back": sum(x.take_back for x in a),
            "fee_due_count": len(fees),
            "fees_wan": sum(fees, Decimal("0.00")),
            "fee_unknown": sum(x.fee_unknown for x in a),
            "by_rule": dict(sorted(rules.items())),
        }


def supervise_ledger(
    source: str | os.PathLike | bytes | BinaryIO,
    *,
    as_of: dt.date,
    mapping: dict | Mapping | None = None,
    policy: WarningPolicy | None = None,
    industrial_only: bool = False,
    sheet: str | None = None,
    filename: str | None = None,
    limits: ReadLimits | None = None,
) -> Report:
    """Raises ``LedgerUnusable`` when the file cannot be a contract ledger at all (or breaks ``limits``)."""
    policy = policy or load_policy()
    result, recognised = read_detected(
        source,
        SUPERVISED_LAND_SUPPLY,
        mapping=mapping,  # type: ignore[arg-type]  # read_detected hands it to read_ledger, which takes a Mapping too
        sheet=sheet,
        filename=filename,
        limits=limits,
    )
    fields = set(result.fields)
    headers = {c.field: c.header for c in result.columns if c.field}
    if industrial_only and "land_use" not in fields:
        raise LedgerUnusable(
            "按工业用地筛选需要“土地用途”列，但文件中没有",
            "--industrial-only needs a land-use column, and the file has none",
            rule="supervise.no_land_use",
        )
    rows = result.rows
    if industrial_only:
        rows = [r for r in rows if is_selected(r, policy.industrial_land_use)]
        selection = "土地用途含" + "、".join(policy.industrial_land_use)
    else:
        selection = "全部"
    report = Report(
        as_of,
        policy,
        {
            "format": result.format,
            "sheet": result.sheet,
            "encoding": result.encoding,
            "header_row": result.header_row,
        },
        len(result.rows),
        len(rows),
        selection,
        mapping=recognised,
    )
    if recognised:
        report.notes.append(
            (f"按表头识别为随产品提供的格式“{recognised}”", f"recognised the shipped layout {recognised}")
        )
    data_rows = {r["_row"] for r in result.rows}
    chosen = {r["_row"] for r in rows}
    flagged = set()
    for p in result.problems:
        if p.row in data_rows and p.row not in chosen:
            continue
        flagged.add(p.row)
        report.problems.append(RowProblem(p.sheet, p.row, p.column, fmt(p.value), p.rule, p.zh, p.en, p.field))
    if "agreed_start" not in fields:
        report.notes.append(
            (
                "文件中没有“约定开工时间”列，闲置土地和开工期限无法判定",
                "the file has no agreed start column: idle land and start dates cannot be judged",
            )
        )
    if not any(
        m in fields
        for m in (
            "measured_investment_intensity",
            "measured_plot_ratio",
            "measured_tax_per_mu",
            "measured_energy_per_value_added",
            "measured_emissions_per_value_added",
            "measured_rnd_share",
        )
    ):
        report.notes.append(
            (
                "文件中没有竣工验收或达产复核的实测值列，未核查承诺指标",
                "the file has no measured values of completion acceptance or production review: "
                "commitments were not checked",
            )
        )
    for r in rows:
        if r["_row"] in flagged:
            continue
        contract = row_to_contract(r, policy, fields)
        try:
            assessment = evaluate_contract(contract, as_of, policy)
        except RuleError as e:
            for q in e.problems:
                name = ledger_field(q.field, contract)
                value = r.get(name)
                report.problems.append(
                    RowProblem(r["_sheet"], r["_row"], headers.get(name, name), fmt(value), q.rule, q.zh, q.en, name)
                )
            continue
        report.supervised.append(SupervisedRow(r["_sheet"], r["_row"], contract, assessment))
    report.problems.sort(key=lambda p: (p.row, p.column))
    return report
