"""Who the sample's enterprises are: 统一社会信用代码, GB/T 4754-2017 class, name, contact.

Codes are valid GB 32100-2015 codes of 慈溪 (91 + 330282 + organisation code + check). Firms
registered before the 2015 reform carry an old 8-digit organisation code; later ones the "MA2…"
form real Cixi codes have. Industries lean to what Cixi makes: household appliances (385x),
general equipment (34xx) and bearings (3451), plastics (29xx), textiles and clothing (17xx/18xx),
auto parts (3670) and electrical machinery (38xx).
"""

from __future__ import annotations

import random

from landcycle.rules.codes import USCC_ALPHABET, industry_class, is_valid_uscc, make_uscc, manufacturing_classes

from .plan import COUNTY_CODE

OLD_ORG_PREFIXES = (
    "14",
    "25",
    "30",
    "31",
    "32",
    "56",
    "57",
    "58",
    "59",
    "68",
    "69",
    "70",
    "71",
    "72",
    "73",
    "74",
    "75",
    "76",
    "77",
    "78",
    "79",
)

# (classes, weight); None = any other manufacturing class
INDUSTRY_MIX: tuple[tuple[tuple[str, ...] | None, int], ...] = (
    (("3851", "3852", "3853", "3854", "3855", "3856", "3857", "3859"), 22),  # 家用电器
    (
        (
            "3441",
            "3442",
            "3443",
            "3444",
            "3446",
            "3453",
            "3459",
            "3462",
            "3464",
            "3465",
            "3481",
            "3482",
            "3483",
            "3484",
            "3489",
        ),
        14,
    ),  # 通用设备
    (("3451", "3452"), 6),  # 轴承
    (("2921", "2922", "2923", "2926", "2927", "2929"), 12),  # 塑料制品
    (("1711", "1713", "1751", "1761", "1763", "1781", "1819", "1829", "1830"), 10),  # 纺织服装
    (("3670",), 8),  # 汽车零部件
    (("3811", "3812", "3813", "3821", "3823", "3824", "3831", "3839", "3872", "3879", "3899"), 10),  # 电气
    (("3311", "3321", "3322", "3329", "3351", "3352", "3360", "3381", "3389", "3391", "3392", "3399"), 8),
    (("3525",), 3),  # 模具
    (("3982", "3983", "3989", "4011", "4012"), 4),  # 电子、仪表
    (None, 5),
)
EXCLUDED_DIVISIONS = ("16", "25")  # no tobacco, no refineries in the sample


def other_classes() -> list[str]:
    named = {code for group, _w in INDUSTRY_MIX if group for code in group}
    return sorted(
        c.code for c in manufacturing_classes() if c.code not in named and c.division not in EXCLUDED_DIVISIONS
    )


def draw_industry(rng: random.Random, others: list[str]) -> str:
    groups = [g for g, _w in INDUSTRY_MIX]
    group = rng.choices(groups, weights=[w for _g, w in INDUSTRY_MIX])[0]
    code = rng.choice(group if group else others)
    if industry_class(code) is None:  # pragma: no cover - guarded by tests
        raise KeyError(f"{code} is not a GB/T 4754-2017 class")
    return code


def draw_uscc(rng: random.Random, registered_year: int, used: set[str], county: str = COUNTY_CODE) -> str:
    """A valid, unused 统一社会信用代码 for a company registered in the county (慈溪) in that year."""
    while True:
        if registered_year >= 2015:
            org8 = "MA2" + "".join(rng.choice(USCC_ALPHABET) for _ in range(5))
        else:
            org8 = rng.choice(OLD_ORG_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(6))
        code = make_uscc("91", county, org8)
        if code not in used and is_valid_uscc(code):
            used.add(code)
            return code
