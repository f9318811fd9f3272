"""Units of land and money. 1 mu = 10000/15 m² = 2000/3 m² exactly; 1 hectare = 15 mu.

Areas are stored in square metres as ``Decimal``; mu are derived exactly as m² × 15 / 10000.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

M2_PER_MU = Fraction(2000, 3)
MU_PER_HECTARE = 15
M2_PER_HECTARE = 10000


def _dec(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # floats are converted through their shortest repr, never through binary expansion
        return Decimal(repr(value))
    return Decimal(value)


def m2_to_mu(m2) -> Decimal:
    """Square metres to mu, exact for any decimal input (× 15 / 10000 terminates)."""
    return _dec(m2) * 15 / 10000


def mu_to_m2(mu) -> Fraction:
    """Mu to square metres as an exact fraction (× 2000 / 3 may not terminate in decimal)."""
    return Fraction(_dec(mu)) * M2_PER_MU


def hectare_to_m2(ha) -> Decimal:
    return _dec(ha) * M2_PER_HECTARE


def hectare_to_mu(ha) -> Decimal:
    return _dec(ha) * MU_PER_HECTARE
