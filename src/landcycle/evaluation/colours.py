"""Colours of the classes (A/B/C/D), taken from the house palette (``kit.palette``).

The colours users expect on an evaluation: A green, B blue, C orange, D red, in the policy's order of classes
(a policy of more classes goes on with purple, cyan, slate); exempt firms are grey. The shades are the palette's
``class-*`` entries, not the warning colours' hexes. Pages (tags ``tag-class-*``), charts and the .xlsx exports
all take them from here.
"""

from __future__ import annotations

from landcycle.kit.palette import HEX

ORDER = ("class-green", "class-blue", "class-orange", "class-red", "purple", "cyan", "slate")
# light backgrounds of the same hues, as the tags of web/static/web/app.css draw them
LIGHT = {
    "class-green": "#e8f5ed",
    "class-blue": "#edf3fd",
    "class-orange": "#fdf1e4",
    "class-red": "#fbeaea",
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
