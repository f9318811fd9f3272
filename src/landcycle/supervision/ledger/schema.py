"""The contract register (供地合同) as the importer reads it: the supervised land-supply ledger plus what ties a
contract to the registry."""

from __future__ import annotations

from dataclasses import replace

from landcycle.rules.ledger import validators as V
from landcycle.rules.ledger.schema import LedgerSchema, code, text
from landcycle.rules.ledger.schemas import TOWN_ALIASES, USCC_ALIASES
from landcycle.rules.supervision.ledger_rows import SUPERVISED_LAND_SUPPLY

# A contract entered in the browser may have neither a location nor an area of its own (its parcels give it):
# the register's export must read back, so these two are optional here; the holder is what a contract cannot
# be registered without.
_REQUIRED = {"location": False, "area_m2": False, "holder": True}

# The supervised land-supply ledger plus what ties a contract to the registry: its parcels (one or several,
# separated by 、), its town (for a contract without parcels) and the holder's credit code. It keeps the name
# ``land_supply`` so that every land-supply mapping file (``land_supply_gd``) works with it.
CONTRACTS = LedgerSchema(
    SUPERVISED_LAND_SUPPLY.name,
    "供地合同台账",
    "Land supply contracts",
    fields=tuple(
        replace(f, required=_REQUIRED[f.name]) if f.name in _REQUIRED else f for f in SUPERVISED_LAND_SUPPLY.fields
    )
    + (
        code("parcel_number", "地块编号", "宗地编号", "地块号", "parcel number", "parcel", label="地块编号"),
        text("town", *TOWN_ALIASES, label="所属镇街", validate=V.division),
        code(
            "holder_uscc",
            "受让人统一社会信用代码",
            "土地使用权人统一社会信用代码",
            *USCC_ALIASES,
            label="受让人统一社会信用代码",
            validate=V.uscc,
        ),
    ),
    key=SUPERVISED_LAND_SUPPLY.key,
    sheet_hints=SUPERVISED_LAND_SUPPLY.sheet_hints,
    ranges=SUPERVISED_LAND_SUPPLY.ranges,
    notes=SUPERVISED_LAND_SUPPLY.notes,
)
