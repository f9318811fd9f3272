"""A scaled sample as the ledgers towns send (``landcycle generate --out DIR``): one .xlsx per kind —
regions, parks, parcels, enterprises, occupancy, figures, contracts — written the way ``landcycle export``
writes them (the kinds' columns and headers, Chinese enumeration labels, number formats), so that
``landcycle import KIND FILE`` reads them back; and ``IMPORT.txt`` with the commands, in order.

The rows are the plan's records as unsaved model instances (numbered in memory, never saved), so that each
kind's column getters read them as they read rows of the database. Counties come one at a time and the
workbooks are written row by row (XlsxWriter's constant-memory mode): memory stays small at any size.
"""

from __future__ import annotations

from collections import Counter
from itertools import count
from pathlib import Path

from landcycle.evaluation.models import YearlyFigure
from landcycle.kit.sheets import header_format, workbook, write_cell
from landcycle.ledgers.export import cell_formats
from landcycle.ledgers.kinds import KINDS, enum_label
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
from landcycle.rules.supervision.contract import DATE_FIELDS
from landcycle.supervision.models import Commitment, Contract, ContractParcel, Extension, GovernmentDelay

from .plan import SamplePlan
from .scaled import Scale, province_plans

ORDER = ("regions", "parks", "parcels", "enterprises", "occupancy", "figures", "contracts")
XLSX_ROWS = 1_048_575  # rows of a worksheet below its header


class LedgerSheet:
    """One ledger workbook, written row by row."""

    def __init__(self, name: str, path: Path, town_label):
        self.kind = KINDS[name]
        self.path = path
        self.town_label = town_label
        self.specs = [self.kind.spec(c) for c in self.kind.columns]
        self.wb = workbook(str(path), constant_memory=True)
        self.ws = self.wb.add_worksheet(self.kind.schema.title_zh[:31])
        self.formats = cell_formats(self.wb, self.kind)
        for c, column in enumerate(self.kind.columns):
            self.ws.set_column(c, c, column.width, self.formats[c])
        self.ws.freeze_panes(1, 0)
        self.ws.set_row(0, 30)
        heads = {True: header_format(self.wb, True), False: header_format(self.wb, False)}
        for c, (column, spec) in enumerate(zip(self.kind.columns, self.specs, strict=False)):
            self.ws.write_string(0, c, self.kind.header(column), heads[spec.required])
        self.rows = 0

    def add(self, obj) -> None:
        if self.rows == XLSX_ROWS:
            raise ValueError(f"{self.kind.name}: more rows than a worksheet holds ({XLSX_ROWS:,})")
        self.rows += 1
        for c, (column, spec) in enumerate(zip(self.kind.columns, self.specs, strict=False)):
            value = column.get(obj)
            if isinstance(value, Region):
                value = self.town_label(value)
            elif spec.kind == "enum":
                value = enum_label(spec, value)
            elif value == "":
                value = None
            write_cell(self.ws, self.rows, c, value, self.formats[c])

    def close(self) -> None:
        self.ws.autofilter(0, 0, max(self.rows, 1), len(self.kind.columns) - 1)
        self.wb.close()


def _with_related(obj, **related):
    """An unsaved row whose reverse relations (``contract.commitments.all()``) answer from memory."""
    obj._prefetched_objects_cache = related
    return obj


def write_county(plan: SamplePlan, sheets: dict[str, LedgerSheet], ids: count) -> None:
    towns = {t.code: Region(pk=next(ids), code=t.code, name=t.name, level=Region.Level.TOWN) for t in plan.towns}
    parks = {
        p.code: Park(pk=next(ids), code=p.code, name=p.name, kind=p.kind, town=towns[p.town_code], note=p.note)
        for p in plan.parks
    }
    parcels = {
        p.number: Parcel(
            pk=next(ids),
            number=p.number,
            park=parks[p.park_code],
            area_m2=p.area_m2,
            land_use=p.land_use,
            tenure=p.tenure,
            status=p.status,
            address=p.address,
        )
        for p in plan.parcels
    }
    firms = {
        e.uscc: Enterprise(
            pk=next(ids),
            uscc=e.uscc,
            name=e.name,
            industry_code=e.industry_code,
            scale=e.scale,
            registered_on=e.registered_on,
            status=e.status,
            town=towns[e.town_code],
            contact=e.contact,
        )
        for e in plan.enterprises
    }
    for name, rows in (("regions", towns), ("parks", parks), ("parcels", parcels), ("enterprises", firms)):
        for obj in rows.values():
            sheets[name].add(obj)
    for o in plan.occupancies:
        sheets["occupancy"].add(
            Occupancy(
                enterprise=firms[o.enterprise],
                parcel=parcels[o.parcel],
                kind=o.kind,
                area_m2=o.area_m2,
                start=o.start,
                end=o.end,
                lessor=firms[o.lessor] if o.lessor else None,
            )
        )
    for f in plan.figures:
        sheets["figures"].add(
            YearlyFigure(
                enterprise=firms[f.enterprise],
                year=f.year,
                revenue=f.revenue,
                tax=f.tax,
                value_added=f.value_added,
                energy_tce=f.energy_tce,
                emissions_t=f.emissions_t,
                rnd=f.rnd,
                staff=f.staff,
                electricity_10k_kwh=f.electricity_10k_kwh,
            )
        )
    for c in plan.contracts:
        parcel = parcels[c.parcel]
        row = Contract(
            pk=next(ids),
            number=c.number,
            town=towns[c.town_code],
            holder=firms.get(c.holder),
            holder_name=c.holder_name,
            kind=c.kind,
            project=c.project,
            location=parcel.address,
            land_use="工业用地",
            price_wan=c.price_wan,
            area_m2=c.area_m2,
            term_years=c.term_years,
            developed_area_share=c.developed_area_share,
            investment_share=c.investment_share,
            **{name: getattr(c, name) for name in DATE_FIELDS},
        )
        sheets["contracts"].add(
            _with_related(
                row,
                parcel_links=[ContractParcel(parcel=parcel)],
                commitments=[Commitment(**m) for m in c.commitments],
                extensions=[Extension(**e) for e in c.extensions],
                government_delays=[GovernmentDelay(**d) for d in c.delays],
            )
        )


def town_labels(scale: Scale) -> dict[str, str]:
    """Town code -> what the ledgers write: its name, or its code where another town has the same name."""
    towns = [t for spec in scale.counties() for t in spec.towns]
    names = Counter(t.name for t in towns)
    return {t.code: t.name if names[t.name] == 1 else t.code for t in towns}


def import_commands(directory: Path, counties: list[str]) -> str:
    lines = ["# 导入顺序 / import order (an empty, migrated database):"]
    lines += [f"landcycle regions load --county {code}" for code in counties]
    lines += [f"landcycle import {name} {directory / f'{name}.xlsx'}" for name in ORDER]
    return "\n".join(lines) + "\n"


def write_ledgers(scale: Scale, directory: Path) -> dict[str, int]:
    """Write the ledgers into ``directory`` (created if missing); return the rows of each."""
    directory.mkdir(parents=True, exist_ok=True)
    labels = town_labels(scale)
    sheets = {
        name: LedgerSheet(name, directory / f"{name}.xlsx", lambda r: labels.get(r.code, r.code)) for name in ORDER
    }
    counties, ids = [], count(1)
    try:
        for plan in province_plans(scale):
            counties.append(plan.towns[0].code[:6])
            write_county(plan, sheets, ids)
    finally:
        for sheet in sheets.values():
            sheet.close()
    (directory / "IMPORT.txt").write_text(import_commands(directory, counties), encoding="utf-8")
    return {name: sheets[name].rows for name in ORDER}
