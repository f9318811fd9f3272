"""What the domain apps add to the registry's pages, registered from their ``AppConfig.ready()``.

The registry sits below the domain apps (import-linter forbids it to import them), yet its pages show what those
apps know of a parcel or an enterprise: the warning colours on the parcel map, the yearly figures and evaluation
classes on an enterprise's page. Each app registers what it adds here; the registry's views ask this module and
never import the app. An app that is not installed simply adds nothing.

- :func:`register_panel`: a block of an object's page (``slot`` names the page and column, e.g.
  ``"enterprise.main"``), drawn by the app's own template with the context its function returns.
- :func:`register_parcel_colouring`: one more way to colour the parcel map (``?colour=<key>``), with the colour of
  each parcel and the legend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    slot: str  # "<page>.<column>", e.g. "enterprise.main", "enterprise.side"
    order: int  # smaller first
    template: str  # the app's template drawing the block
    context: Callable[[Any, Any], dict | None]  # (object, user) -> the template's context; None: not shown


@dataclass(frozen=True)
class ParcelColouring:
    key: str  # the value of ?colour= on the map, and the feature property holding each parcel's colour
    colours_of: Callable[[Iterable[int]], dict[int, str | None]]  # parcel ids -> colour key of each
    config: Callable[[], dict]  # entries merged into the map's configuration (colours and their names)


_PANELS: dict[str, list[Panel]] = {}
_COLOURINGS: dict[str, ParcelColouring] = {}


def register_panel(panel: Panel) -> None:
    slot = _PANELS.setdefault(panel.slot, [])
    if panel not in slot:
        slot.append(panel)
        slot.sort(key=lambda p: p.order)


def panels(slot: str, obj: Any, user: Any) -> list[dict]:
    """The registered blocks of this slot for this object and user: ``{"template": …, "context": {…}}``."""
    shown = []
    for panel in _PANELS.get(slot, ()):
        context = panel.context(obj, user)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown


def register_parcel_colouring(colouring: ParcelColouring) -> None:
    _COLOURINGS[colouring.key] = colouring


def parcel_colourings() -> dict[str, ParcelColouring]:
    return dict(_COLOURINGS)
