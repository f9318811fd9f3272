"""The applications ledger (项目准入申请台账) and checking a whole ledger without a database.

``APPLICATIONS`` is the ledger's schema (the headers a town writes); ``admit_rows`` checks every row against
the rules of its park (the park's code and kind come from the row or from the caller) and returns one
``Admitted`` per row, with its verdict or the problems that kept it from being checked. Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..ledger import validators as V
from ..ledger.schema import LedgerSchema, code, date, decimal, enum, integer, text
from ..ledger.schemas import USCC_ALIASES
from ..problems import Problem
from .application import Application, figure_problems
from .check import Verdict, check
from .policy import PARK_KINDS, EntryPolicy, rules_for

KIND_LABELS = {
    "工业园区": "industrial",
    "工业区": "industrial",
    "小微园区": "micro",
    "小微企业园": "micro",
    "老旧工业区块": "old_block",
    "老工业区块": "old_block",
    "industrial park": "industrial",
    "micro park": "micro",
    "old industrial block": "old_block",
}

APPLICATIONS = LedgerSchema(
    "applications",
    "项目准入申请台账",
    "Project applications",
    fields=(
        code("number", "申请编号", "项目编号", "编号", "application number", key=True, label="申请编号"),
        text("project", "项目名称", "项目", "project name", required=True, label="项目名称"),
        text("applicant", "申请单位", "申请企业", "企业名称", "投资主体", "applicant", label="申请单位"),
        code("uscc", *USCC_ALIASES, label="统一社会信用代码", validate=V.uscc),
        code("park", "园区编号", "拟入园区编号", "park code", label="园区编号"),
        enum("park_kind", KIND_LABELS, "园区类型", "park kind", label="园区类型"),
        code("industry_code", "行业代码", "国民经济行业代码", "industry code", label="行业代码", validate=V.industry),
        decimal("land_mu", "亩", "申请用地面积", "用地面积", "拟用地面积", "land", label="申请用地面积"),
        decimal("total_investment", "万元", "总投资", "计划总投资", "total investment", label="总投资"),
        decimal("fixed_investment", "万元", "固定资产投资", "fixed-asset investment", label="固定资产投资"),
        decimal("revenue", "万元", "达产年营业收入", "达产营业收入", "达产年产值", "revenue", label="达产年营业收入"),
        decimal("tax", "万元", "达产年税收", "达产税收", "承诺税收", "tax", label="达产年税收"),
        decimal("value_added", "万元", "达产年增加值", "增加值", "value added", label="达产年增加值"),
        decimal("energy_tce", "吨标准煤", "达产年综合能耗", "综合能耗", "energy", label="达产年综合能耗"),
        decimal(
            "emissions_t",
            "吨",
            "达产年主要污染物排放量",
            "主要污染物排放量",
            "emissions",
            label="达产年主要污染物排放量",
            places=3,
        ),
        decimal("rd_expense", "万元", "达产年研发经费", "研发经费", "R&D", label="达产年研发经费"),
        integer("staff", "用工人数", "职工人数", "staff", label="用工人数"),
        decimal("plot_ratio", None, "容积率", "plot ratio", label="容积率"),
        decimal("building_density", None, "建筑系数", "建筑密度", "building coverage", label="建筑系数（%）"),
        decimal("green_share", None, "绿地率", "green space", label="绿地率（%）"),
        decimal(
            "office_share",
            None,
            "行政办公及生活服务设施用地比例",
            "办公用地比例",
            label="行政办公及生活服务设施用地比例（%）",
        ),
        date("applied_on", "申请日期", "受理日期", "application date", label="申请日期"),
    ),
    key=("number",),
    sheet_hints=("准入", "申请", "项目", "application"),
)

# figures of a row that are Application fields
_FIGURES = (
    "land_mu",
    "total_investment",
    "fixed_investment",
    "revenue",
    "tax",
    "value_added",
    "energy_tce",
    "emissions_t",
    "rd_expense",
    "staff",
    "plot_ratio",
    "building_density",
    "green_share",
    "office_share",
)


def application_of(row: Mapping[str, Any]) -> Application:
    """An ``Application`` from a row as read (``read_ledger`` rows or a form's cleaned data)."""
    values = {k: (None if row.get(k) is None else Decimal(str(row[k]))) for k in _FIGURES}
    return Application(industry_code=str(row.get("industry_code") or ""), applied_on=row.get("applied_on"), **values)


@dataclass
class Admitted:
    """One row of the ledger: its verdict (``None`` when it could not be checked) and its problems."""

    row: int
    number: str
    project: str
    park: str
    park_kind: str
    verdict: Verdict | None
    problems: list[Problem] = field(default_factory=list)


def admit_rows(
    rows: Iterable[Mapping[str, Any]],
    policy: EntryPolicy,
    *,
    park: str | None = None,
    park_kind: str | None = None,
    kinds: Mapping[str, str] | None = None,
) -> list[Admitted]:
    """Check every row. ``park`` / ``park_kind`` override the rows' own; ``kinds`` maps park codes to their kind
    (what the registry knows). A row whose park kind cannot be told is not checked: a park without rules is
    never a pass."""
    out = []
    for row in rows:
        code_ = str(park or row.get("park") or "")
        kind = park_kind or row.get("park_kind") or (kinds or {}).get(code_, "")
        app = application_of(row)
        problems = figure_problems(app)
        if kind not in PARK_KINDS:
            problems.append(
                Problem(
                    "park_kind",
                    "admission.no_rules",
                    "未给出园区类型（或园区编号无法对应到已知园区），无法确定适用的准入规则",
                    "No kind of park (or an unknown park code): the entry rules in force cannot be told",
                )
            )
        verdict = None
        if kind in PARK_KINDS:
            rules = rules_for(policy, code_, kind)
            if rules.is_empty:
                problems.append(
                    Problem("park", "admission.no_rules", "该园区没有准入规则", "The park has no entry rules")
                )
            elif not problems:
                verdict = check(app, rules)
        out.append(
            Admitted(
                int(row.get("_row") or 0),
                str(row.get("number") or ""),
                str(row.get("project") or ""),
                code_,
                str(kind or ""),
                verdict,
                problems,
            )
        )
    return out
