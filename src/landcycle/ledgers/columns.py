"""A column of an exported ledger: the schema field it holds, how to get it from an object, its header when
that is not the field's title, its width and the example a template shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    field: str
    get: Callable[[Any], Any]
    header: str | None = None
    width: int = 14
    example: Any = None
