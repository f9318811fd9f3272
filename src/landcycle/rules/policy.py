"""Shipped default policies (TOML, each with a version). A county copies and edits them."""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from importlib import resources


@cache
def load_default(name: str) -> dict:
    """The shipped policy ``landcycle/policies/<name>.toml`` as a dict with ``version`` and ``hash``."""
    raw = resources.files("landcycle.policies").joinpath(f"{name}.toml").read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    data.setdefault("version", "0")
    data["hash"] = hashlib.sha256(raw).hexdigest()[:16]
    return data
