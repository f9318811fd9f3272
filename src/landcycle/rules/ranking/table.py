"""Any table of units × indicators read from a file (.xlsx / .xls / .ods / .csv through the product's reader,
``rules.ledger.sources``), for ``landcycle rank``.

Without a policy: the first text column names the units, every numeric column is an indicator, higher is better
unless its header marks it as the reverse (“（逆向）”, “(逆向)”, “（越小越好）” or “(lower is better)”); the index is
built by ``default_policy`` (one dimension, equal weights, min-max, arithmetic mean). With a policy: each indicator
(and denominator, and the imputation group) is found by its key, its Chinese or English name, or its Chinese name
followed by a unit in brackets. Pure Python, no Django.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import numpy as np

from ..ledger.cells import CellError, clean_text, is_missing, parse_number
from ..ledger.header import cell_text
from ..ledger.limits import ReadLimits
from ..ledger.result import LedgerUnusable
from ..ledger.sources import open_source
from .engine import Table
from .policy import Dimension, IndexPolicy, Indicator, Methods, MonteCarlo, Treat

REVERSED = re.compile(r"[（(]\s*(逆向|逆指标|越小越好|lower is better|reversed)\s*[）)]", re.IGNORECASE)
_TOTALS = ("合计", "小计", "总计", "平均", "均值", "全县", "全市", "total", "average")
_BRACKETS = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


@dataclass(frozen=True)
class Column:
    index: int  # position in the sheet
    header: str
    name: str  # the header without the reversal mark
    direction: int


@dataclass
class ReadTable:
    """What was read: the sheet, the unit column, the indicator columns, the table for the engine, and the
    problems (each a dict: sheet, row, column, value, rule, zh, en)."""

    sheet: str
    unit_column: str
    columns: list[Column]
    table: Table
    rows: list[int]  # 1-based sheet row of each unit
    problems: list[dict] = field(default_factory=list)


def _number(v: object) -> float | None:
    """The cell as a number, ``None`` when missing; raises ``CellError`` when it is not a number."""
    if is_missing(v):
        return None
    d, unit, percent = parse_number(v)
    if d is None:
        return None
    return float(d)


def _is_number(v: object) -> bool:
    try:
        return _number(v) is not None
    except CellError:
        return False


def _header_row(rows: list[list]) -> int:
    """The first row with at least two cells of text that are not numbers (the header)."""
    for i, row in enumerate(rows[:30]):
        labels = [v for v in row if isinstance(v, str) and v.strip() and not _is_number(v)]
        if len(labels) >= 2:
            return i
    raise LedgerUnusable(
        "找不到表头：前30行中没有至少两个文字单元格的行",
        "no header found: none of the first 30 rows has two text cells",
        rule="rank.no_header",
    )


def _load(path: str | os.PathLike[str], sheet: str | None, limits: ReadLimits | None) -> tuple[str, list[list]]:
    src = open_source(path, limits=limits)
    names = src.sheet_names
    if sheet is not None:
        if sheet not in names:
            raise LedgerUnusable(f"没有工作表“{sheet}”", f"there is no sheet '{sheet}'", rule="rank.sheet")
        return sheet, src.load(sheet).rows
    for name in names:
        rows = src.load(name).rows
        if any(any(not is_missing(v) for v in r) for r in rows):
            return name, rows
    raise LedgerUnusable("文件中没有数据", "the file holds no data", rule="ledger.empty")


def _data_rows(rows: list[list], top: int) -> list[int]:
    out = []
    for i in range(top + 1, len(rows)):
        r = rows[i]
        if all(is_missing(v) for v in r):
            continue
        out.append(i)
    return out


def _unit_column(rows: list[list], header: list, data: list[int]) -> int:
    for j in range(len(header)):
        cells = [rows[i][j] for i in data if j < len(rows[i]) and not is_missing(rows[i][j])]
        if cells and sum(not _is_number(v) for v in cells) * 2 > len(cells):
            return j
    raise LedgerUnusable(
        "找不到单位名称列：没有以文字为主的列",
        "no column of unit names: no column holds mostly text",
        rule="rank.no_units",
    )


def _numeric_columns(rows: list[list], header: list, data: list[int], skip: set[int]) -> list[int]:
    out = []
    for j, h in enumerate(header):
        if j in skip or not cell_text(h):
            continue
        cells = [rows[i][j] for i in data if j < len(rows[i]) and not is_missing(rows[i][j])]
        numbers = sum(_is_number(v) for v in cells)
        if numbers and numbers * 2 >= len(cells):
            out.append(j)
    return out


def _strip_mark(header: str) -> tuple[str, int]:
    if REVERSED.search(header):
        return REVERSED.sub("", header).strip(), -1
    return header, 1


def _problem(sheet: str, row: int, column: str, value: object, rule: str, zh: str, en: str) -> dict:
    return {"sheet": sheet, "row": row, "column": column, "value": value, "rule": rule, "zh": zh, "en": en}


def _values(rows: list[list], data: list[int], cols: list[int], headers: list[str], sheet: str, problems: list[dict]):
    x = np.full((len(data), len(cols)), np.nan)
    for r, i in enumerate(data):
        for c, j in enumerate(cols):
            v = rows[i][j] if j < len(rows[i]) else None
            try:
                n = _number(v)
            except CellError as e:
                problems.append(_problem(sheet, i + 1, headers[c], cell_text(v), e.rule, e.zh, e.en))
                continue
            if n is not None:
                x[r, c] = n
    return x


def _units(rows: list[list], data: list[int], uc: int, sheet: str, header: str, problems: list[dict]) -> list[int]:
    """The data rows that name a unit (rows of totals and rows without a name are left out, with a problem for
    the latter; a name given twice is a problem and its second row is left out)."""
    kept, seen = [], set()
    for i in data:
        name = clean_text(rows[i][uc]) if uc < len(rows[i]) else None
        if name is None:
            problems.append(
                _problem(
                    sheet,
                    i + 1,
                    header,
                    None,
                    "rank.no_unit",
                    "该行没有单位名称，未参加排名",
                    "no unit name: not ranked",
                )
            )
            continue
        if name.replace(" ", "").lower() in _TOTALS:
            continue
        if name in seen:
            problems.append(
                _problem(
                    sheet,
                    i + 1,
                    header,
                    name,
                    "rank.duplicate_unit",
                    "单位名称重复，该行未参加排名",
                    "unit named twice",
                )
            )
            continue
        seen.add(name)
        kept.append(i)
    return kept


def read_any(path: str | os.PathLike[str], *, sheet: str | None = None, limits: ReadLimits | None = None) -> ReadTable:
    """A table without a policy: the first text column, every numeric column."""
    name, rows = _load(path, sheet, limits)
    top = _header_row(rows)
    header = rows[top]
    data = _data_rows(rows, top)
    uc = _unit_column(rows, header, data)
    problems: list[dict] = []
    data = _units(rows, data, uc, name, cell_text(header[uc]), problems)
    cols = _numeric_columns(rows, header, data, {uc})
    if not cols:
        raise LedgerUnusable("没有数值列（指标）", "no numeric column (indicator) found", rule="rank.no_indicators")
    columns = [Column(j, cell_text(header[j]), *_strip_mark(cell_text(header[j]))) for j in cols]
    x = _values(rows, data, cols, [c.header for c in columns], name, problems)
    units = tuple(str(clean_text(rows[i][uc])) for i in data)
    return ReadTable(name, cell_text(header[uc]), columns, Table(units, x), [i + 1 for i in data], problems)


def default_policy(columns: list[Column]) -> IndexPolicy:
    """The index used without a policy: every indicator in one dimension, equal weights, no denominators, no
    imputation and no outlier treatment in the official result, min-max, arithmetic mean; the Monte Carlo of the
    shipped policy (1,000 runs, weights ±25 %, four normalisations, three aggregations, imputation on/off)."""
    indicators = tuple(
        Indicator(f"c{c.index}", c.name, c.name, c.direction, "", "输入表格 / the input table", 1.0) for c in columns
    )
    return IndexPolicy(
        version="default",
        hash="",
        title_zh="默认综合指数（等权、极差标准化、算术平均）",
        title_en="Default index (equal weights, min-max, arithmetic mean)",
        dimensions=(Dimension("index", "综合", "Index", 1.0, indicators),),
        denominators={},
        methods=Methods(
            denominate=False,
            impute="none",
            treat=Treat(method="none"),
            normalise="minmax",
            weights="equal",
        ),
        monte_carlo=MonteCarlo(
            runs=1000,
            seed=17,
            weight_range=0.25,
            normalisations=("minmax", "efficacy", "rank", "zscore"),
            aggregations=("arithmetic", "geometric", "topsis"),
            imputation=(False, True),
        ),
    )


DEFAULTS_USED = [
    (
        "第一个文字列为单位名称，每个数值列为一个指标",
        "the first text column names the units, every numeric column is an indicator",
    ),
    (
        "表头标有“（逆向）”或“(lower is better)”的指标越小越好，其余越大越好",
        "an indicator is lower-is-better when its header says “（逆向）” or “(lower is better)”, else higher-is-better",
    ),
    ("等权重", "equal weights"),
    ("极差标准化（0–100）", "min-max normalisation (0–100)"),
    ("加权算术平均，缺失值不计入", "weighted arithmetic mean, missing values left out"),
    ("不除以分母、不插补、不处理异常值", "no denominators, no imputation, no outlier treatment"),
    (
        "默认蒙特卡洛：权重±25%，四种标准化、三种合成方法，插补开/关",
        "default Monte Carlo: weights ±25 %, four normalisations, three aggregations, imputation on/off",
    ),
]


def _match(header: str, names: tuple[str, ...]) -> bool:
    h = header.strip()
    bare = _BRACKETS.sub("", REVERSED.sub("", h)).strip()
    return any(n and (h == n or bare == n) for n in names)


def read_for_policy(
    path: str | os.PathLike[str], policy: IndexPolicy, *, sheet: str | None = None, limits: ReadLimits | None = None
) -> ReadTable:
    """A table read for a policy: its indicators, denominators and imputation group found by name."""
    name, rows = _load(path, sheet, limits)
    top = _header_row(rows)
    header = [cell_text(h) for h in rows[top]]
    data = _data_rows(rows, top)
    uc = _unit_column(rows, rows[top], data)
    problems: list[dict] = []
    data = _units(rows, data, uc, name, header[uc], problems)

    def find(names: tuple[str, ...]) -> int | None:
        return next((j for j, h in enumerate(header) if j != uc and _match(h, names)), None)

    cols, columns, missing = [], [], []
    for ind in policy.indicators:
        j = find((ind.key, ind.name_zh, ind.name_en))
        if j is None:
            missing.append(ind)
        cols.append(j)
        columns.append(Column(-1 if j is None else j, "" if j is None else header[j], ind.name_zh, ind.direction))
    for ind in missing:
        problems.append(
            _problem(
                name,
                top + 1,
                ind.name_zh,
                None,
                "rank.missing_indicator",
                f"表中没有指标“{ind.name_zh}”（{ind.key}）：按缺失处理",
                f"the table has no column for '{ind.name_en or ind.key}' ({ind.key}): treated as missing",
            )
        )
    present = [j for j in cols if j is not None]
    if not present:
        raise LedgerUnusable(
            "表中没有该指数的任何指标列",
            "the table has none of the index's indicator columns",
            rule="rank.no_indicators",
        )
    x = np.full((len(data), len(cols)), np.nan)
    got = _values(rows, data, present, [header[j] for j in present], name, problems)
    x[:, [k for k, j in enumerate(cols) if j is not None]] = got
    dens = None
    used = {i.denominator for i in policy.indicators if i.denominator} if policy.methods.denominate else set()
    if used:
        dcols = [find((key, label)) for key, label in policy.denominators.items()]
        absent = [k for k, j in zip(policy.denominators, dcols, strict=True) if j is None and k in used]
        if absent:
            raise LedgerUnusable(
                f"表中没有分母列：{'、'.join(policy.denominators[k] for k in absent)}",
                f"the table has no denominator column: {', '.join(absent)}",
                rule="rank.missing_denominator",
            )
        dens = np.full((len(data), len(dcols)), np.nan)
        found = [(k, j) for k, j in enumerate(dcols) if j is not None]
        dens[:, [k for k, _j in found]] = _values(
            rows, data, [j for _k, j in found], [header[j] for _k, j in found], name, problems
        )
    groups = None
    if policy.methods.impute_group:
        g = find((policy.methods.impute_group,))
        if g is None:
            problems.append(
                _problem(
                    name,
                    top + 1,
                    policy.methods.impute_group,
                    None,
                    "rank.missing_group",
                    "表中没有插补分组列：按全部单位的均值插补",
                    "no column for the imputation group: the mean of all units is used",
                )
            )
        else:
            groups = tuple(str(clean_text(rows[i][g]) or "") for i in data)
    units = tuple(str(clean_text(rows[i][uc])) for i in data)
    return ReadTable(name, header[uc], columns, Table(units, x, dens, groups), [i + 1 for i in data], problems)
