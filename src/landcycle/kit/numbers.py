"""Numbers as every page shows them: thousands separators, fixed decimals, '—' when there is no value (the
template filters ``num`` and ``mu`` of ``web.templatetags.lc`` and the KPI cards of ``kit.listing``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

DASH = "—"


def num(value, places: int | str = 0) -> str:
    """12345.678, 2 -> 12,345.68 (the same in every language; '—' when there is no value)."""
    if value is None or value == "":
        return DASH
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{number:,.{int(places)}f}"
