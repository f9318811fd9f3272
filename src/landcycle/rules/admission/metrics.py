"""What an entry rule measures: each metric's names, unit and how it is worked out of an application.

Money in 万元, land in 亩, energy in 吨标准煤, shares in %. A metric that needs a figure the application does not
give is "not given" (``None``), never zero — and a rule on it never passes (DOMAIN §9, issue 14).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .application import Application

HUNDRED = Decimal(100)


def _ratio(num: Decimal | None, den: Decimal | None, scale: Decimal = Decimal(1)) -> Decimal | None:
    if num is None or den is None or den <= 0:
        return None
    return num * scale / den


@dataclass(frozen=True)
class Metric:
    key: str
    zh: str
    en: str
    unit: str
    formula_zh: str
    formula_en: str
    value: Callable[[Application], Decimal | None]
    # the application's figures this metric reads (field names of Application): for "what is missing"
    needs: tuple[str, ...]


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "tax_per_mu",
            "亩均税收",
            "tax per mu",
            "万元/亩",
            "达产年税收 ÷ 用地面积",
            "committed tax ÷ land",
            lambda a: _ratio(a.tax, a.land_mu),
            ("tax", "land_mu"),
        ),
        Metric(
            "investment_intensity",
            "固定资产投资强度",
            "fixed-asset investment intensity",
            "万元/亩",
            "固定资产投资 ÷ 用地面积",
            "fixed-asset investment ÷ land",
            lambda a: _ratio(a.fixed_investment, a.land_mu),
            ("fixed_investment", "land_mu"),
        ),
        Metric(
            "output_intensity",
            "亩均产出",
            "output per mu",
            "万元/亩",
            "达产年营业收入 ÷ 用地面积",
            "committed revenue ÷ land",
            lambda a: _ratio(a.revenue, a.land_mu),
            ("revenue", "land_mu"),
        ),
        Metric(
            "plot_ratio",
            "容积率",
            "plot ratio",
            "",
            "规划容积率",
            "planned plot ratio",
            lambda a: a.plot_ratio,
            ("plot_ratio",),
        ),
        Metric(
            "building_density",
            "建筑系数",
            "building coverage",
            "%",
            "规划建筑系数",
            "planned building coverage",
            lambda a: a.building_density,
            ("building_density",),
        ),
        Metric(
            "green_share",
            "绿地率",
            "green space",
            "%",
            "规划绿地率",
            "planned green space",
            lambda a: a.green_share,
            ("green_share",),
        ),
        Metric(
            "office_share",
            "行政办公及生活服务设施用地比例",
            "office and living land",
            "%",
            "规划行政办公及生活服务设施用地 ÷ 用地面积",
            "planned office and living land ÷ land",
            lambda a: a.office_share,
            ("office_share",),
        ),
        Metric(
            "energy_per_value_added",
            "单位增加值能耗",
            "energy per value added",
            "吨标准煤/万元",
            "达产年综合能耗 ÷ 达产年增加值",
            "committed energy ÷ value added",
            lambda a: _ratio(a.energy_tce, a.value_added),
            ("energy_tce", "value_added"),
        ),
        Metric(
            "emissions_per_value_added",
            "单位增加值排放",
            "emissions per value added",
            "吨/万元",
            "达产年主要污染物排放 ÷ 达产年增加值",
            "committed emissions ÷ value added",
            lambda a: _ratio(a.emissions_t, a.value_added),
            ("emissions_t", "value_added"),
        ),
        Metric(
            "rd_share",
            "研发经费占营业收入比例",
            "R&D share of revenue",
            "%",
            "研发经费 ÷ 营业收入 × 100",
            "R&D ÷ revenue × 100",
            lambda a: _ratio(a.rd_expense, a.revenue, HUNDRED),
            ("rd_expense", "revenue"),
        ),
        Metric("land_mu", "用地面积", "land", "亩", "申请用地面积", "land asked", lambda a: a.land_mu, ("land_mu",)),
    )
}
