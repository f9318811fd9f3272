"""Land supply contracts (供地合同): the land-market results published for every grant or allocation.

Built for the provincial land-market monitoring exports (土地市场动态监测监管系统, e.g. Guangdong's
``jcjg.nr.gd.gov.cn``) as well as a town's own contract ledger. Rules of this ledger:

- ``area_m2`` is returned in square metres whatever the source says (公顷, 亩, 平方米); the crawler's
  English columns have no unit, so a mapping declares it (``mappings/land_supply_gd.toml``).
- ``price`` is in 万元.
- ``term_years`` is text as published: a number of years (``50``) or one term per land use
  (``其他商服用地40年; 城镇住宅用地70``), which no single number can hold.
- ``plot_ratio_lower`` must not exceed ``plot_ratio_upper``; a reversed pair is a problem
  (``ledger.range_reversed``) unless the mapping declares the source swaps them
  (``[swap_reversed] plot_ratio_lower = "plot_ratio_upper"``): then the smaller is taken as the lower
  limit and the row is listed in ``LedgerResult.swapped``.
"""

from __future__ import annotations

from .schema import LedgerSchema, code, date, decimal, enum, text

SUPPLY_TYPES = {
    "挂牌出让": "listing",
    "挂牌": "listing",
    "拍卖出让": "auction",
    "拍卖": "auction",
    "招标出让": "tender",
    "招标": "tender",
    "协议出让": "agreement",
    "协议": "agreement",
    "划拨": "allocation",
    "租赁": "lease",
    "出租": "lease",
    "作价出资(入股)": "capital",
    "作价出资": "capital",
    "授权经营": "authorised",
    "出让": "grant",
}

LAND_SUPPLY = LedgerSchema(
    "land_supply",
    "供地合同台账",
    "Land supply contracts",
    fields=(
        code(
            "contract_number", "合同编号", "电子监管号", "出让合同编号", "划拨决定书编号", "contract number", key=True
        ),
        text("administration", "行政区", "行政区划", "所在行政区", "区县", "administration"),
        text("project_name", "项目名称", "project name"),
        text("location", "宗地坐落", "土地坐落", "坐落", "项目位置", "宗地位置", "地块位置", "location", required=True),
        decimal(
            "area_m2",
            "平方米",
            "面积",
            "供地面积",
            "出让面积",
            "土地面积",
            "宗地面积",
            "总面积",
            "area",
            label="面积",
            required=True,
            nonnegative=True,
        ),
        text("land_use", "土地用途", "用途", "规划用途", "land use"),
        text("land_source", "土地来源", "land source"),
        enum("supply_type", SUPPLY_TYPES, "供地方式", "供应方式", "出让方式", "supply type"),
        text("term_years", "土地使用年限", "使用年限", "出让年限", "年限", "term"),
        text("industry", "行业分类", "行业", "所属行业", "industry"),
        text("land_level", "土地级别", "land level"),
        decimal(
            "price",
            "万元",
            "成交价格",
            "出让价款",
            "出让价格",
            "成交价",
            "合同价款",
            "price",
            label="成交价格",
            places=6,
            nonnegative=True,
        ),
        text("holder", "土地使用权人", "受让人", "竞得人", "受让单位", "用地单位", "holder"),
        decimal(
            "plot_ratio_lower",
            None,
            "容积率下限",
            "约定容积率下限",
            "最小容积率",
            "容积率(下限)",
            "plot ratio lower",
            nonnegative=True,
        ),
        decimal(
            "plot_ratio_upper",
            None,
            "容积率上限",
            "约定容积率上限",
            "最大容积率",
            "容积率(上限)",
            "plot ratio upper",
            nonnegative=True,
        ),
        date("agreed_delivery", "约定交地时间", "约定交地日期", "交地时间", "agreed delivery"),
        date("agreed_start", "约定开工时间", "约定开工日期", "agreed start"),
        date("agreed_completion", "约定竣工时间", "约定竣工日期", "agreed completion"),
        date("actual_start", "实际开工时间", "实际开工日期", "actual start"),
        date("actual_completion", "实际竣工时间", "实际竣工日期", "actual completion"),
        text("approved_by", "批准单位", "批准机关", "approved by"),
        date("contract_date", "合同签订日期", "签订日期", "签订时间", "合同签订时间", "contract date"),
        text("source_url", "来源网址", "网址", "source url"),
        text("source_ref", "来源标识", "source ref"),
    ),
    key=("contract_number",),
    sheet_hints=("供地", "合同", "出让", "land"),
    ranges=(("plot_ratio_lower", "plot_ratio_upper"),),
)
