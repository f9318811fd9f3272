"""What the domain apps add to the registry's pages, registered from their ``AppConfig.ready()``.

The registry sits below the domain apps (import-linter forbids it to import them), yet its pages show what those
apps know of a parcel or an enterprise: the warning colours on the parcel map, the yearly figures and evaluation
classes on an enterprise's page. Each app registers what it adds here; the registry's views ask this module and
never import the app. An app that is not installed simply adds nothing.

- :func:`register_panel`: a block of an object's page (``slot`` names the page and column, e.g.
  ``"enterprise.main"``), drawn by the app's own template with the context its function returns.
- :func:`register_parcel_colouring`: one more way to colour the parcel map (``?colour=<key>``), with the colour of
  each parcel and the legend.
- :func:`register_fact`: one key fact in the header of an object's file (一企一档 / 一地一档 / 园区档案), e.g. the latest
  evaluation class or the number of open warnings.
- :func:`register_enterprise_column`: one more column wherever the registry lists enterprises (the park's
  enterprises, a parcel's occupants), e.g. the latest evaluation class.

Slots of the files: ``enterprise``, ``parcel``, ``park``. A panel registered with an ``anchor`` and a ``title`` is a
section of the file: it gets an entry in the file's section navigation and is always shown (its template says "无"
when it has nothing); its context function returns None only when the section does not apply to the reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    slot: str  # the page: "enterprise", "parcel", "park" (a file's sections)
    order: int  # smaller first
    template: str  # the app's template drawing the block
    context: Callable[[Any, Any], dict | None]  # (object, user) -> the template's context; None: not shown
    anchor: str = ""  # the section's id on the page (#contracts); "" for a block without an entry in the navigation
    title: Any = ""  # the section's name in the navigation (a lazy gettext string)


@dataclass(frozen=True)
class Fact:
    slot: str  # "enterprise", "parcel", "park"
    order: int
    # (object, user) -> {"label": …, "value": … (text or safe HTML), "href": optional link}; None: not shown
    fact: Callable[[Any, Any], dict | None]


@dataclass(frozen=True)
class EnterpriseColumn:
    key: str
    order: int
    title: Any  # the column's header (a lazy gettext string)
    # (enterprise ids, user) -> {enterprise id: cell (text or safe HTML)}; one read for the whole table
    values: Callable[[list[int], Any], dict[int, Any]]


@dataclass(frozen=True)
class ParcelColouring:
    key: str  # the value of ?colour= on the map, and the feature property holding each parcel's colour
    colours_of: Callable[[Iterable[int]], dict[int, str | None]]  # parcel ids -> colour key of each
    config: Callable[[], dict]  # entries merged into the map's configuration (colours and their names)
    label: Any = ""  # the map's button for this colouring (e.g. 按预警着色); none: reachable by ?colour= only


_PANELS: dict[str, list[Panel]] = {}
_COLOURINGS: dict[str, ParcelColouring] = {}
_FACTS: dict[str, list[Fact]] = {}
_COLUMNS: dict[str, EnterpriseColumn] = {}


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
            shown.append(
                {
                    "template": panel.template,
                    "context": context,
                    "anchor": panel.anchor,
                    "title": panel.title,
                    "order": panel.order,
                }
            )
    return shown


def register_fact(fact: Fact) -> None:
    slot = _FACTS.setdefault(fact.slot, [])
    if fact not in slot:
        slot.append(fact)
        slot.sort(key=lambda f: f.order)


def facts(slot: str, obj: Any, user: Any) -> list[dict]:
    """The registered header facts of this slot for this object and user, in order."""
    shown = []
    for fact in _FACTS.get(slot, ()):
        value = fact.fact(obj, user)
        if value is not None:
            shown.append({**value, "order": fact.order})
    return shown


def register_enterprise_column(column: EnterpriseColumn) -> None:
    _COLUMNS[column.key] = column


def enterprise_columns(ids: Iterable[int], user: Any) -> list[dict]:
    """The registered enterprise columns with their cells: ``[{"title": …, "cells": {id: cell}}]``."""
    ids = list(dict.fromkeys(ids))
    out = []
    for column in sorted(_COLUMNS.values(), key=lambda c: c.order):
        out.append({"key": column.key, "title": column.title, "cells": column.values(ids, user) if ids else {}})
    return out


def register_parcel_colouring(colouring: ParcelColouring) -> None:
    _COLOURINGS[colouring.key] = colouring


def parcel_colourings() -> dict[str, ParcelColouring]:
    return dict(_COLOURINGS)


def parcel_colouring_apps() -> tuple[str, ...]:
    """The labels of the apps whose colourings are registered (the app holding each ``colours_of``): what a figure
    made of the colours depends on besides the registry (kit.cache keys it by their heads)."""
    return _apps_of(c.colours_of for c in _COLOURINGS.values())


def panel_apps(slot: str) -> tuple[str, ...]:
    """The labels of the apps whose panels fill ``slot``: what the slot's blocks depend on (kit.cache)."""
    return _apps_of(p.context for p in _PANELS.get(slot, ()))


def _apps_of(functions: Iterable[Callable]) -> tuple[str, ...]:
    from django.apps import apps  # noqa: PLC0415 -- the app registry is ready by the time a page asks

    found = {apps.get_containing_app_config(f.__module__) for f in functions}
    return tuple(sorted(a.label for a in found if a is not None))
