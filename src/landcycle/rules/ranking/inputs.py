"""The ledger of the figures a county enters by hand each quarter for the ranking (季度手工指标台账,
``landcycle import / export / template ranking_inputs``): town, quarter, indicator, value, source. Pure Python."""

from __future__ import annotations

import re

from ..ledger.schema import LedgerSchema, decimal, text
from ..ledger.schemas import TOWN_ALIASES
from ..problems import Problem

RANKING_INPUTS = LedgerSchema(
    "ranking_inputs",
    "季度手工指标台账",
    "Hand-entered quarterly indicators",
    fields=(
        text("town", *TOWN_ALIASES, label="镇街", required=True, key=True),
        text("quarter", "季度", "考核季度", "quarter", label="季度", required=True, key=True),
        text("indicator", "指标", "指标名称", "指标代码", "indicator", label="指标", required=True, key=True),
        decimal("value", None, "数值", "指标值", "value", label="数值", required=True),
        text("source", "来源说明", "来源", "数据来源", "source", label="来源说明"),
    ),
    key=("town", "quarter", "indicator"),
    sheet_hints=("手工指标", "赛马", "季度"),
)

_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_ZH = re.compile(r"^\s*(\d{4})\s*年?\s*第?\s*([1-4一二三四])\s*季度?\s*$")


def parse_quarter(value: str) -> tuple[tuple[int, int] | None, Problem | None]:
    """``2025Q3``, ``2025-Q3``, ``2025年第三季度`` or ``2025年3季度`` → (2025, 3); else a problem."""
    text_ = str(value).strip()
    m = _ZH.match(text_)
    if m:
        q = m.group(2)
        return (int(m.group(1)), _ZH_DIGITS.get(q) or int(q)), None
    cleaned = text_.upper().replace("-", "").replace(" ", "")
    year, sep, q = cleaned.partition("Q")
    if sep and year.isdigit() and len(year) == 4 and q in ("1", "2", "3", "4"):
        return (int(year), int(q)), None
    return None, Problem(
        "quarter",
        "ranking.quarter",
        f"“{value}”不是季度，请写作 2025Q3 或 2025年第三季度",
        f"'{value}' is not a quarter: write it as 2025Q3",
    )
