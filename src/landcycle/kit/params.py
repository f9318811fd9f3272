"""Numbers read from a query string (``?park=12``, ``?year=2025``): only plain ASCII digits of a length a
database key can hold; anything else ("²", "１２", 5,000 digits, 10**30) is treated as not given, never
turned into a 500 (issue 10)."""

from __future__ import annotations


def int_param(value, max_digits: int = 18) -> int | None:
    """``value`` as a non-negative int when it is 1..``max_digits`` ASCII digits, else None."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text or len(text) > max_digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)
