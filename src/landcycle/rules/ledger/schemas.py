"""The registry ledgers a town sends: parks, parcels, enterprises, occupancy and yearly figures.

Field names are the model field names (``landcycle.registry.models``, ``landcycle.evaluation.models``)
where one exists; a foreign key is named after the model field and holds the natural key of the other
row (``park`` holds a park code, ``parcel`` a parcel number, ``town`` a town name or 9-digit code).
Occupancy and figures name the enterprise by ``uscc``.
"""

from __future__ import annotations

from . import validators as V
from .land_supply import LAND_SUPPLY
from .result import LedgerUnusable
from .schema import FieldSpec, LedgerSchema, code, date, decimal, enum, integer, text

USCC_ALIASES = (
    "统一社会信用代码",
    "社会信用代码",
    "信用代码",
    "统一代码",
    "企业信用代码",
    "uscc",
    "credit code",
    "unified social credit code",
)
TOWN_ALIASES = (
    "所属镇街",
    "镇街",
    "所属镇(街道)",
    "镇(街道)",
    "乡镇(街道)",
    "所属乡镇",
    "乡镇",
    "镇街名称",
    "所属镇",
    "town",
)


def _town(required: bool) -> FieldSpec:
    return text("town", *TOWN_ALIASES, label="所属镇街", required=required, validate=V.division)


PARKS = LedgerSchema(
    "parks",
    "园区台账",
    "Parks",
    fields=(
        code("code", "园区编号", "园区代码", "编号", "park code", required=True, key=True),
        text("name", "园区名称", "名称", "park name", required=True),
        enum(
            "kind",
            {
                "工业园区": "industrial",
                "工业区": "industrial",
                "工业功能区": "industrial",
                "小微园区": "micro",
                "小微企业园": "micro",
                "小微企业园区": "micro",
                "老旧工业区块": "old_block",
                "老旧工业点": "old_block",
                "低散工业区块": "old_block",
                "industrial park": "industrial",
                "micro park": "micro",
                "old block": "old_block",
            },
            "园区类型",
            "类型",
            "园区类别",
            required=True,
        ),
        _town(True),
        text("note", "备注", "说明", "note"),
    ),
    key=("code",),
    sheet_hints=("园区", "park"),
)

PARCELS = LedgerSchema(
    "parcels",
    "地块台账",
    "Parcels",
    fields=(
        code(
            "number",
            "地块编号",
            "宗地编号",
            "地块号",
            "宗地号",
            "宗地代码",
            "不动产单元号",
            "parcel number",
            required=True,
            key=True,
        ),
        code("park", "所属园区", "园区编号", "园区代码", "园区", "park", required=True),
        decimal(
            "area_m2",
            "平方米",
            "面积",
            "地块面积",
            "宗地面积",
            "用地面积",
            "土地面积",
            "占地面积",
            "area",
            label="面积",
            required=True,
            nonnegative=True,
        ),
        enum(
            "land_use",
            {
                "工业用地": "industrial",
                "工业": "industrial",
                "仓储用地": "warehouse",
                "仓储": "warehouse",
                "新型产业用地(M0)": "m0",
                "新型产业用地": "m0",
                "M0": "m0",
                "商服用地": "commercial",
                "商业服务业用地": "commercial",
                "商服": "commercial",
            },
            "用途",
            "土地用途",
            "用地性质",
            "用地类型",
            "land use",
        ),
        enum(
            "tenure",
            {"出让": "granted", "划拨": "allocated", "租赁": "leased", "租用": "leased"},
            "供地方式",
            "取得方式",
            "土地取得方式",
            "使用权类型",
            "权利性质",
            "tenure",
            required=True,
        ),
        enum(
            "status",
            {
                "在用": "in_use",
                "在建": "construction",
                "闲置": "idle",
                "储备": "reserve",
                "腾退中": "vacating",
                "腾退": "vacating",
            },
            "状态",
            "利用状态",
            "使用状态",
            "地块状态",
            "status",
        ),
        text("address", "坐落", "地块坐落", "宗地坐落", "地址", "位置", "address"),
    ),
    key=("number",),
    sheet_hints=("地块", "宗地", "parcel"),
)

ENTERPRISES = LedgerSchema(
    "enterprises",
    "企业台账",
    "Enterprises",
    fields=(
        code("uscc", *USCC_ALIASES, label="统一社会信用代码", required=True, key=True, validate=V.uscc),
        text("name", "企业名称", "单位名称", "名称", "纳税人名称", "enterprise name", required=True),
        code(
            "industry_code",
            "行业代码",
            "国民经济行业代码",
            "所属行业代码",
            "行业分类代码",
            "行业小类代码",
            "industry code",
            required=True,
            validate=V.industry,
        ),
        enum(
            "scale",
            {
                "规上": "above",
                "规模以上": "above",
                "规上企业": "above",
                "是": "above",
                "规下": "below",
                "规模以下": "below",
                "规下企业": "below",
                "否": "below",
            },
            "规模",
            "企业规模",
            "是否规上",
            "规上/规下",
            "规模类型",
            required=True,
        ),
        date("registered_on", "成立日期", "注册日期", "登记日期", "成立时间", "registration date", required=True),
        enum(
            "status",
            {
                "在营": "operating",
                "存续": "operating",
                "在业": "operating",
                "正常": "operating",
                "停产": "suspended",
                "停业": "suspended",
                "迁出": "relocated",
                "注销": "deregistered",
            },
            "状态",
            "经营状态",
            "企业状态",
            "登记状态",
        ),
        _town(False),
        text("contact", "联系人", "联系电话", "contact"),
    ),
    key=("uscc",),
    sheet_hints=("企业", "enterprise"),
)

OCCUPANCY = LedgerSchema(
    "occupancy",
    "用地关系台账",
    "Occupancy",
    fields=(
        code("uscc", *USCC_ALIASES, label="统一社会信用代码", required=True, key=True, validate=V.uscc),
        text("enterprise_name", "企业名称", "单位名称", "使用单位"),
        code("parcel", "地块编号", "宗地编号", "地块号", "宗地号", "parcel", required=True, key=True),
        enum(
            "kind",
            {"自有": "owned", "自用": "owned", "出让": "owned", "租赁": "leased", "承租": "leased", "租用": "leased"},
            "使用方式",
            "用地方式",
            "使用类型",
            "kind",
            required=True,
        ),
        code("lessor", "出租方统一社会信用代码", "出租方信用代码", "出租方代码", "lessor", validate=V.uscc),
        decimal(
            "area_m2",
            "平方米",
            "使用面积",
            "用地面积",
            "面积",
            "占用面积",
            "area",
            label="使用面积",
            required=True,
            nonnegative=True,
        ),
        date("start", "起始日期", "开始日期", "起租日期", "起始时间", "start", required=True, key=True),
        date("end", "终止日期", "结束日期", "到期日期", "终止时间", "end"),
    ),
    key=("uscc", "parcel", "start"),
    sheet_hints=("用地", "占地", "occupancy"),
)

FIGURES = LedgerSchema(
    "figures",
    "企业年度数据",
    "Yearly figures",
    fields=(
        code("uscc", *USCC_ALIASES, label="统一社会信用代码", required=True, key=True, validate=V.uscc),
        text("name", "企业名称", "单位名称", "名称", "纳税人名称"),
        integer("year", "年度", "年份", "统计年度", "数据年度", required=True, key=True, suffixes=("年度", "年")),
        decimal(
            "revenue", "万元", "主营业务收入", "营业收入", "销售收入", "营业总收入", "主营收入", label="主营业务收入"
        ),
        decimal(
            "tax",
            "万元",
            "实缴税收",
            "税收",
            "实缴税金",
            "税收总额",
            "纳税总额",
            "实际入库税收",
            "税收实际贡献",
            "实缴税金总额",
            label="实缴税收",
        ),
        decimal("value_added", "万元", "工业增加值", "增加值", label="工业增加值"),
        decimal(
            "energy_tce",
            "吨标准煤",
            "综合能耗",
            "能耗",
            "总能耗",
            "综合能源消费量",
            "能源消费量",
            "energy",
            label="综合能耗",
            nonnegative=True,
        ),
        decimal(
            "emissions_t",
            "吨",
            "主要污染物排放",
            "主要污染物排放量",
            "污染物排放量",
            "排放量",
            "排污量",
            "emissions",
            label="主要污染物排放",
            places=3,
            nonnegative=True,
        ),
        decimal(
            "rnd",
            "万元",
            "研发经费",
            "研发经费支出",
            "研发投入",
            "R&D经费支出",
            "R&D经费",
            "科技活动经费",
            label="研发经费",
            nonnegative=True,
        ),
        integer(
            "staff",
            "年平均职工人数",
            "职工人数",
            "年均职工人数",
            "从业人员",
            "从业人员年平均人数",
            "从业人数",
            "员工人数",
            "staff",
            suffixes=("人",),
            nonnegative=True,
        ),
        decimal(
            "electricity_10k_kwh",
            "万千瓦时",
            "用电量",
            "总用电量",
            "年用电量",
            "工业用电量",
            "electricity",
            label="用电量",
            nonnegative=True,
        ),
        decimal(
            "land_owned_mu",
            "亩",
            "自有用地",
            "自有用地面积",
            "自有土地面积",
            "自有土地",
            "自有",
            "自用地",
            label="自有用地",
            nonnegative=True,
        ),
        decimal(
            "land_leased_mu",
            "亩",
            "租赁用地",
            "租用土地",
            "租赁土地面积",
            "承租用地",
            "租用用地",
            "租赁",
            "租用",
            "承租",
            label="租赁用地",
            nonnegative=True,
        ),
        decimal(
            "land_let_mu",
            "亩",
            "出租用地",
            "出租土地",
            "租出用地",
            "出租土地面积",
            "出租",
            label="出租用地",
            nonnegative=True,
        ),
    ),
    key=("uscc", "year"),
    sheet_hints=("年度", "亩均", "数据", "figures"),
)

SCHEMAS: dict[str, LedgerSchema] = {s.name: s for s in (PARKS, PARCELS, ENTERPRISES, OCCUPANCY, FIGURES, LAND_SUPPLY)}


def get_schema(name: str | LedgerSchema) -> LedgerSchema:
    if isinstance(name, LedgerSchema):
        return name
    try:
        return SCHEMAS[name]
    except KeyError:
        known = ", ".join(SCHEMAS)
        raise LedgerUnusable(
            f"没有名为“{name}”的台账（可选：{known}）",
            f"There is no ledger called '{name}' (known: {known})",
            rule="ledger.kind",
        ) from None
