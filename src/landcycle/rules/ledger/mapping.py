"""User mappings: bind a new layout to a ledger without code.

A mapping file is TOML. Top-level keys are field names, each bound to the source header that holds it
(or to a list of headers whose values add up, in a common unit). Optional tables::

    schema = "land_supply"            # the ledger this mapping is for (checked when given)
    area_m2 = "totalArea"
    price = "transferPrice"

    [units]                           # a unit for a source column whose header has none
    totalArea = "公顷"

    [swap_reversed]                   # the source writes these two the wrong way round in some rows:
    plot_ratio_lower = "plot_ratio_upper"   # take the smaller as the lower limit

A mapping wins over the alias table. Headers compare after normalisation (full-width to half-width,
spaces dropped, case ignored), with or without their unit in brackets.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import units as U
from .result import MappingError
from .schema import LedgerSchema
from .schemas import SCHEMAS, get_schema

RESERVED = ("schema", "units", "swap_reversed")


@dataclass
class Mapping:
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    swap_reversed: set[tuple[str, str]] = field(default_factory=set)
    schema: str | None = None

    @classmethod
    def from_dict(
        cls, data: dict | None, schema: LedgerSchema | None = None, known_fields: set[str] | None = None
    ) -> Mapping:
        if not data:
            return cls()
        if not isinstance(data, dict):
            raise MappingError("映射应为“字段 = 源表头”的键值表", "A mapping must be a table of field = source header")
        name = _schema_name(data.get("schema"), schema)  # checked first: a mapping of another ledger
        if known_fields is None:
            known_fields = set(schema.field_names) if schema else None
        return cls(
            fields=_fields(data, known_fields),
            units=_units(data.get("units") or {}),
            swap_reversed=_swaps(data.get("swap_reversed") or {}, schema),
            schema=name,
        )


def _schema_name(name, schema: LedgerSchema | None) -> str | None:
    """The mapping's ``schema`` key, which must name the ledger it is used with."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise MappingError("映射中的 schema 应为台账名称", "'schema' in a mapping must be a ledger name")
    if schema is not None and name != schema.name:
        raise MappingError(
            f"该映射用于“{name}”台账，不能用于“{schema.name}”",
            f"This mapping is for the '{name}' ledger, not '{schema.name}'",
        )
    return name


def _fields(data: dict, known_fields: set[str] | None) -> dict[str, tuple[str, ...]]:
    """field -> the source headers it may have; every field must be known (when the fields are)."""
    out: dict[str, tuple[str, ...]] = {}
    unknown = []
    for key, value in data.items():
        if key in RESERVED:
            continue
        if known_fields is not None and key not in known_fields:
            unknown.append(key)
            continue
        headers = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else None
        if not headers or not all(isinstance(h, str) and h.strip() for h in headers):
            raise MappingError(
                f"映射中字段“{key}”的源表头应为文字或文字列表",
                f"The source header of '{key}' must be a text or a list of texts",
            )
        out[key] = headers
    if unknown:
        names = "、".join(unknown)
        known = ", ".join(sorted(known_fields or ()))
        raise MappingError(
            f"映射中有未知字段：{names}（可用字段：{known}）",
            f"The mapping names unknown fields: {', '.join(unknown)} (known fields: {known})",
        )
    return out


def _units(units) -> dict[str, str]:
    """``[units]``: source header -> a unit ``units.lookup`` knows."""
    if not isinstance(units, dict):
        raise MappingError("映射的 [units] 应为“源表头 = 单位”", "[units] must be a table of source header = unit")
    for header, unit in units.items():
        if not isinstance(unit, str) or U.lookup(unit) is None:
            raise MappingError(
                f"映射 [units] 中“{header}”的单位“{unit}”无法识别",
                f"[units]: the unit '{unit}' of '{header}' is not a known unit",
            )
    return dict(units)


def _swaps(swaps, schema: LedgerSchema | None) -> set[tuple[str, str]]:
    """``[swap_reversed]``: lower field = upper field, a pair of the ledger's ranges."""
    if not isinstance(swaps, dict):
        raise MappingError(
            "映射的 [swap_reversed] 应为“下限字段 = 上限字段”",
            "[swap_reversed] must be a table of lower field = upper field",
        )
    ranges = set(schema.ranges) if schema else None
    out = set()
    for lo, hi in swaps.items():
        if ranges is not None and (lo, hi) not in ranges:
            raise MappingError(
                f"[swap_reversed] 中的“{lo} = {hi}”不是该台账的上下限字段对",
                f"[swap_reversed]: '{lo} = {hi}' is not a lower/upper pair of this ledger",
            )
        out.add((lo, hi))
    return out


def load_mapping(path: str | Path, schema: LedgerSchema | str | None = None) -> dict:
    """Read a mapping TOML file and check it; returns the dict to pass to ``read_ledger(mapping=...)``.

    Field names are checked against ``schema`` (or the ledger named by the file's ``schema`` key, or,
    without either, every shipped ledger). Raises ``MappingError`` with a bilingual message.
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MappingError(f"找不到映射文件 {p}", f"Mapping file {p} not found") from None
    except UnicodeDecodeError:
        raise MappingError(f"映射文件 {p.name} 不是 UTF-8 编码", f"Mapping file {p.name} is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(
            f"映射文件 {p.name} 不是有效的 TOML：{exc}", f"Mapping file {p.name} is not valid TOML: {exc}"
        ) from None
    target = get_schema(schema) if schema is not None else None
    if target is None and isinstance(data.get("schema"), str):
        target = get_schema(data["schema"])
    known = None if target else {f for s in SCHEMAS.values() for f in s.field_names}
    Mapping.from_dict(data, target, known_fields=known)
    return data


def mapping_path(name: str) -> Path:
    """A mapping shipped with the product, e.g. ``mapping_path("land_supply_gd")``."""
    return Path(__file__).with_name("mappings") / f"{name}.toml"


def shipped_mappings() -> list[tuple[str, str, str]]:
    """The mappings shipped with the product as (name, title, schema name): the title is the file's first
    comment line up to " —— ", the schema its ``schema`` key."""
    out = []
    for path in sorted(Path(__file__).with_name("mappings").glob("*.toml")):
        text = path.read_text(encoding="utf-8-sig")
        first = next((line[1:].strip() for line in text.splitlines() if line.startswith("#")), path.stem)
        schema = tomllib.loads(text).get("schema", "")
        title = re.sub(r"\s*\([^)]*\)", "", first.split(" —— ")[0]).strip()  # without a bracketed web address
        out.append((path.stem, title, schema if isinstance(schema, str) else ""))
    return out
