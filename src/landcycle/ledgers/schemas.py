"""The ledger the reader does not ship because only the importer needs it: the town list (镇街名录). The
ledgers of the domain apps (供地合同, 企业年度数据, 评价事项) have their schemas in those apps."""

from __future__ import annotations

from landcycle.rules.ledger.schema import LedgerSchema, code, text

REGIONS = LedgerSchema(
    "regions",
    "镇街名录",
    "Towns",
    fields=(
        code(
            "code",
            "区划代码",
            "统计用区划代码",
            "镇街代码",
            "镇街区划代码",
            "town code",
            label="区划代码",
            required=True,
            key=True,
        ),
        text("name", "镇街名称", "乡镇(街道)名称", "乡镇名称", "名称", "town name", label="镇街名称", required=True),
    ),
    key=("code",),
    sheet_hints=("镇街", "区划", "乡镇", "town"),
)
