"""The ledgers the import, export and template commands know, and the columns each is written with.

A column's header is the field's title in the reader's schema (Chinese label with its unit in brackets,
``面积（平方米）``), so that what we write reads back as the same field: export -> import changes nothing.

This module is a register: it holds the registry's own ledgers (towns, parks, parcels, enterprises, occupancy,
parcel shapes); a domain app adds its ledgers with :func:`register` from its ``AppConfig.ready()`` (the
evaluation's figures and facts, the supervision's contracts), so that the ledger machinery never imports the
apps above it. Kinds are listed in the order they are registered (``INSTALLED_APPS`` order for the apps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from landcycle.registry.checks import shape_limits
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
from landcycle.rules.codes import make_uscc
from landcycle.rules.ledger import LedgerUnusable, read_ledger
from landcycle.rules.ledger.schema import FieldSpec, LedgerSchema
from landcycle.rules.ledger.schemas import ENTERPRISES, OCCUPANCY, PARCELS, PARKS

from .columns import Column
from .geojson import PARCEL_SHAPES, read_geojson
from .importers.base import Importer
from .importers.firms import EnterpriseImporter, OccupancyImporter
from .importers.land import ParcelImporter, ParkImporter, RegionImporter
from .importers.shapes import ParcelShapeImporter
from .schemas import REGIONS
from .shapefile import ZIP_MAGIC, read_shapefile
from .upload_limits import read_limits


@dataclass(frozen=True)
class Kind:
    name: str
    schema: LedgerSchema
    zh: str
    en: str
    columns: tuple[Column, ...]
    queryset: Callable[[], QuerySet]
    importer_class: type[Importer]  # plans and writes the rows of an import
    reader: Callable[..., Any] | None = None  # (data, schema, mapping=, sheet=, filename=) -> LedgerResult
    reader_county: bool = False  # the reader also takes county= (the importing user's county code, or None)
    accept: str = ".xlsx,.xls,.ods,.csv"  # the file types an upload offers
    related: tuple[str, ...] = ()  # what an export selects with a row (select_related)
    prefetch: tuple[str, ...] = ()  # what a row's columns read besides its own fields (prefetch_related)
    # what an export does to the objects before their columns read them (objects in, the same objects out): e.g.
    # give each what many rows share, read once per export (the policy of each row's county)
    prepare: Callable[[Iterator[Any]], Iterator[Any]] | None = None

    def read(self, data, *, mapping=None, sheet=None, filename=None, county=None):
        """The file as typed rows and problems (``rules.ledger.read_ledger`` unless the kind has its own).
        ``county``: the code of the importing user's county, for a reader whose selection is the county's own."""
        if self.reader is not None:
            extra = {"county": county} if self.reader_county else {}
            return self.reader(data, self.schema, mapping=mapping, sheet=sheet, filename=filename, **extra)
        return read_ledger(data, self.schema, mapping=mapping, sheet=sheet, filename=filename, limits=read_limits())

    @property
    def exportable(self) -> bool:
        return bool(self.columns)

    def spec(self, column: Column) -> FieldSpec:
        return self.schema.field(column.field)

    def header(self, column: Column) -> str:
        return column.header or self.spec(column).title

    @property
    def headers(self) -> list[str]:
        return [self.header(c) for c in self.columns]

    def importer(self) -> type[Importer]:
        return self.importer_class


EXAMPLE_USCC = make_uscc("91", "330282", "MA2H4K7D")  # a valid code, for templates


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "regions",
            REGIONS,
            "镇街名录：9位区划代码与名称",
            "towns: 9-digit division code and name",
            (
                Column("code", lambda r: r.code, width=14, example="330282112"),
                Column("name", lambda r: r.name, width=16, example="新浦镇"),
            ),
            lambda: Region.objects.filter(level=Region.Level.TOWN).order_by("code"),
            importer_class=RegionImporter,
        ),
        Kind(
            "parks",
            PARKS,
            "园区台账：编号、名称、类型、所属镇街",
            "parks: code, name, kind, town",
            (
                Column("code", lambda p: p.code, width=16, example="XP-YQ-01"),
                Column("name", lambda p: p.name, width=24, example="新浦镇工业园区"),
                Column("kind", lambda p: p.kind, width=14, example="industrial"),
                Column("town", lambda p: p.town, width=14, example="新浦镇"),
                Column("note", lambda p: p.note, width=30, example=""),
            ),
            lambda: Park.objects.select_related("town").order_by("code"),
            importer_class=ParkImporter,
            related=("town",),
        ),
        Kind(
            "parcels",
            PARCELS,
            "地块台账：编号、所属园区、面积、用途、供地方式、状态、坐落",
            "parcels: number, park, area, land use, tenure, status, address",
            (
                Column("number", lambda p: p.number, width=20, example="330282112-0001"),
                Column("park", lambda p: p.park.code, header="园区编号", width=16, example="XP-YQ-01"),
                Column("area_m2", lambda p: p.area_m2, width=16, example="20000.00"),
                Column("land_use", lambda p: p.land_use, width=14, example="industrial"),
                Column("tenure", lambda p: p.tenure, width=10, example="granted"),
                Column("status", lambda p: p.status, width=10, example="in_use"),
                Column("address", lambda p: p.address, width=30, example="新浦镇工业园区纬二路8号"),
            ),
            lambda: Parcel.objects.select_related("park").order_by("number"),
            importer_class=ParcelImporter,
            related=("park",),
        ),
        Kind(
            "enterprises",
            ENTERPRISES,
            "企业台账：统一社会信用代码、名称、行业、规模、成立日期、状态、所属镇街",
            "enterprises: credit code, name, industry, size, registration date, status, town",
            (
                Column("uscc", lambda e: e.uscc, width=22, example=EXAMPLE_USCC),
                Column("name", lambda e: e.name, width=30, example="慈溪市新浦电器有限公司"),
                Column("industry_code", lambda e: e.industry_code, width=10, example="3851"),
                Column("scale", lambda e: e.scale, width=8, example="above"),
                Column("registered_on", lambda e: e.registered_on, width=12, example="2005-03-01"),
                Column("status", lambda e: e.status, width=8, example="operating"),
                Column("town", lambda e: e.town, width=12, example="新浦镇"),
                Column("contact", lambda e: e.contact, width=16, example="张三 13800000000"),
            ),
            lambda: Enterprise.objects.select_related("town").order_by("uscc"),
            importer_class=EnterpriseImporter,
            related=("town",),
        ),
        Kind(
            "occupancy",
            OCCUPANCY,
            "用地关系台账：哪家企业以何种方式使用哪块地（自有/租赁）",
            "occupancy: which enterprise uses which parcel, owned or leased, from when",
            (
                Column("uscc", lambda o: o.enterprise.uscc, width=22, example=EXAMPLE_USCC),
                Column("enterprise_name", lambda o: o.enterprise.name, width=30, example="慈溪市新浦电器有限公司"),
                Column("parcel", lambda o: o.parcel.number, header="地块编号", width=20, example="330282112-0001"),
                Column("kind", lambda o: o.kind, width=10, example="owned"),
                Column("lessor", lambda o: o.lessor.uscc if o.lessor_id else None, width=22, example=""),
                Column("area_m2", lambda o: o.area_m2, width=16, example="20000.00"),
                Column("start", lambda o: o.start, width=12, example="2005-03-01"),
                Column("end", lambda o: o.end, width=12, example=""),
            ),
            lambda: Occupancy.objects.select_related("enterprise", "parcel", "lessor").order_by(
                "enterprise__uscc", "parcel__number", "kind", "start", "pk"
            ),
            importer_class=OccupancyImporter,
            related=("enterprise", "parcel", "lessor"),
        ),
    )
}
# former names a command line still accepts
ALIASES = {"land_supply": "contracts"}


def read_parcel_shapes(data, schema: LedgerSchema = PARCEL_SHAPES, **options):
    """Parcel shapes from GeoJSON or from an ESRI Shapefile packed in a .zip, told apart by the content
    (a zip starts with ``PK\\x03\\x04``), not by the file's name."""
    reader = read_shapefile if bytes(data[:4]) == ZIP_MAGIC else read_geojson
    return reader(data, schema, limits=shape_limits(), **options)


# ledgers that are imported but neither exported nor offered as a template: shapes come from GIS software
IMPORT_ONLY: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "parcel_shapes",
            PARCEL_SHAPES,
            "地块图形：GeoJSON要素集合（WGS 84经纬度），或打包为.zip的Shapefile（.shp、.shx、"
            ".dbf，坐标系见.prj），属性“地块编号”（或number、parcel_no、DKBH），Polygon/MultiPolygon",
            "parcel shapes: a GeoJSON FeatureCollection in WGS 84, or a Shapefile packed in a .zip (.shp, .shx, .dbf; "
            "the coordinate system from its .prj), the parcel number in an attribute (地块编号, number, parcel_no or "
            "DKBH), Polygon/MultiPolygon",
            (),
            lambda: Parcel.objects.select_related("park").order_by("number"),
            importer_class=ParcelShapeImporter,
            reader=read_parcel_shapes,
            accept=".geojson,.json,.zip",
        ),
    )
}
IMPORTABLE: dict[str, Kind] = {**KINDS, **IMPORT_ONLY}


def register(kind: Kind, *, import_only: bool = False) -> None:
    """Add a domain app's ledger (from its ``AppConfig.ready()``): to :data:`KINDS` (imported, exported and
    offered as a template) or, ``import_only``, to :data:`IMPORT_ONLY`. Registering a name twice replaces it."""
    (IMPORT_ONLY if import_only else KINDS)[kind.name] = kind
    IMPORTABLE.clear()
    IMPORTABLE.update({**KINDS, **IMPORT_ONLY})


def get_kind(name: str) -> Kind:
    try:
        return IMPORTABLE[ALIASES.get(name, name)]
    except KeyError:
        known = ", ".join(IMPORTABLE)
        raise LedgerUnusable(
            f"没有可导入的“{name}”台账（可选：{known}）",
            f"There is no importable ledger called '{name}' (known: {known})",
            rule="ledger.kind",
        ) from None


def enum_label(spec: FieldSpec, value) -> Any:
    """The Chinese label a ledger writes for a stored enumeration value (the one the template offers)."""
    if value in (None, ""):
        return value
    for label, stored in (spec.enum or {}).items():
        if stored == value and not label.isascii():
            return label
    return value
