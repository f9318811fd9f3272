"""One importer per ledger kind (see ``base.Importer``)."""

from .base import Col, Importer
from .contracts import ContractImporter
from .firms import EnterpriseImporter, FactImporter, FigureImporter, OccupancyImporter
from .land import ParcelImporter, ParkImporter, RegionImporter
from .shapes import ParcelShapeImporter

IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls
    for cls in (
        RegionImporter,
        ParkImporter,
        ParcelImporter,
        EnterpriseImporter,
        OccupancyImporter,
        FigureImporter,
        ParcelShapeImporter,
        ContractImporter,
        FactImporter,
    )
}

__all__ = ["Col", "IMPORTERS", "Importer"]
