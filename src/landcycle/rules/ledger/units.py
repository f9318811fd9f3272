"""Units that ledgers write in their headers (万元, 亩, 公顷, 千瓦时 …) and the factors between them.

Every unit belongs to one dimension and has an exact size (a ``Fraction``) in that dimension's base unit:

==============  ===========  =====================================================
dimension       base unit    units understood
==============  ===========  =====================================================
``area``        平方米 m²    平方米 平米 m² ㎡ 亩 公顷 ha hm² 万平方米 平方公里 km²
``money``       万元         元 千元 万元 亿元
``energy``      吨标准煤     吨标准煤 吨标煤 tce 万吨标准煤 千克标准煤 kgce
``electricity`` 万千瓦时     千瓦时 度 kWh 兆瓦时 MWh 万千瓦时 万度 亿千瓦时
``mass``        吨           吨 t 千克 公斤 kg 万吨
``ratio``       1            % ‰
==============  ===========  =====================================================

1 mu = 10000/15 m² = 2000/3 m² exactly and 1 hectare = 15 mu (``landcycle.rules.units``); a conversion
that does not terminate in decimal (亩 → 平方米) is rounded once, at the end, to the field's places.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from landcycle.rules.units import M2_PER_HECTARE, M2_PER_MU

AREA, MONEY, ENERGY, ELECTRICITY, MASS, RATIO = "area", "money", "energy", "electricity", "mass", "ratio"
DIMENSIONS = (AREA, MONEY, ENERGY, ELECTRICITY, MASS, RATIO)

DIMENSION_ZH = {AREA: "面积", MONEY: "金额", ENERGY: "能耗", ELECTRICITY: "电量", MASS: "重量", RATIO: "比例"}

_F = Fraction
# normalised token (NFKC, no spaces, lower case) -> (dimension, size in the base unit)
UNITS: dict[str, tuple[str, Fraction]] = {
    "平方米": (AREA, _F(1)),
    "平米": (AREA, _F(1)),
    "m2": (AREA, _F(1)),
    "米2": (AREA, _F(1)),
    "亩": (AREA, _F(M2_PER_MU)),
    "公顷": (AREA, _F(M2_PER_HECTARE)),
    "ha": (AREA, _F(M2_PER_HECTARE)),
    "hm2": (AREA, _F(M2_PER_HECTARE)),
    "万平方米": (AREA, _F(10000)),
    "平方公里": (AREA, _F(10**6)),
    "平方千米": (AREA, _F(10**6)),
    "km2": (AREA, _F(10**6)),
    "元": (MONEY, _F(1, 10000)),
    "千元": (MONEY, _F(1, 10)),
    "万元": (MONEY, _F(1)),
    "亿元": (MONEY, _F(10000)),
    "吨标准煤": (ENERGY, _F(1)),
    "吨标煤": (ENERGY, _F(1)),
    "tce": (ENERGY, _F(1)),
    "t标准煤": (ENERGY, _F(1)),
    "万吨标准煤": (ENERGY, _F(10000)),
    "万吨标煤": (ENERGY, _F(10000)),
    "万tce": (ENERGY, _F(10000)),
    "千克标准煤": (ENERGY, _F(1, 1000)),
    "kgce": (ENERGY, _F(1, 1000)),
    "千瓦时": (ELECTRICITY, _F(1, 10000)),
    "度": (ELECTRICITY, _F(1, 10000)),
    "kwh": (ELECTRICITY, _F(1, 10000)),
    "kw·h": (ELECTRICITY, _F(1, 10000)),
    "kw.h": (ELECTRICITY, _F(1, 10000)),
    "兆瓦时": (ELECTRICITY, _F(1, 10)),
    "mwh": (ELECTRICITY, _F(1, 10)),
    "万千瓦时": (ELECTRICITY, _F(1)),
    "万度": (ELECTRICITY, _F(1)),
    "万kwh": (ELECTRICITY, _F(1)),
    "亿千瓦时": (ELECTRICITY, _F(10000)),
    "吨": (MASS, _F(1)),
    "t": (MASS, _F(1)),
    "千克": (MASS, _F(1, 1000)),
    "公斤": (MASS, _F(1, 1000)),
    "kg": (MASS, _F(1, 1000)),
    "万吨": (MASS, _F(10000)),
    "%": (RATIO, _F(1, 100)),
    "‰": (RATIO, _F(1, 1000)),
}
# longest first, so that 万千瓦时 is tried before 千瓦时 when a unit is glued to the end of a header or value
_BY_LENGTH = sorted(UNITS, key=len, reverse=True)
_LABEL_PREFIX = re.compile(r"^(?:金额|面积|能耗|电量|计量)?单位[:：]?")


def norm_unit(text: str) -> str:
    s = unicodedata.normalize("NFKC", str(text))
    s = "".join(s.split()).lower()
    return _LABEL_PREFIX.sub("", s).replace("²", "2")


def lookup(text: str | None) -> tuple[str, Fraction] | None:
    """(dimension, size) of a unit written as ``text``, or None when it is not a unit."""
    if not text:
        return None
    return UNITS.get(norm_unit(text))


def is_unit(text: str | None) -> bool:
    return lookup(text) is not None


def dimension_of(unit: str | None) -> str | None:
    found = lookup(unit)
    return found[0] if found else None


def split_suffix(key: str) -> tuple[str, str] | None:
    """``"面积亩"`` -> ``("面积", "亩")``: a unit glued to the end of a normalised text, if any."""
    for token in _BY_LENGTH:
        if len(key) > len(token) and key.endswith(token):
            return key[: -len(token)], token
    return None


def factor(source_unit: str, target_unit: str) -> Fraction:
    """How many target units one source unit is (both of the same dimension)."""
    src, dst = lookup(source_unit), lookup(target_unit)
    if src is None or dst is None or src[0] != dst[0]:
        raise ValueError(f"cannot convert {source_unit!r} to {target_unit!r}")
    return src[1] / dst[1]


def terminates(f: Fraction) -> bool:
    """True when ``f`` has a finite decimal expansion (denominator of the form 2^a·5^b)."""
    d = f.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


_WIDE = Context(prec=60)


def fraction_to_decimal(f: Fraction, places: int) -> Decimal:
    """Exact when the expansion terminates, otherwise rounded half-up to ``places`` decimals."""
    if terminates(f):
        return tidy(_WIDE.divide(Decimal(f.numerator), Decimal(f.denominator)))
    q = Decimal(1).scaleb(-places)
    return tidy(_WIDE.divide(Decimal(f.numerator), Decimal(f.denominator)).quantize(q, rounding=ROUND_HALF_UP))


def tidy(d: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (7564.70000 -> 7564.7, 1000 stays 1000)."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


class Converter:
    """Multiply by an exact factor; Decimal arithmetic when the factor terminates, Fraction otherwise."""

    __slots__ = ("factor", "places", "_dec", "identity")

    def __init__(self, f: Fraction, places: int):
        self.factor = f
        self.places = places
        self.identity = f == 1
        self._dec = _WIDE.divide(Decimal(f.numerator), Decimal(f.denominator)) if terminates(f) else None

    def __call__(self, value: Decimal) -> Decimal:
        if self.identity:
            return value
        if self._dec is not None:
            return tidy(_WIDE.multiply(value, self._dec))
        return fraction_to_decimal(Fraction(value) * self.factor, self.places)

    def exact(self, value: Decimal) -> Fraction:
        return Fraction(value) * self.factor
