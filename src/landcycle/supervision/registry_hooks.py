"""What supervision adds to the registry's pages (registered by SupervisionConfig.ready()): the parcel map's
"按预警着色" — each parcel coloured by its worst open warning."""

from __future__ import annotations

from django.utils.translation import gettext as _

from landcycle.registry.hooks import ParcelColouring, register_parcel_colouring

from .labels import COLOUR_HEX, NO_WARNING_HEX
from .selectors import parcel_warning_colours


def warning_map_config() -> dict:
    """Red, yellow and green are only the warning colours of "按预警着色" (colour by warning)."""
    return {
        "warningColours": {**COLOUR_HEX, "none": NO_WARNING_HEX},
        "warningNames": {
            "red": _("红色预警"),
            "yellow": _("黄色预警"),
            "green": _("绿：在监管，无预警"),
            "none": _("未纳入监管"),
        },
    }


def register() -> None:
    register_parcel_colouring(ParcelColouring("warning", parcel_warning_colours, warning_map_config))
