"""Ledgers the reader does not ship because only the importer needs them: the town list (镇街名录) and the
contract register (供地合同) as the importer reads it."""

from __future__ import annotations

from dataclasses import replace

from landcycle.rules.ledger import validators as V
from landcycle.rules.ledger.schema import FieldSpec, LedgerSchema, code, date, enum, text
from landcycle.rules.ledger.schemas import TOWN_ALIASES, USCC_ALIASES
from landcycle.rules.supervision.ledger_rows import SUPERVISED_LAND_SUPPLY

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

# A contract entered in the browser may have neither a location nor an area of its own (its parcels give it):
# the register's export must read back, so these two are optional here; the holder is what a contract cannot
# be registered without.
_REQUIRED = {"location": False, "area_m2": False, "holder": True}

# The supervised land-supply ledger plus what ties a contract to the registry: its parcels (one or several,
# separated by 、), its town (for a contract without parcels) and the holder's credit code. It keeps the name
# ``land_supply`` so that every land-supply mapping file (``land_supply_gd``) works with it.
CONTRACTS = LedgerSchema(
    SUPERVISED_LAND_SUPPLY.name,
    "供地合同台账",
    "Land supply contracts",
    fields=tuple(
        replace(f, required=_REQUIRED[f.name]) if f.name in _REQUIRED else f for f in SUPERVISED_LAND_SUPPLY.fields
    )
    + (
        code("parcel_number", "地块编号", "宗地编号", "地块号", "parcel number", "parcel", label="地块编号"),
        text("town", *TOWN_ALIASES, label="所属镇街", validate=V.division),
        code(
            "holder_uscc",
            "受让人统一社会信用代码",
            "土地使用权人统一社会信用代码",
            *USCC_ALIASES,
            label="受让人统一社会信用代码",
            validate=V.uscc,
        ),
    ),
    key=SUPERVISED_LAND_SUPPLY.key,
    sheet_hints=SUPERVISED_LAND_SUPPLY.sheet_hints,
    ranges=SUPERVISED_LAND_SUPPLY.ranges,
    notes=SUPERVISED_LAND_SUPPLY.notes,
)


def _fact_kinds() -> dict[str, str]:
    """Every name a ledger may give a fact kind: the policy's words, its rule key, the column, and the short
    headers the stand-alone ``landcycle evaluate`` reads (重大安全生产事故, 政策性搬迁…)."""
    from landcycle.evaluation.facts import shipped_kinds
    from landcycle.evaluation.ledger import FLAG_ALIASES

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
    from landcycle.evaluation.facts import MERGE, shipped_kinds
    from landcycle.evaluation.ledger import FLAG_ALIASES
    from landcycle.rules.ledger.schemas import FIGURES

    extra = []
    for k in shipped_kinds():
        if k.category == MERGE:
            extra.append(text(k.kind, "合并评价编号", "合并评价单元", "合并编号", label="合并评价编号"))
        else:
            names = FLAG_ALIASES.get(k.kind, ()) or (k.zh,)
            extra.append(FieldSpec(k.kind, "bool", aliases=tuple(dict.fromkeys((*names, k.zh))), label=names[0]))
    return replace(FIGURES, fields=FIGURES.fields + tuple(extra))


FIGURES_LEDGER = _figures_ledger()
