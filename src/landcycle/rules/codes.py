"""Identifiers: 统一社会信用代码 (GB 32100-2015), GB/T 4754-2017 industry codes, division codes.

Data files are package data in ``landcycle/data`` (see ``data/SOURCES.md``).
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .problems import Problem

# ---------------------------------------------------------------- 统一社会信用代码 GB 32100-2015
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O S V Z; values 0..30
USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for i = 1..17


def normalize_uscc(raw: str) -> str:
    """Full-width to half-width, spaces dropped, upper case (as GB 32100 asks on input)."""
    return "".join(unicodedata.normalize("NFKC", str(raw)).split()).upper()


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=False))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problems(raw: str, field: str = "uscc") -> list[Problem]:
    """Every way ``raw`` fails GB 32100-2015; an empty list when it is a valid code."""
    code = normalize_uscc(raw)
    if len(code) != 18:
        return [
            Problem(
                field,
                "uscc.length",
                f"统一社会信用代码应为18位，实为{len(code)}位（GB 32100-2015）",
                f"A unified social credit code has 18 characters, this one has {len(code)} (GB 32100-2015)",
            )
        ]
    bad = sorted({c for c in code if c not in USCC_VALUE})
    if bad:
        chars = "".join(bad)
        return [
            Problem(
                field,
                "uscc.alphabet",
                f"统一社会信用代码含非法字符“{chars}”（不得使用I、O、S、V、Z，GB 32100-2015）",
                f"The credit code contains characters not allowed: '{chars}' (I, O, S, V, Z are excluded, GB 32100-2015)",
            )
        ]
    if not code[2:8].isdigit():
        return [
            Problem(
                field,
                "uscc.division",
                "统一社会信用代码第3–8位应为6位行政区划码（GB 32100-2015）",
                "Characters 3-8 of a credit code must be a 6-digit division code (GB 32100-2015)",
            )
        ]
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return [
            Problem(
                field,
                "uscc.check",
                f"统一社会信用代码校验位错误：第18位应为“{expected}”，实为“{code[17]}”（GB 32100-2015）",
                f"Credit code check character is wrong: expected '{expected}', found '{code[17]}' (GB 32100-2015)",
            )
        ]
    return []


def is_valid_uscc(raw: str) -> bool:
    return not uscc_problems(raw)


def make_uscc(prefix2: str, division6: str, org8: str) -> str:
    """Build a code with a correct check character (for sample data and tests).

    ``org8`` is the first 8 characters of the organisation code; its own check character (GB 11714)
    is computed too.
    """
    bad = set(prefix2 + division6 + org8) - set(USCC_ALPHABET)
    if bad:
        raise ValueError(f"characters {sorted(bad)} are not in the GB 32100 alphabet")
    org9 = org8 + _org_check_char(org8)
    first17 = prefix2 + division6 + org9
    return first17 + uscc_check_char(first17)


_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def _org_check_char(org8: str) -> str:
    # GB 11714-1997: values of 0-9 and A-Z (A=10), weights above, C9 = 11 - sum mod 11; 10 -> X, 11 -> 0
    def val(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55

    r = 11 - sum(val(c) * w for c, w in zip(org8, _ORG_WEIGHTS, strict=False)) % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


# ---------------------------------------------------------------- GB/T 4754-2017
@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    level: int  # 1 section, 2 division, 3 group, 4 class
    section: str
    division: str
    group: str


@lru_cache(maxsize=1)
def industries() -> dict[str, Industry]:
    """All codes of GB/T 4754-2017 shipped with the product, keyed by code (sections by letter)."""
    text = resources.files("landcycle.data").joinpath("gbt4754_2017.csv").read_text("utf-8")
    out: dict[str, Industry] = {}
    for row in csv.DictReader(text.splitlines()):
        code = row["code"].strip()
        level = int(row["level"])
        group = row["group"].strip() or (code[:3] if level >= 3 else "")
        out[code] = Industry(
            code,
            row["name"].strip(),
            level,
            row["section"].strip(),
            row["division"].strip() or (code[:2] if level >= 2 else ""),
            group,
        )
    return out


def industry_class(code: str) -> Industry | None:
    """A 4-digit class, or None when it is not in GB/T 4754-2017."""
    ind = industries().get(str(code).strip())
    return ind if ind and ind.level == 4 else None


def industry_lineage(code: str) -> list[Industry]:
    """Section, division, group (derived from the first 3 digits when the list lacks it) and class."""
    cls = industry_class(code)
    if cls is None:
        return []
    table = industries()
    out = [table[cls.section], table[cls.division]]
    grp = table.get(cls.code[:3])
    if grp is None:
        grp = Industry(cls.code[:3], "", 3, cls.section, cls.division, cls.code[:3])
    out.append(grp)
    out.append(cls)
    return out


def industry_problems(raw: str, field: str = "industry_code") -> list[Problem]:
    code = str(raw or "").strip()
    if code.endswith(".0"):  # spreadsheets turn 3311 into 3311.0
        code = code[:-2]
    if industry_class(code) is None:
        return [
            Problem(
                field,
                "industry.unknown",
                f"行业代码“{code}”不是GB/T 4754-2017中的4位小类",
                f"Industry code '{code}' is not a 4-digit class of GB/T 4754-2017",
            )
        ]
    return []


def manufacturing_classes() -> list[Industry]:
    """Classes of section C (divisions 13-43)."""
    return [i for i in industries().values() if i.level == 4 and i.section == "C"]


# ---------------------------------------------------------------- divisions (2023 statistical codes)
@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province, city, county, town
    parent: str | None


def _read(name: str) -> list[dict]:
    text = resources.files("landcycle.data").joinpath("divisions", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def divisions(county: str | None = None) -> list[Division]:
    """The division tree, parents first. With ``county`` only that county, its ancestors and its towns."""
    provinces = _read("provinces.csv")
    cities = _read("cities.csv")
    areas = _read("areas.csv")
    streets = _read("streets.csv")
    if county:
        areas = [a for a in areas if a["code"] == county]
        if not areas:
            raise KeyError(county)
        cities = [c for c in cities if c["code"] == areas[0]["cityCode"]]
        provinces = [p for p in provinces if p["code"] == areas[0]["provinceCode"]]
        streets = [s for s in streets if s["areaCode"] == county]
    out = [Division(p["code"], p["name"], "province", None) for p in provinces]
    out += [Division(c["code"], c["name"], "city", c["provinceCode"]) for c in cities]
    out += [Division(a["code"], a["name"], "county", a["cityCode"]) for a in areas]
    out += [Division(s["code"], s["name"], "town", s["areaCode"]) for s in streets]
    return out
