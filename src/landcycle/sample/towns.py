"""The towns of 慈溪市 (2023 statistical codes), where their parks gather and how many parks each has.

Names come from the shipped division list; the points are plausible locations of each town's
industrial land (WGS 84), and the park counts add up to the ~200 parks of DOMAIN §1.
"""

from __future__ import annotations

from landcycle.rules.codes import divisions

from .plan import COUNTY_CODE, TownPlan

# code: (lon, lat, parks)
TOWN_PROFILE: dict[str, tuple[float, float, int]] = {
    "330282002": (121.205, 30.205, 8),  # 宗汉街道
    "330282003": (121.175, 30.225, 9),  # 坎墩街道
    "330282004": (121.245, 30.168, 3),  # 浒山街道 (the city centre: little industry)
    "330282005": (121.225, 30.185, 4),  # 白沙路街道
    "330282006": (121.262, 30.180, 5),  # 古塘街道
    "330282104": (121.405, 30.140, 10),  # 掌起镇
    "330282107": (121.345, 30.150, 13),  # 观海卫镇
    "330282108": (121.320, 30.225, 9),  # 附海镇
    "330282109": (121.290, 30.135, 10),  # 桥头镇
    "330282110": (121.245, 30.128, 7),  # 匡堰镇
    "330282111": (121.195, 30.160, 9),  # 逍林镇
    "330282112": (121.285, 30.215, 11),  # 新浦镇
    "330282113": (121.160, 30.245, 8),  # 胜山镇
    "330282114": (121.200, 30.120, 11),  # 横河镇
    "330282116": (121.120, 30.255, 7),  # 崇寿镇
    "330282118": (121.130, 30.295, 8),  # 庵东镇
    "330282120": (121.135, 30.210, 9),  # 长河镇
    "330282121": (121.095, 30.190, 13),  # 周巷镇
    "330282123": (121.470, 30.125, 9),  # 龙山镇
    "330282402": (121.350, 30.265, 16),  # 滨海经济开发区
    "330282403": (121.210, 30.265, 12),  # 高新技术产业园区
    "330282404": (121.265, 30.245, 4),  # 环杭州湾创新中心
    "330282405": (121.190, 30.300, 2),  # 现代农业开发区
    "330282406": (121.240, 30.205, 3),  # 长三角商贸园区
}

# Short names of the functional zones (功能区), used as the prefix of their parks' names.
ZONE_SHORT = {
    "330282402": "滨海",
    "330282403": "高新区",
    "330282404": "环湾",
    "330282405": "现代农业",
    "330282406": "商贸园区",
}


def short_name(code: str, name: str) -> str:
    """新浦镇 -> 新浦, 白沙路街道 -> 白沙路; functional zones have their own short names."""
    if code in ZONE_SHORT:
        return ZONE_SHORT[code]
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_zone(code: str) -> bool:
    """功能区 (development zones) have codes 4xx in the town position (慈溪's are those of ZONE_SHORT)."""
    return code in ZONE_SHORT or (not code.startswith(COUNTY_CODE) and code[6:7] == "4")


def sample_towns() -> list[TownPlan]:
    """The county's 24 towns, subdistricts and zones, in code order."""
    towns = [d for d in divisions(COUNTY_CODE) if d.level == "town"]
    missing = [d.code for d in towns if d.code not in TOWN_PROFILE]
    if missing:
        raise KeyError(f"no sample profile for towns {missing}")
    out = []
    for d in towns:
        lon, lat, _parks = TOWN_PROFILE[d.code]
        out.append(TownPlan(code=d.code, name=d.name, short=short_name(d.code, d.name), lon=lon, lat=lat))
    return out


def park_count(code: str) -> int:
    return TOWN_PROFILE[code][2]
