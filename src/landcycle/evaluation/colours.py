"""Colours of the classes (A/B/C/D), taken from the house palette (``web.palette``).

Red, yellow and green are the warning colours and mean nothing else: classes use indigo, blue, brown
and magenta, in that order (the best class the deepest blue); exempt firms are grey.
"""

from __future__ import annotations

from landcycle.kit.palette import HEX

ORDER = ("indigo", "blue", "brown", "magenta", "purple", "cyan", "slate")
# light backgrounds of the same hues, as the tags of web/static/web/app.css draw them
LIGHT = {
    "indigo": "#eef0fa",
    "blue": "#edf3fd",
    "brown": "#f7f1ea",
    "magenta": "#f9eef4",
    "purple": "#f3effb",
    "cyan": "#e9f6f8",
    "slate": "#eff1f4",
    "grey": "#f3f4f6",
}
OUTCOME = {"exempt": "grey", "problem": "slate"}


def class_colour(key: str, classes: list[str] | tuple[str, ...] = ("A", "B", "C", "D")) -> str:
    """The palette colour name of a class by its position in the policy's classes."""
    if key in classes:
        return ORDER[list(classes).index(key) % len(ORDER)]
    return "grey"


def class_hex(key: str, classes=("A", "B", "C", "D")) -> str:
    return HEX[class_colour(key, classes)]


def class_light(key: str, classes=("A", "B", "C", "D")) -> str:
    return LIGHT[class_colour(key, classes)]
