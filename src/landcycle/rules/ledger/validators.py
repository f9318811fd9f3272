"""Code validators a ``FieldSpec`` can hook: credit codes, industry codes, division codes.

Each takes ``(value, field)`` and returns ``Problem``s (rule code + Chinese and English message), reusing
``landcycle.rules.codes`` so that a ledger and a form say the same thing about the same code.
"""

from __future__ import annotations

from functools import lru_cache

from landcycle.rules import codes
from landcycle.rules.problems import Problem

_ALPHABET = frozenset(codes.USCC_ALPHABET)


def uscc(value: str, field: str) -> list[Problem]:
    """GB 32100-2015. Fast path for the valid case; ``codes.uscc_problems`` explains the rest."""
    if (
        len(value) == 18
        and _ALPHABET.issuperset(value)
        and value[2:8].isdigit()
        and codes.uscc_check_char(value[:17]) == value[17]
    ):
        return []
    return codes.uscc_problems(value, field)


def industry(value: str, field: str) -> list[Problem]:
    """A 4-digit class of GB/T 4754-2017 (a leading section letter, C3311, is accepted and dropped)."""
    v = value[1:] if len(value) == 5 and value[0].isalpha() else value
    return codes.industry_problems(v, field)


@lru_cache(maxsize=1)
def _division_codes() -> frozenset[str]:
    return frozenset(d.code for d in codes.divisions())


def division(value: str, field: str) -> list[Problem]:
    """A division given by code (6-digit county, 9-digit town, 12-digit form of either) must exist in
    the 2023 statistical codes. A name (慈溪市, 新浦镇) is left for the importer to resolve."""
    if not value.isdigit():
        return []
    known = _division_codes()
    v = value
    if len(v) == 12:  # 330282112000 -> 330282112, 330282000000 -> 330282
        v = v[:6] if v.endswith("000000") else v[:9] if v.endswith("000") else v
    if v in known:
        return []
    return [
        Problem(
            field,
            "division.unknown",
            f"区划代码“{value}”不在统计用区划代码（2023年）中",
            f"Division code '{value}' is not in the 2023 statistical division codes",
        )
    ]
