"""Reading the ledgers towns send (Excel, WPS, CSV) into typed rows plus every problem found.

Pure domain code: no Django. ``read_ledger(path_or_bytes, "enterprises")`` returns a ``LedgerResult``
(``rows``, ``problems``, ``skipped``, ``columns``, ``header_row``, ``encoding``) or raises
``LedgerUnusable`` when the file cannot be that ledger at all. See ``schemas.py`` for the ledgers and
``mapping.py`` for binding a new layout through a TOML mapping file.
"""

from .limits import DEFAULT_LIMITS, ReadLimits
from .mapping import Mapping, load_mapping, mapping_path, shipped_mappings
from .read import read_ledger
from .result import ColumnBinding, LedgerProblem, LedgerResult, LedgerUnusable, MappingError, SkippedRow
from .schema import FieldSpec, LedgerSchema
from .schemas import SCHEMAS, get_schema

__all__ = [
    "DEFAULT_LIMITS",
    "ReadLimits",
    "ColumnBinding",
    "FieldSpec",
    "LedgerProblem",
    "LedgerResult",
    "LedgerSchema",
    "LedgerUnusable",
    "Mapping",
    "MappingError",
    "SCHEMAS",
    "SkippedRow",
    "get_schema",
    "load_mapping",
    "mapping_path",
    "read_ledger",
    "shipped_mappings",
]
