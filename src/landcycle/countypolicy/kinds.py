"""The policies a county may keep its own copy of, each added by the app that reads it.

An app registers its policy in ``AppConfig.ready`` with the parser it reads the text with; a text is saved only
when that parser accepts it. This module never imports the apps (they sit above it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from landcycle.rules.policy import PolicySource


@dataclass(frozen=True)
class PolicyKind:
    """One policy a county may set: its file name (``warnings`` …), its label and the parser that checks a text
    (raises ``RuleError`` with every problem)."""

    name: str
    label: Any  # a lazy translated string
    parse: Callable[[PolicySource], object]
    order: int = 50


_KINDS: dict[str, PolicyKind] = {}


def register(kind: PolicyKind) -> None:
    _KINDS[kind.name] = kind


def kinds() -> list[PolicyKind]:
    """The registered policies, in display order."""
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.name))


def kind(name: str) -> PolicyKind | None:
    return _KINDS.get(name)
