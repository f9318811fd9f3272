"""A figures ledger as the engine's input frame, without any database (``landcycle evaluate``).

The ledger is read by ``rules.ledger.read_ledger`` with ``EVALUATION_FIGURES``: the yearly-figures
ledger (``schemas.FIGURES``, incl. 自有/租赁/出租用地) plus what an evaluation reads when a ledger has it —
industry code, scale (规上/规下), registration date, town, the date land was granted, land used directly,
the flags of vetoes, protections and exemptions, and a merge key — and any flag or date column a
custom policy names. The name stays ``figures`` so that every figures mapping file works unchanged.
Identifiers (credit code, industry code) are checked by the engine, duplicates too (every row of a
duplicated code is a problem, not only the later ones), so the reader does not check them twice.

A row with a problem found by the reader (a figure that is not a number, a bad date…) cannot be
evaluated: it is left out of the evaluation (and so of the benchmarks) and listed with that problem.
``.parquet`` is read with polars and handed to the same reader as CSV, so its columns are matched,
converted and checked exactly like a spreadsheet's.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from landcycle.rules.evaluation import EvaluationPolicy
from landcycle.rules.evaluation.inputs import date_columns, flag_columns
from landcycle.rules.ledger import LedgerProblem, LedgerResult, LedgerUnusable
from landcycle.rules.ledger.detect import read_detected
from landcycle.rules.ledger.limits import ReadLimits
from landcycle.rules.ledger.schema import FieldSpec, LedgerSchema, code, date, decimal, enum, text
from landcycle.rules.ledger.schemas import FIGURES, TOWN_ALIASES, USCC_ALIASES

SCALES = {
    "规上": "above",
    "规模以上": "above",
    "规上企业": "above",
    "是": "above",
    "规下": "below",
    "规模以下": "below",
    "规下企业": "below",
    "否": "below",
}
FLAG_ALIASES = {
    "relocated": ("政策性搬迁", "政策性搬迁企业", "是否政策性搬迁"),
    "construction": ("重大项目建设期", "建设期", "是否处于建设期"),
    "protected": ("保护企业", "认定保护", "是否保护"),
    "veto_safety": ("重大安全生产事故", "安全生产事故", "重大安全事故"),
    "veto_environment": ("重大环境污染事故", "环境污染事故", "重大环境事故"),
    "veto_food_safety": ("重大食品安全事故", "食品安全事故"),
    "veto_energy_task": ("未完成节能目标任务", "未完成节能任务", "节能任务未完成"),
    "veto_illegal_land": ("违法用地", "存在违法用地"),
}
_REPLACED = {"uscc", "year"}


def _extra_fields() -> tuple[FieldSpec, ...]:
    fields = [
        code(
            "industry_code",
            "行业代码",
            "国民经济行业代码",
            "所属行业代码",
            "行业分类代码",
            "行业小类代码",
            "industry code",
        ),
        enum("scale", SCALES, "规模", "企业规模", "是否规上", "规上/规下", "规模类型"),
        date("registered_on", "成立日期", "注册日期", "登记日期", "成立时间", "registration date"),
        text("town", *TOWN_ALIASES, label="所属镇街"),
        date("land_granted_on", "供地日期", "土地取得日期", "出让合同签订日期", "交地日期", "land granted on"),
        decimal("land_mu", "亩", "用地面积", "实际用地面积", "评价用地面积", label="用地面积", nonnegative=True),
        text("merge_key", "合并评价编号", "合并编号", "同地块合并", "merge key"),
    ]
    fields += [FieldSpec(name, "bool", aliases=aliases, label=aliases[0]) for name, aliases in FLAG_ALIASES.items()]
    return tuple(fields)


def evaluation_schema(policy: EvaluationPolicy | None = None) -> LedgerSchema:
    """The figures ledger with the columns an evaluation reads (and those ``policy`` names)."""
    base = [f for f in FIGURES.fields if f.name not in _REPLACED]
    head = [
        code("uscc", *USCC_ALIASES, label="统一社会信用代码", required=True),
        FieldSpec("year", "int", aliases=("年度", "年份", "统计年度", "数据年度"), suffixes=("年度", "年")),
    ]
    fields = head + base + list(_extra_fields())
    if policy is not None:
        names = {f.name for f in fields}
        fields += [FieldSpec(c, "bool") for c in flag_columns(policy) if c not in names]
        fields += [FieldSpec(c, "date") for c in date_columns(policy) if c not in names]
    return LedgerSchema(
        FIGURES.name, FIGURES.title_zh, FIGURES.title_en, fields=tuple(fields), sheet_hints=FIGURES.sheet_hints
    )


@dataclass
class LedgerInput:
    """What was read: the frame of evaluable rows, the reader's problems, the years the ledger holds, and
    which source header each field came from (to name the column of a problem)."""

    frame: pl.DataFrame
    problems: list[LedgerProblem]
    years: list[int]
    headers: dict[str, str]
    result: LedgerResult
    rows: int
    mapping: str | None = None  # the shipped mapping recognised from the header, if one was
    notes: list[tuple[str, str]] = field(default_factory=list)  # said at the top of the result (zh, en)


def _source(path: Path):
    """The file to read: a spreadsheet or CSV as it is; Parquet as CSV bytes (same reader, same checks)."""
    if path.suffix.lower() != ".parquet":
        return path, None
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable Parquet is an unusable input
        raise LedgerUnusable(
            f"无法读取Parquet文件 {path.name}：{exc}",
            f"Cannot read the Parquet file {path.name}: {exc}",
            rule="ledger.unreadable",
        ) from None
    buf = io.BytesIO()
    frame.write_csv(buf)
    return buf.getvalue(), f"{path.stem}.csv"


def read_evaluation_ledger(
    path: str | Path,
    policy: EvaluationPolicy,
    *,
    mapping: dict | None = None,
    sheet: str | None = None,
    limits: ReadLimits | None = None,
) -> LedgerInput:
    """Read a ledger for ``policy``; raises ``LedgerUnusable`` when it cannot be a figures ledger or breaks
    ``limits`` (default: the ``LANDCYCLE_UPLOAD_*`` environment, as the settings read it)."""
    schema = evaluation_schema(policy)
    source, filename = _source(Path(path))
    expected = [schema.field(f) for f in _needed(policy) if f in schema.field_names]
    result, recognised = read_detected(
        source,
        schema,
        mapping=mapping,
        sheet=sheet,
        filename=filename,
        expected=expected,
        frame=True,
        limits=ReadLimits.from_env() if limits is None else limits,
    )
    bad = sorted({p.row for p in result.problems})
    frame = result.frame.filter(~pl.col("_row").is_in(bad)) if bad else result.frame
    years = sorted(result.frame["year"].drop_nulls().unique().to_list()) if "year" in result.frame.columns else []
    headers: dict[str, str] = {}
    for c in result.columns:
        if c.field:
            headers[c.field] = f"{headers[c.field]}、{c.header}" if c.field in headers else c.header
    return LedgerInput(
        frame=frame,
        problems=list(result.problems),
        years=years,
        headers=headers,
        result=result,
        rows=result.frame.height,
        mapping=recognised,
    )


def _needed(policy: EvaluationPolicy) -> list[str]:
    """The ledger fields the policy's indicators divide (land as its three parts)."""
    out: list[str] = []
    for g in policy.groups:
        for ind in g.indicators:
            for f in (ind.numerator, ind.denominator):
                out += ["land_owned_mu", "land_leased_mu", "land_let_mu"] if f == "land_mu" else [f]
    return list(dict.fromkeys(out))


def present_fields(read: LedgerInput) -> set[str]:
    """The indicator fields the ledger has a column for (land_mu when it has any land column)."""
    fields = set(read.result.fields)
    if fields & {"land_mu", "land_owned_mu", "land_leased_mu", "land_let_mu"}:
        fields.add("land_mu")
    return fields


# "2025年度…", "2025年…" (not "2026年1月15日", a date), a sheet named "2025" or "2025年亩均数据"
_TITLE_YEAR = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)"),
)
_SHEET_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


class YearError(ValueError):
    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


def title_year(titles) -> int | None:
    """The year a ledger's title rows name ("2025年度工业企业亩均效益评价基础数据表")."""
    for pattern in _TITLE_YEAR:
        for t in titles:
            m = pattern.search(t)
            if m:
                return int(m[1])
    return None


def sheet_year(name: str | None, fmt: str) -> int | None:
    """The year a sheet's name gives ("2025", "2025年亩均数据"); a CSV has no sheet name of its own."""
    if not name or fmt == "csv":
        return None
    found = {int(m) for m in _SHEET_YEAR.findall(name)}
    return found.pop() if len(found) == 1 else None


def resolve_year(read: LedgerInput, year: int | None) -> tuple[int, str]:
    """The year evaluated and where it came from (zh): ``--year`` when given; else the title rows or the
    sheet name, which must agree with each other and be among the year column's years when there is one;
    else the year column's latest year. Raises ``YearError`` on a contradiction or when nothing says it."""
    years = read.years
    if year is not None:
        if years and year not in years:
            raise YearError(
                f"台账中没有 {year} 年度的数据（有：{'、'.join(map(str, years))}）",
                f"the ledger has no rows of {year} (it has {', '.join(map(str, years))})",
            )
        return year, "--year"
    t = title_year(read.result.titles)
    s = sheet_year(read.result.sheet, read.result.format)
    if t is not None and s is not None and t != s:
        raise YearError(
            f"标题写的是{t}年度，工作表名称却是“{read.result.sheet}”（{s}年）：请用 --year 指定评价年度",
            f"the title says {t} but the sheet is named '{read.result.sheet}' ({s}): give --year",
        )
    named = t if t is not None else s
    where = "标题" if t is not None else "工作表名称"
    where_en = "the title" if t is not None else "the sheet name"
    if years:
        if named is not None and named not in years:
            raise YearError(
                f"{where}写的是{named}年度，但“年度”列中只有 {'、'.join(map(str, years))}：请核对台账或用 --year 指定",
                f"{where_en} says {named} but the year column holds only {', '.join(map(str, years))}: "
                "check the ledger or give --year",
            )
        return (named, where) if named is not None else (years[-1], "年度列")
    if named is None:
        raise YearError(
            "台账没有“年度”列，标题和工作表名称中也没有年度（如“2025年度”）：请用 --year 指定评价年度",
            "the ledger has no year column, and neither its title nor its sheet name gives a year "
            "(such as 2025年度): give --year",
        )
    return named, where
