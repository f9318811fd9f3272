"""The sample county as plain data (示例县数据方案), before anything touches the database.

Generation (``generate.py``) builds a :class:`SamplePlan` from a seed; persistence (``persist.py``)
writes it. Keeping the two apart makes determinism testable without a database: the same seed gives
the same plan, byte for byte (:meth:`SamplePlan.digest`).

Values such as ``"granted"`` or ``"in_use"`` are the stored values of the registry models' choices;
they are spelled out here so that generation does not import Django.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

COUNTY_CODE = "330282"  # 慈溪市
COUNTY_NAME = "慈溪市"
REFERENCE_DATE = dt.date(2026, 11, 29)  # the sample's "today"; the real clock is never read
FIGURE_YEARS = (2023, 2024, 2025)
DEFAULT_SEED = 20191113  # the day the seed story (慈溪：巡视整改推动工业园区"老树绽新芽") was published

# Park.Kind
INDUSTRIAL, MICRO, OLD_BLOCK = "industrial", "micro", "old_block"
# Parcel.Tenure: 出让, 划拨, 租赁
GRANTED, ALLOCATED, LEASED_LAND = "granted", "allocated", "leased"
# Parcel.Status: 在用, 在建, 闲置, 储备, 腾退中
IN_USE, CONSTRUCTION, IDLE, RESERVE, VACATING = "in_use", "construction", "idle", "reserve", "vacating"
# Parcel.LandUse
USE_INDUSTRIAL, USE_WAREHOUSE, USE_M0, USE_COMMERCIAL = "industrial", "warehouse", "m0", "commercial"
# Enterprise.Scale: 规上, 规下
ABOVE, BELOW = "above", "below"
# Enterprise.Status: 在营, 停产, 迁出, 注销
OPERATING, SUSPENDED, RELOCATED, DEREGISTERED = "operating", "suspended", "relocated", "deregistered"
# Occupancy.Kind: 自有, 租赁
OWNED, LEASED = "owned", "leased"


@dataclass
class TownPlan:
    """镇/街道/功能区 and the point its parks gather around (WGS 84)."""

    code: str
    name: str
    short: str
    lon: float
    lat: float


@dataclass
class ParkPlan:
    code: str
    name: str
    kind: str
    town_code: str
    note: str = ""
    boundary: dict | None = None


@dataclass
class ParcelPlan:
    number: str
    park_code: str
    town_code: str
    area_m2: Decimal
    geometry: dict
    tenure: str
    status: str
    land_use: str
    address: str


@dataclass
class EnterprisePlan:
    uscc: str
    name: str
    industry_code: str
    scale: str
    registered_on: dt.date
    status: str
    town_code: str
    contact: str


@dataclass
class OccupancyPlan:
    """An enterprise on a parcel; ``enterprise`` and ``lessor`` are USCCs, ``parcel`` a parcel number."""

    enterprise: str
    parcel: str
    kind: str
    area_m2: Decimal
    start: dt.date
    end: dt.date | None = None
    lessor: str | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class FigurePlan:
    """One enterprise's yearly figures (万元, tce, t, 万千瓦时); None where the ledger has a gap."""

    enterprise: str
    year: int
    revenue: Decimal | None
    tax: Decimal | None
    value_added: Decimal | None
    energy_tce: Decimal | None
    emissions_t: Decimal | None
    rnd: Decimal | None
    staff: int | None
    electricity_10k_kwh: Decimal | None


@dataclass
class SamplePlan:
    seed: int
    towns: list[TownPlan]
    parks: list[ParkPlan]
    parcels: list[ParcelPlan]
    enterprises: list[EnterprisePlan]
    occupancies: list[OccupancyPlan]
    figures: list[FigurePlan]
    contracts: list = field(default_factory=list)  # sample.contracts.ContractPlan
    park_minimums: dict = field(default_factory=dict)  # park code -> 最低亩均税收标准 (万元/亩)

    def counts(self) -> dict[str, int]:
        return {
            "towns": len(self.towns),
            "parks": len(self.parks),
            "parcels": len(self.parcels),
            "enterprises": len(self.enterprises),
            "occupancies": len(self.occupancies),
            "figures": len(self.figures),
            "contracts": len(self.contracts),
        }

    def digest(self) -> str:
        """SHA-256 of every field of every record, in order: equal digests mean identical samples."""

        def fields(row) -> dict:  # shallow: asdict's deep copy of 8,000 geometries is slow
            return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}

        payload = {
            name: [fields(row) for row in getattr(self, name)]
            for name in ("towns", "parks", "parcels", "enterprises", "occupancies", "figures", "contracts")
        }
        payload["park_minimums"] = sorted(self.park_minimums.items())
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
