"""Plausible Chinese names for the sample: parks (园区), companies (企业) and people (联系人).

All names are made up from common parts; any likeness to a real firm is chance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .plan import INDUSTRIAL, MICRO, OLD_BLOCK


@dataclass(frozen=True)
class Places:
    """The place names a company name starts with: its county (慈溪市), short form (慈溪), city (宁波)
    and province (浙江)."""

    county: str
    short: str
    city: str
    province: str = "浙江"


CIXI = Places(county="慈溪市", short="慈溪", city="宁波")

# Place-like words for parks in towns: sea walls (塘) and villages are how Cixi names its land.
PLACES = (
    "三塘 四塘 五塘 六塘 七塘 八塘 九塘 潮塘 海晏 海圆 新华 振兴 兴业 金山 东山 西山 北山 南山 云城 天元 长胜 东海 "
    "双湖 新塘 浦前 大桥 双桥 洋浦 湖塘 杨梅 上林 鸣鹤 五磊 伏龙 凤浦 卫前 白洋 界牌 师桥 洪魏 担山 高王 宓家埭 "
    "蒋家 胡家 孙塘 郑家 徐家 陈家 周家 范市 庙山 芦庵 潮涌 海丰 东畈 中舍 潘岙 童岙 杜湖 海通 兴慈 永兴 宏兴 明州 "
    "慈东 慈北 坎东 宗兴 杭湾 滨湾 前湾 新城 华兴 联丰 联合 团结 光明 胜利 红旗 建设 新建 长丰 长兴 富民 万安 东安 "
    "永安 乐安 崇福 南门 北门 西门 东门 海星 海南 海北 塘角 新东 新西 三北 四灶 六灶 七灶 八灶 九灶 十塘 南二 北一"
).split()

# Industry themes for the parks of development zones (功能区).
THEMES = (
    "智能家电 汽车零部件 高端装备 新材料 电子信息 生命健康 精密轴承 模具 新能源 智能制造 电气 "
    "环保产业 机器人 数字经济 光电 小家电 农产品加工 食品"
).split()

KIND_SUFFIX = {INDUSTRIAL: "工业园区", MICRO: "小微企业园", OLD_BLOCK: "老工业区块"}
ZONE_KIND_SUFFIX = {INDUSTRIAL: "产业园", MICRO: "小微企业园", OLD_BLOCK: "老工业区块"}

# Words of a company name by the start of its industry code (longest prefix wins).
INDUSTRY_WORDS = {
    "385": ("电器", "家电", "电器制造", "小家电", "厨具", "日用电器"),
    "3451": ("轴承", "精密轴承", "轴承制造", "轴承配件"),
    "3452": ("轴承", "轴瓦"),
    "3525": ("模具", "模塑", "精密模具"),
    "367": ("汽车部件", "汽配", "汽车零部件", "汽车配件"),
    "34": ("机械", "机电", "精工", "液压", "五金机械", "阀门", "泵业"),
    "35": ("机械", "设备", "机械制造"),
    "38": ("电气", "电机", "电子", "电工", "照明", "电器"),
    "29": ("塑业", "塑料制品", "塑胶", "橡塑", "塑料"),
    "17": ("纺织", "针织", "化纤", "纺织品", "织造"),
    "18": ("服饰", "制衣", "服装"),
    "33": ("金属制品", "五金", "不锈钢制品", "铸造", "五金制品"),
    "39": ("电子科技", "电子", "光电"),
    "40": ("仪表", "自动化", "仪器"),
    "13": ("食品", "农产品"),
    "14": ("食品",),
    "22": ("纸业", "包装"),
    "26": ("化工", "新材料"),
    "30": ("建材", "新型建材"),
}
DEFAULT_WORDS = ("实业", "科技", "制品", "工贸", "新材料")

BRAND_CHARS = (
    "华宏兴盛达利鑫腾宇恒新力丰海通伟佳凯隆昌博诚德东方富光广国汇金锦俊康乐美明欧普奇瑞润赛森顺泰天万威先祥欣旭"
    "亚益永远跃正中卓嘉浩辉捷科朗龙迈耐鹏全荣盈舜慈杰豪立飞雅星晨振盛源宝"
)

SURNAMES = "胡孙陈王张徐沈叶岑罗邵柴施余周杨黄吴马严钱方潘龚卢朱戚劳应陆俞郑蒋童"
GIVEN_CHARS = "建国伟军明华丽芳海燕志强立新杰勇敏静磊洁娟涛斌波峰辉霞平红英晓东雪梅文亮春林"


def park_name(*, short: str, zone: bool, kind: str, used: set[str], rng: random.Random, pool: list[str]) -> str:
    """A park name unique within ``used``: 周巷工业园区, 周巷三塘小微企业园, 滨海智能家电产业园 …"""
    suffix = (ZONE_KIND_SUFFIX if zone else KIND_SUFFIX)[kind]
    plain = f"{short}{suffix}"
    if not zone and plain not in used:
        used.add(plain)
        return plain
    while True:
        mid = pool.pop() if pool else f"{rng.randint(2, 99)}号"
        name = f"{short}{mid}{suffix}"
        if name not in used:
            used.add(name)
            return name


def park_name_pool(*, zone: bool, rng: random.Random) -> list[str]:
    """The middle parts one town draws its park names from, shuffled."""
    pool = list(THEMES if zone else PLACES)
    rng.shuffle(pool)
    return pool


def industry_words(code: str) -> tuple[str, ...]:
    for length in (4, 3, 2):
        words = INDUSTRY_WORDS.get(code[:length])
        if words:
            return words
    return DEFAULT_WORDS


def company_name(
    *,
    industry_code: str,
    above: bool,
    registered_year: int,
    town_name: str,
    zone: bool,
    used: set[str],
    rng: random.Random,
    places: Places = CIXI,
) -> str:
    """慈溪市宏达电器有限公司, 宁波欣旭塑业有限公司, 浙江万盛轴承股份有限公司, 慈溪市新浦镇华丰塑料厂 …"""
    words = industry_words(industry_code)
    for _attempt in range(200):
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        if brand[0] == brand[1]:
            continue
        word = rng.choice(words)
        roll = rng.random()
        if registered_year < 1998 and not above and not zone and roll < 0.35:
            name = f"{places.county}{town_name}{brand}{word.removesuffix('制造')}厂"
        elif above and roll < 0.3:
            name = f"{rng.choice((places.province, places.city))}{brand}{word}股份有限公司"
        else:
            prefix = rng.choices((places.county, places.city, places.short), weights=(60, 30, 10))[0]
            name = f"{prefix}{brand}{word}有限公司"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("ran out of company names")  # pragma: no cover - 90² brands × words is plenty


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS)
    if rng.random() < 0.7:
        given += rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given
