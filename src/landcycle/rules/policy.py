"""The one loader of policies (TOML, each with a version). A county copies and edits them.

Every policy of the product — the shipped ``landcycle/policies/<name>.toml`` (evaluation, rectification,
registry, warnings) or a county's edited copy given as text or as a file — is read here, and each gets one
content hash with one scheme:

    SHA-256 of the canonical JSON of the parsed content (keys sorted, no ``hash`` key), first 16 hex digits.

Two files that differ only in comments or layout therefore share a hash; a changed number changes it. This
is the scheme evaluation runs have always stored (``EvaluationRun.policy_hash``), so stored hashes stay
comparable. Parsed policies are cached by their text; callers must not mutate what they get (copy first).
Pure Python, no Django.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

SHIPPED = ("admission", "evaluation", "ranking", "rectification", "registry", "warnings")


@dataclass(frozen=True)
class PolicySource:
    """A policy as read: its name, TOML text, parsed content, version and content hash."""

    name: str
    text: str
    data: dict[str, Any]
    version: str
    hash: str


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 (first 16 hex digits) of the canonical JSON of a parsed policy, without its ``hash`` key."""
    body = {k: v for k, v in data.items() if k != "hash"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@cache
def shipped_text(name: str) -> str:
    """The text of the shipped policy ``landcycle/policies/<name>.toml``."""
    return resources.files("landcycle.policies").joinpath(f"{name}.toml").read_text("utf-8")


@lru_cache(maxsize=64)
def read_policy(name: str, text: str | None = None) -> PolicySource:
    """The policy ``name``: the shipped one (``text=None``) or the given TOML text.

    Raises ``tomllib.TOMLDecodeError`` when the text is not TOML (each caller reports it in its own words)."""
    if text is None:
        text = shipped_text(name)
    data = tomllib.loads(text)
    return PolicySource(name=name, text=text, data=data, version=str(data.get("version", "0")), hash=content_hash(data))


def read_policy_file(name: str, path: str | os.PathLike[str]) -> PolicySource:
    """A county's copy of the policy ``name`` from a file (UTF-8). Raises ``OSError``, ``UnicodeDecodeError``
    or ``tomllib.TOMLDecodeError``."""
    return read_policy(name, Path(path).read_bytes().decode("utf-8"))


@cache
def load_default(name: str) -> dict[str, Any]:
    """The shipped policy ``name`` as a dict with ``version`` and ``hash`` (a copy of the parsed content)."""
    source = read_policy(name)
    return {**source.data, "version": source.version, "hash": source.hash}
