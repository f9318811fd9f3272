"""A project application (项目准入申请) as the entry rules see it: the figures, nothing of the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

from ..problems import Problem

# figures an application may give, with their names (for messages) and units
FIGURES: dict[str, tuple[str, str, str]] = {
    "land_mu": ("申请用地面积", "land asked", "亩"),
    "total_investment": ("总投资", "total investment", "万元"),
    "fixed_investment": ("固定资产投资", "fixed-asset investment", "万元"),
    "revenue": ("达产年营业收入", "revenue at full production", "万元"),
    "tax": ("达产年税收", "tax at full production", "万元"),
    "value_added": ("达产年增加值", "value added at full production", "万元"),
    "energy_tce": ("达产年综合能耗", "energy at full production", "吨标准煤"),
    "emissions_t": ("达产年主要污染物排放量", "emissions at full production", "吨"),
    "rd_expense": ("达产年研发经费", "R&D at full production", "万元"),
    "staff": ("用工人数", "staff", "人"),
    "plot_ratio": ("容积率", "plot ratio", ""),
    "building_density": ("建筑系数", "building coverage", "%"),
    "green_share": ("绿地率", "green space", "%"),
    "office_share": ("行政办公及生活服务设施用地比例", "office and living land", "%"),
}


@dataclass(frozen=True)
class Application:
    """Figures are ``None`` when not given (never read as zero)."""

    industry_code: str = ""
    land_mu: Decimal | None = None
    total_investment: Decimal | None = None
    fixed_investment: Decimal | None = None
    revenue: Decimal | None = None
    tax: Decimal | None = None
    value_added: Decimal | None = None
    energy_tce: Decimal | None = None
    emissions_t: Decimal | None = None
    rd_expense: Decimal | None = None
    staff: Decimal | None = None
    plot_ratio: Decimal | None = None
    building_density: Decimal | None = None
    green_share: Decimal | None = None
    office_share: Decimal | None = None
    applied_on: dt.date | None = None


FIGURE_FIELDS = tuple(f.name for f in fields(Application) if f.name in FIGURES)


def figure_problems(app: Application, parcel_mu: Decimal | None = None) -> list[Problem]:
    """Figures that cannot be right whatever the park: negative values, shares over 100 %, fixed-asset investment
    above the total, land asked larger than the parcel(s) asked for."""
    out = []
    for name in FIGURE_FIELDS:
        v = getattr(app, name)
        zh, en, _unit = FIGURES[name]
        if v is not None and v < 0:
            out.append(
                Problem(name, "admission.negative", f"“{zh}”不能为负数（{v}）", f"'{en}' cannot be negative ({v})")
            )
    for name in ("building_density", "green_share", "office_share"):
        v = getattr(app, name)
        zh, en, _unit = FIGURES[name]
        if v is not None and v > 100:
            out.append(
                Problem(
                    name,
                    "admission.share",
                    f"“{zh}”是百分比，不能超过100（{v}）",
                    f"'{en}' is a percentage, at most 100 ({v})",
                )
            )
    if app.land_mu is not None and app.land_mu == 0:
        out.append(Problem("land_mu", "admission.no_land", "申请用地面积应大于0", "The land asked must be more than 0"))
    if (
        app.fixed_investment is not None
        and app.total_investment is not None
        and app.fixed_investment > app.total_investment
    ):
        out.append(
            Problem(
                "fixed_investment",
                "admission.fixed_above_total",
                f"固定资产投资（{app.fixed_investment} 万元）不能大于总投资（{app.total_investment} 万元）",
                f"Fixed-asset investment ({app.fixed_investment}) cannot exceed the total investment ({app.total_investment})",
            )
        )
    if parcel_mu is not None and app.land_mu is not None and app.land_mu > parcel_mu:
        out.append(
            Problem(
                "land_mu",
                "admission.land_above_parcel",
                f"申请用地面积（{app.land_mu} 亩）大于所申请地块的面积（{parcel_mu} 亩）",
                f"The land asked ({app.land_mu} mu) is larger than the parcel(s) asked for ({parcel_mu} mu)",
            )
        )
    return out
