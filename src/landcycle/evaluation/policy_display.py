"""评价办法 as a clerk reads it: the parsed policy (``rules.evaluation.EvaluationPolicy``) turned into tables of
plain words — groups and their conditions, indicators with formula, weight, cap and benchmark, the class bands,
exemptions, vetoes and protections, and where the numbers come from. The TOML text itself stays downloadable for
experts; it is not shown on the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from landcycle.kit import i18n
from landcycle.kit.numbers import num
from landcycle.rules.evaluation import EvaluationPolicy

# the engine's input fields (rules/evaluation/inputs.py) by their names in a ledger
FIELD_NAMES = {
    "revenue": ("营业收入", "revenue"),
    "tax": ("实缴税收", "tax paid"),
    "value_added": ("工业增加值", "industrial value added"),
    "energy_tce": ("综合能耗", "energy use"),
    "emissions_t": ("主要污染物排放量", "main pollutant emissions"),
    "rnd": ("研发经费支出", "R&D spending"),
    "staff": ("年平均职工人数", "average staff"),
    "electricity_10k_kwh": ("用电量", "electricity use"),
    "land_mu": ("用地面积", "land used"),
}

# The documents the numbers of the SHIPPED default come from (the comments of policies/evaluation.toml and
# docs/policies.md). A county's own version names its documents in its note.
SHIPPED_SOURCES = (  # (what, in Chinese and English; the document, named as published)
    (
        "指标与权重（规上30/20/20/10/10/10，规下50/50）",
        "Indicators and weights (above size 30/20/20/10/10/10, below size 50/50)",
        "黄岩区2021、2022年度工业企业亩均效益综合评价通知",
    ),
    ("单项得分上限（权重的1.5倍）", "Cap of one indicator (1.5 × its weight)", "开化县亩均效益评价办法"),
    ("分类比例（A 20%、B 40%、C 35%、D 5%）", "Class shares (A 20%, B 40%, C 35%, D 5%)", "淮安市2024年亩均效益评价"),
    ("C类电价加价0.10元/千瓦时", "Class C electricity surcharge 0.10 yuan/kWh", "瑞安市差别化电价政策"),
    (
        "规上企业标准（主营业务收入2000万元）",
        "Above-size threshold (main revenue 2,000 万元)",
        "国家统计局规模以上工业统计口径",
    ),
    ("一票否决、保护与不参评情形", "Vetoes, protections and exemptions", "浙江省“亩均论英雄”改革有关评价办法"),
)


def _name(key: str) -> str:
    zh, en = FIELD_NAMES.get(key, (key, key))
    return i18n.pick(zh, en)


def _benchmark(b) -> str:
    if b.method == "fixed":
        return _("固定值 %(v)s") % {"v": num(b.value, 4).rstrip("0").rstrip(".")}
    if b.method == "industry_mean":
        return _("同行业当年平均（行业不足%(n)s家时用本组平均）") % {"n": b.min_firms}
    if b.method == "previous_year":
        scope = {"group": _("本组"), "county": _("全县"), "industry": _("同行业")}.get(b.scope, b.scope)
        return _("%(scope)s上年平均") % {"scope": scope}
    return _("本组当年平均（合计÷合计）")


def _conditions(g) -> str:
    parts = []
    if g.scale == "above":
        parts.append(_("规上企业"))
    elif g.scale == "below":
        parts.append(_("规下企业"))
    if g.owns_land is False:
        parts.append(_("无自有用地、只有租入用地"))
    elif g.owns_land is True:
        parts.append(_("有自有用地"))
    if g.min_land_mu is not None:
        parts.append(_("用地 ≥ %(n)s 亩") % {"n": f"{g.min_land_mu:g}"})
    if g.max_land_mu is not None:
        parts.append(_("用地 < %(n)s 亩") % {"n": f"{g.max_land_mu:g}"})
    return i18n.pick("，", ", ").join(str(p) for p in parts) or _("其余企业")


@dataclass
class PolicyTables:
    groups: list[dict] = field(default_factory=list)
    scoring: list[tuple[str, str]] = field(default_factory=list)
    classes: list[dict] = field(default_factory=list)
    rules: list[dict] = field(default_factory=list)  # {"title", "note", "items": [names]}
    sources: tuple = ()


def policy_tables(p: EvaluationPolicy, shipped: bool) -> PolicyTables:
    """The policy ``p`` as tables; ``shipped``: it is the product's default, whose sources are known here."""
    out = PolicyTables(sources=tuple((i18n.pick(zh, en), doc) for zh, en, doc in SHIPPED_SOURCES) if shipped else ())
    for g in p.groups:
        rows = []
        for i in g.indicators:
            rows.append(
                {
                    "name": i18n.pick(i.zh, i.en),
                    "formula": f"{_name(i.numerator)} ÷ {_name(i.denominator)}",
                    "unit": "%" if i.unit == "1" else i.unit,
                    "direction": _("越高越好") if i.direction == "higher" else _("越低越好"),
                    "weight": f"{i.weight:g}",
                    "cap": f"{i.cap:g}" if i.cap is not None else _("不设上限"),
                    "benchmark": _benchmark(i.benchmark),
                    "missing": _("列为问题，不评分") if i.missing == "problem" else _("取本组平均得分"),
                }
            )
        out.groups.append({"name": i18n.pick(g.zh, g.en), "conditions": _conditions(g), "indicators": rows})
    tie = {"tax_per_mu": _("亩均税收高者在前，再按统一社会信用代码"), "none": _("按统一社会信用代码")}
    out.scoring = [
        (_("综合得分"), _("各指标得分之和：权重 ×（企业值 ÷ 基准值）；越低越好的指标为 权重 ×（基准值 ÷ 企业值）")),
        (_("用地面积"), _("自有用地 + 租入用地 − 出租给他人的用地，按年末计，单位亩")),
        (_("单项得分上限"), _("权重的 %(n)s 倍（指标另有规定的除外）") % {"n": f"{p.cap_factor:g}"}),
        (_("单项得分下限"), f"{p.floor:g}"),
        (_("得分保留小数"), _("%(n)s 位，按公布的得分排名") % {"n": p.score_decimals}),
        (_("同分排序"), str(tie.get(p.tie_break, p.tie_break))),
        (
            _("规上企业标准"),
            _("主营业务收入 ≥ %(n)s 万元（台账未标明规模时）") % {"n": f"{p.above_size_revenue_wan:,.0f}"},
        ),
    ]
    by_rank = p.class_method == "rank_percentile"
    for c in p.classes:
        out.classes.append(
            {
                "key": c.key,
                "name": i18n.pick(c.zh, c.en),
                "band": (_("组内排名 %(n)s%%") % {"n": f"{c.share:g}"})
                if by_rank and c.share is not None
                else (_("得分 ≥ %(n)s") % {"n": f"{c.min_score:g}"} if c.min_score is not None else "—"),
                "electricity": c.electricity_surcharge_yuan_per_kwh,
                "water": c.water_surcharge_pct,
                "relief": c.land_use_tax_relief_pct,
                "min_group": c.min_group_size,
            }
        )
    out.rules = [
        {
            "title": _("不参评"),
            "note": _("符合任一情形的企业不参加当年评价"),
            "items": [i18n.pick(r.zh, r.en) for r in p.exemptions],
        },
        {
            "title": _("一票否决"),
            "note": _("最高只能评为 %(c)s 类") % {"c": p.veto_best_class},
            "items": [i18n.pick(r.zh, r.en) for r in p.vetoes],
        },
        {
            "title": _("保护"),
            "note": _("最低评为 %(c)s 类") % {"c": p.protection_worst_class},
            "items": [i18n.pick(r.zh, r.en) for r in p.protections],
        },
    ]
    return out
