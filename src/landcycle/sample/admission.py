"""The sample county's admission stage (准入, issue 14): the county's entry rules with the seed's parks, and about
forty applications in every state — drafts, under review, returned and resubmitted, admitted (most already signed
as contracts under supervision), one admitted as an exception (一事一议), and a rejection for each kind of rule.

The seed: 敦和园区 (新浦镇), cleared after the inspection, takes two new projects — a scrapped-vehicle recycling
and dismantling project (GB/T 4754-2017 4210 金属废料和碎屑加工处理) and a transport new-materials base (3062
玻璃纤维增强塑料制品制造); the 小微企业园 keep a minimum tax per mu and a negative list (electroplating 3360,
dyeing 171x / 1752). Everything is written through the admission services (checked, scoped, audited).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .plan import REFERENCE_DATE

XINPU, QIAOTOU, HENGHE = "330282112", "330282109", "330282114"
RULES_FROM = dt.date(2025, 6, 1)


@dataclass(frozen=True)
class Sample:
    town: str
    park: str  # a park's name in the sample county
    project: str
    industry: str
    land: Decimal | None  # None: the park's first reserve parcel, whole
    fate: str  # draft, submitted, partial, returned, resubmitted, admitted, signed, exception, rejected
    change: dict = field(default_factory=dict)  # figures that differ from a good project of this land
    day: dt.date = dt.date(2026, 3, 2)
    reason: str = ""
    firm: str = ""


def good(land: Decimal) -> dict[str, Decimal]:
    """The figures of a project that passes every rule of the sample's parks on ``land`` mu."""
    revenue = 420 * land
    return {
        "land_mu": land,
        "fixed_investment": 330 * land,
        "total_investment": 410 * land,
        "revenue": revenue,
        "tax": 16 * land,
        "value_added": 110 * land,
        "energy_tce": Decimal("0.3") * 110 * land,
        "emissions_t": Decimal("0.02") * land,
        "rd_expense": Decimal("0.035") * revenue,
        "staff": 3 * land,
        "plot_ratio": Decimal("2.2"),
        "building_density": Decimal(45),
        "green_share": Decimal(12),
        "office_share": Decimal(5),
    }


D = Decimal
XP, YX, BW, DH = "新浦工业园区", "新浦永兴工业园区", "新浦滨湾工业园区", "敦和园区"
QT, QP, QE = "桥头工业园区", "桥头浦前工业园区", "桥头镇东工业区"
HM, HQ, HC = "横河小微企业园", "横河前湾小微企业园", "横河潮涌工业园区"
XM = "新浦小微园区"  # the seed's 小微园区 (sample.generate.mark_xinpu_micro)

SAMPLES: tuple[Sample, ...] = (
    # 敦和园区: the two new projects after the clean-up, admitted and signed
    Sample(
        XINPU,
        DH,
        "报废机动车回收拆解项目",
        "4210",
        None,
        "signed",
        day=dt.date(2025, 7, 8),
        firm="慈溪市绿循再生资源有限公司",
    ),
    Sample(
        XINPU,
        DH,
        "交通新材料产业基地",
        "3062",
        None,
        "signed",
        day=dt.date(2025, 8, 12),
        firm="宁波甬通新材料科技有限公司",
    ),
    # admitted and signed elsewhere
    Sample(XINPU, XP, "年产80万台高效节能冰箱项目", "3851", D(42), "signed", day=dt.date(2025, 6, 20)),
    Sample(XINPU, YX, "新能源汽车电驱零部件项目", "3670", D(36), "signed", day=dt.date(2025, 9, 3)),
    Sample(XINPU, BW, "智能配电开关设备项目", "3823", D(25), "signed", day=dt.date(2025, 11, 18)),
    Sample(QIAOTOU, QT, "精密液压件生产线项目", "3484", D(30), "signed", day=dt.date(2025, 7, 22)),
    Sample(QIAOTOU, QP, "功率半导体器件封装项目", "3824", D(28), "signed", day=dt.date(2026, 1, 15)),
    Sample(QIAOTOU, QE, "退二优二：高端轴承制造项目", "3451", D(20), "signed", day=dt.date(2025, 10, 9)),
    Sample(HENGHE, HC, "特种电线电缆项目", "3831", D(33), "signed", day=dt.date(2026, 2, 10)),
    Sample(HENGHE, HM, "小型精密五金件项目", "3489", D(12), "signed", day=dt.date(2025, 12, 1)),
    # admitted, contract not signed yet
    Sample(XINPU, XP, "气体压缩机整机项目", "3442", D(40), "admitted", day=dt.date(2026, 9, 14)),
    Sample(QIAOTOU, QT, "工业锅炉辅机项目", "3411", D(26), "admitted", day=dt.date(2026, 10, 8)),
    Sample(HENGHE, HQ, "电气信号装置项目", "3891", D(10), "admitted", day=dt.date(2026, 10, 20)),
    # 一事一议: tax per mu under the minimum, admitted as the county's key project with its reason
    Sample(
        XINPU,
        BW,
        "县重点：显示面板模组项目",
        "3974",
        D(60),
        "exception",
        {"tax": 6 * 60},
        day=dt.date(2026, 5, 6),
        reason="县重大产业项目，县政府常务会议一事一议同意，按投产后第三年亩均税收不低于8万元另行约定",
    ),
    # rejected, one for each kind of rule
    Sample(
        XINPU,
        XM,
        "五金电镀加工项目",
        "3360",
        D(8),
        "rejected",
        day=dt.date(2026, 4, 2),
        reason="电镀列入小微园区负面清单",
    ),
    Sample(
        HENGHE,
        HQ,
        "棉布印染项目",
        "1713",
        D(15),
        "rejected",
        day=dt.date(2026, 4, 21),
        reason="印染列入小微企业园负面清单",
    ),
    Sample(
        QIAOTOU,
        QE,
        "塑料零件注塑项目",
        "2929",
        D(18),
        "rejected",
        day=dt.date(2026, 3, 9),
        reason="不属于老工业区块准入产业目录",
    ),
    Sample(
        XINPU,
        YX,
        "原油加工项目",
        "2511",
        D(50),
        "rejected",
        day=dt.date(2026, 2, 3),
        reason="列入县负面清单，不再新增炼化产能",
    ),
    Sample(
        XINPU,
        XP,
        "五金冲压件项目",
        "3399",
        D(30),
        "rejected",
        {"tax": 5 * 30},
        day=dt.date(2026, 5, 12),
        reason="承诺亩均税收低于园区标准",
    ),
    Sample(
        QIAOTOU,
        QP,
        "模具加工项目",
        "3484",
        D(25),
        "rejected",
        {"fixed_investment": 100 * 25, "total_investment": 130 * 25},
        day=dt.date(2026, 6, 1),
        reason="固定资产投资强度不足",
    ),
    Sample(
        HENGHE,
        HC,
        "电器装配项目",
        "3851",
        D(20),
        "rejected",
        {"revenue": 180 * 20},
        day=dt.date(2026, 6, 18),
        reason="亩均产出低于标准",
    ),
    Sample(
        XINPU,
        BW,
        "仓储式生产项目",
        "3489",
        D(35),
        "rejected",
        {"plot_ratio": D("0.8")},
        day=dt.date(2026, 7, 7),
        reason="容积率低于1.0",
    ),
    Sample(
        QIAOTOU,
        QT,
        "露天堆场加工项目",
        "3399",
        D(22),
        "rejected",
        {"building_density": D(22)},
        day=dt.date(2026, 7, 20),
        reason="建筑系数低于30%",
    ),
    Sample(
        XINPU,
        YX,
        "花园式厂区项目",
        "3670",
        D(30),
        "rejected",
        {"green_share": D(28)},
        day=dt.date(2026, 8, 4),
        reason="绿地率超过20%",
    ),
    Sample(
        HENGHE,
        HC,
        "总部办公配套项目",
        "3823",
        D(24),
        "rejected",
        {"office_share": D(15)},
        day=dt.date(2026, 8, 19),
        reason="办公生活用地比例超过7%",
    ),
    Sample(
        QIAOTOU,
        QP,
        "高耗能铸造项目",
        "3399",
        D(30),
        "rejected",
        {"energy_tce": 1 * 110 * 30},
        day=dt.date(2026, 9, 2),
        reason="单位增加值能耗超过0.5吨标准煤/万元",
    ),
    Sample(
        HENGHE,
        HM,
        "大型机加工项目",
        "3484",
        D(45),
        "rejected",
        day=dt.date(2026, 9, 16),
        reason="小微企业园用地不超过30亩",
    ),
    Sample(
        XINPU,
        XP,
        "资料不全项目",
        "3489",
        D(20),
        "rejected",
        {"value_added": None, "energy_tce": None},
        day=dt.date(2026, 9, 28),
        reason="未提供增加值和能耗，无法审查",
    ),
    # returned for changes (one amended and waiting, the other resubmitted and under review again)
    Sample(
        XINPU,
        YX,
        "智能家居控制器项目",
        "3824",
        D(20),
        "returned",
        {"tax": 7 * 20},
        day=dt.date(2026, 10, 12),
        reason="亩均税收不足8万元/亩，请调整承诺或减少用地",
    ),
    Sample(
        QIAOTOU,
        QT,
        "汽车线束项目",
        "3670",
        D(25),
        "returned",
        {"plot_ratio": D("0.9")},
        day=dt.date(2026, 10, 26),
        reason="容积率不足，请调整规划方案",
    ),
    Sample(
        HENGHE,
        HC,
        "光伏接线盒项目",
        "3824",
        D(18),
        "resubmitted",
        {"tax": 6 * 18},
        day=dt.date(2026, 9, 30),
        reason="亩均税收不足",
    ),
    Sample(
        XINPU,
        BW,
        "伺服电机项目",
        "3442",
        D(28),
        "resubmitted",
        {"fixed_investment": 120 * 28},
        day=dt.date(2026, 10, 5),
        reason="投资强度不足",
    ),
    # under review (some departments have answered)
    Sample(XINPU, XP, "空调压缩机零件项目", "3442", D(32), "partial", day=dt.date(2026, 11, 9)),
    Sample(QIAOTOU, QP, "储能电池结构件项目", "3489", D(26), "partial", day=dt.date(2026, 11, 12)),
    Sample(HENGHE, HQ, "小型电机装配项目", "3891", D(9), "submitted", day=dt.date(2026, 11, 17)),
    Sample(XINPU, YX, "汽车座椅骨架项目", "3670", D(22), "submitted", day=dt.date(2026, 11, 20)),
    Sample(QIAOTOU, QE, "节能风机项目", "3442", D(16), "submitted", {"green_share": D(25)}, day=dt.date(2026, 11, 23)),
    # drafts
    Sample(XINPU, BW, "医疗器械零部件项目", "3489", D(15), "draft", {"tax": None, "value_added": None}),
    Sample(QIAOTOU, QT, "工业机器人减速器项目", "3484", D(30), "draft"),
    Sample(HENGHE, HM, "电子元件贴片项目", "3824", D(6), "draft", {"energy_tce": None}),
    Sample(HENGHE, HC, "五金工具项目", "3399", D(20), "draft"),
)

FIRMS = ("慈溪市{}科技有限公司", "宁波{}智能制造有限公司", "浙江{}实业有限公司")
BRANDS = "恒瑞 宏达 甬兴 海越 明阳 华跃 聚能 德信 中拓 鑫源 锦程 远航 东恒 瑞丰 新程 汇川 天工 昌盛 凯达 嘉利".split()


def rules_text(shipped: str, dunhe: str, micro: str, xinpu_micro: str) -> str:
    """The county's version of the entry rules: the shipped default, 敦和园区's industries after the clean-up,
    横河小微企业园's own minimum tax per mu, and the seed's 新浦镇 小微园区 (《新浦镇小微园区管理办法》: a minimum tax
    per mu and a negative list on top of the county's rules for every 小微企业园)."""
    text = shipped.replace('version = "2026.1"', 'version = "2025.6-慈溪"').replace(
        'effective_from = "2026-01-01"', f'effective_from = "{RULES_FROM.isoformat()}"'
    )
    return (
        text
        + f"""
# 敦和园区 (新浦镇): after the clean-up the park takes renewal projects of equipment, new materials and resource
# recycling (报废机动车回收拆解, 交通新材料).
[parks."{dunhe}".industries]
source = "新浦镇敦和园区腾退再利用产业导向（示例）"
dated = "2025-03-01"
positive = ["34", "35", "36", "38", "39", "40", "42", "306"]

[parks."{micro}".rules.tax_per_mu]
min = 12
source = "横河镇小微企业园入园管理办法（示例）"
dated = "2025-05-01"

# 新浦小微园区: after the clean-up of 敦和园区 the town set its entry threshold (the seed's 《新浦镇小微园区管理办法》).
[parks."{xinpu_micro}".rules.tax_per_mu]
min = 15
source = "新浦镇小微园区管理办法（示例）"
dated = "2024-09-01"

[parks."{xinpu_micro}".industries]
source = "新浦镇小微园区管理办法（示例） 附件 负面清单"
dated = "2024-09-01"
negative = [
  {{ prefix = "3360", reason = "金属表面处理及热处理加工（电镀）：污染重，不入小微园区" }},
  {{ prefix = "171", reason = "棉纺织及印染精加工（印染）：污染重，不入小微园区" }},
  {{ prefix = "1752", reason = "化纤织物染整精加工：污染重，不入小微园区" }},
  {{ prefix = "2927", reason = "日用塑料制品制造：低端塑料加工不再入园" }},
  {{ prefix = "266", reason = "专用化学产品制造：危险化学品不入小微园区" }},
  {{ prefix = "3130", reason = "铁合金冶炼：高耗能不入小微园区" }},
]
"""
    )


__all__ = ["REFERENCE_DATE", "SAMPLES", "good", "rules_text"]
