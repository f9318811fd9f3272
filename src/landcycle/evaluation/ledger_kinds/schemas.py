"""The evaluation's ledgers as the ledger machinery imports and exports them: 评价事项 (evaluation facts) and
the yearly figures ledger with one column per kind of fact."""

from __future__ import annotations

from dataclasses import replace

from landcycle.rules.ledger import validators as V
from landcycle.rules.ledger.schema import FieldSpec, LedgerSchema, code, date, enum, text
from landcycle.rules.ledger.schemas import FIGURES, USCC_ALIASES

from ..facts import MERGE, shipped_kinds
from ..ledger import FLAG_ALIASES


def _fact_kinds() -> dict[str, str]:
    """Every name a ledger may give a fact kind: the policy's words, its rule key, the column, and the short
    headers the stand-alone ``landcycle evaluate`` reads (重大安全生产事故, 政策性搬迁…)."""
    table: dict[str, str] = {}
    for k in shipped_kinds():
        table[k.zh] = k.kind
        for name in (k.kind, k.rule, *FLAG_ALIASES.get(k.kind, ())):
            if name:
                table.setdefault(name, k.kind)
    table.setdefault("合并评价", "merge_key")
    return table


# 评价事项: one row per enterprise, year and kind (a veto with its date and source document, a protection,
# 政策性搬迁, or the key of a merged unit). The evaluation reads them in every run (``evaluation.inputs``).
EVALUATION_FACTS = LedgerSchema(
    "evaluation_facts",
    "评价事项台账",
    "Evaluation facts",
    fields=(
        code("uscc", *USCC_ALIASES, label="统一社会信用代码", required=True, key=True, validate=V.uscc),
        text("name", "企业名称", "单位名称", "名称"),
        FieldSpec(
            "year", "int", aliases=("年度", "年份", "评价年度"), suffixes=("年度", "年"), required=True, key=True
        ),
        enum(
            "kind",
            _fact_kinds(),
            "事项",
            "评价事项",
            "否决事项",
            "保护情形",
            "事项类型",
            label="事项",
            required=True,
            key=True,
        ),
        text("value", "合并评价编号", "合并评价单元", "合并编号", label="合并评价编号"),
        date("occurred_on", "发生或认定日期", "否决日期", "发生日期", "认定日期", "日期", label="发生或认定日期"),
        text("source", "依据文件", "否决依据", "依据", "文号", label="依据文件", required=True),
        text("note", "说明", "备注", label="说明"),
    ),
    key=("uscc", "year", "kind"),
    sheet_hints=("评价事项", "否决", "事项", "facts"),
)


def _figures_ledger() -> LedgerSchema:
    """The yearly figures ledger as the product exports and imports it: ``FIGURES`` plus one column per
    flag kind of evaluation fact (是 when recorded) and the merge key — the columns the stand-alone
    ``landcycle evaluate`` reads, so that an exported figures ledger evaluates like a database run. On
    import these columns are checked against the recorded facts (a fact is recorded with its date and
    source on the enterprise's page or in the 评价事项 ledger), never silently dropped."""
    extra = []
    for k in shipped_kinds():
        if k.category == MERGE:
            extra.append(text(k.kind, "合并评价编号", "合并评价单元", "合并编号", label="合并评价编号"))
        else:
            names = FLAG_ALIASES.get(k.kind, ()) or (k.zh,)
            extra.append(FieldSpec(k.kind, "bool", aliases=tuple(dict.fromkeys((*names, k.zh))), label=names[0]))
    return replace(FIGURES, fields=FIGURES.fields + tuple(extra))


FIGURES_LEDGER = _figures_ledger()
