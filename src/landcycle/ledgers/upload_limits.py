"""The ``LANDCYCLE_UPLOAD_*`` settings as the ``ReadLimits`` the pure reader takes (``rules/ledger/limits.py``)."""

from __future__ import annotations

from django.conf import settings

from landcycle.rules.ledger.limits import DEFAULT_LIMITS, ReadLimits


def read_limits() -> ReadLimits:
    """What an uploaded workbook may be, from the settings (each falls back to the reader's default)."""
    return ReadLimits(
        max_bytes=getattr(settings, "LANDCYCLE_UPLOAD_MAX_BYTES", DEFAULT_LIMITS.max_bytes),
        max_uncompressed=getattr(settings, "LANDCYCLE_UPLOAD_MAX_UNCOMPRESSED", DEFAULT_LIMITS.max_uncompressed),
        max_ratio=getattr(settings, "LANDCYCLE_UPLOAD_MAX_RATIO", DEFAULT_LIMITS.max_ratio),
        max_cells=getattr(settings, "LANDCYCLE_UPLOAD_MAX_CELLS", DEFAULT_LIMITS.max_cells),
    )
