"""The parks of the seed story (慈溪：巡视整改推动工业园区"老树绽新芽", 浙江省纪委监委, 2019-11-13).

- 敦和园区 (新浦镇): bought back by the town in 2013, a "typical" low-yield block, tax per mu under
  1万元; leases have run out and firms are slow to leave (腾退).
- 彭桥工业园区 (横河镇): a renovation headquarters (改造提升指挥部) deals with its 53 enterprises.
- 桥头镇东工业区 and 桥头镇西工业区: together 1,171 mu of old factory land under renovation; the old
  waste-plastics market at 烟墩 (118 mu) has been pulled down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .plan import OLD_BLOCK

DUNHE, PENGQIAO, QIAOTOU_EAST, QIAOTOU_WEST = "dunhe", "pengqiao", "qiaotou_east", "qiaotou_west"

DUNHE_MAX_TAX_PER_MU = 1  # 万元/亩: "亩均税收不到1万元"
PENGQIAO_ENTERPRISES = 53
QIAOTOU_TOTAL_MU = 1171
QIAOTOU_TOTAL_M2 = Decimal("780666.67")  # 1171 mu × 2000/3, to the cent
YANDUN_MU = (40.0, 45.0, 33.0)  # the demolished 烟墩 market, 118 mu, now reserve land


@dataclass(frozen=True)
class StoryPark:
    key: str
    town_code: str
    name: str
    kind: str
    parcels: int
    note: str
    offset_m: tuple[float, float] = (0.0, 0.0)  # preferred place relative to the town's point
    total_m2: Decimal | None = None  # exact sum of the parcels' stated areas
    statuses: dict[str, int] = field(default_factory=dict)  # exact status counts, when the story fixes them


STORY_PARKS = (
    StoryPark(
        key=DUNHE,
        town_code="330282112",
        name="敦和园区",
        kind=OLD_BLOCK,
        parcels=24,
        offset_m=(0.0, 700.0),
        statuses={"in_use": 9, "vacating": 7, "idle": 6, "reserve": 2},
        note="2013年新浦镇政府回购；低效工业用地典型，亩均税收不到1万元；租约到期后部分企业迟迟不腾退，"
        "遗留垃圾和生产设备待清理。",
    ),
    StoryPark(
        key=PENGQIAO,
        town_code="330282114",
        name="彭桥工业园区",
        kind=OLD_BLOCK,
        parcels=50,
        statuses={"in_use": 44, "vacating": 3, "idle": 2, "reserve": 1},
        note="横河镇组建彭桥工业园区改造提升指挥部，对涉及的53家企业进行改造提升，盘活存量工业用地。",
    ),
    StoryPark(
        key=QIAOTOU_EAST,
        town_code="330282109",
        name="桥头镇东工业区",
        kind=OLD_BLOCK,
        parcels=36,
        offset_m=(900.0, 0.0),
        total_m2=Decimal("426666.67"),  # 640 mu
        note="桥头镇东、西两个工业区共1171亩老旧工业厂房改造，推进\u201c退二优二\u201d项目落地。",
    ),
    StoryPark(
        key=QIAOTOU_WEST,
        town_code="330282109",
        name="桥头镇西工业区",
        kind=OLD_BLOCK,
        parcels=30,
        offset_m=(-900.0, 0.0),
        total_m2=Decimal("354000.00"),  # 531 mu
        note="桥头镇东、西两个工业区共1171亩老旧工业厂房改造；已拆除烟墩老废塑料市场老旧厂房及周边违建118亩。",
    ),
)

assert sum(p.total_m2 for p in STORY_PARKS if p.total_m2) == QIAOTOU_TOTAL_M2
