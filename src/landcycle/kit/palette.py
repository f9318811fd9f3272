"""Colours of statuses and kinds, shared by the tags in tables and the map's legend.

Red, yellow and green are the warning colours (三色预警): statuses and kinds use blue, purple, cyan, magenta,
indigo and grey. The one other place users expect traffic-light colours is the 亩均评价 class (A green, B blue,
C orange, D red, as county evaluation notices print them); those are their own shades (``class-*``), never the
warning hexes, so a class never reads as a warning on the same page.
"""

HEX = {
    "blue": "#2f6bd1",
    "purple": "#7048c2",
    "cyan": "#138a9e",
    "magenta": "#a8407d",
    "indigo": "#3b47a8",
    "slate": "#56657a",
    "grey": "#8a919c",
    "brown": "#8a6239",
    # the evaluation classes A–D (evaluation.colours); deliberately not the warning hexes (--warn-* in app.css)
    "class-green": "#1f8a4c",
    "class-blue": "#2f6bd1",
    "class-orange": "#d9730d",
    "class-red": "#c62828",
}

# kind of value -> value -> colour name (a CSS class tag-<name> and a HEX entry)
TAGS = {
    "parcel_status": {
        "in_use": "blue",
        "construction": "purple",
        "idle": "grey",
        "reserve": "cyan",
        "vacating": "magenta",
    },
    "enterprise_status": {"operating": "blue", "suspended": "grey", "relocated": "purple", "deregistered": "slate"},
    "park_kind": {"industrial": "blue", "micro": "cyan", "old_block": "purple"},
    "scale": {"above": "indigo", "below": "grey"},
    "occupancy_kind": {"owned": "blue", "leased": "purple"},
    "tenure": {"granted": "blue", "allocated": "cyan", "leased": "purple"},
    "land_use": {"industrial": "blue", "warehouse": "cyan", "m0": "indigo", "commercial": "magenta"},
    "level": {"province": "slate", "city": "slate", "county": "indigo", "town": "blue"},
}

# the map colours parks by turns from this list (no red, yellow or green hues)
PARK_COLOURS = [
    "#2f6bd1",
    "#7048c2",
    "#138a9e",
    "#a8407d",
    "#3b47a8",
    "#8a6239",
    "#56657a",
    "#1f4e8c",
    "#9457b8",
    "#0e6f73",
    "#c0568f",
    "#5c3d99",
]


def colour(kind: str, value: str) -> str:
    return TAGS.get(kind, {}).get(value, "grey")


def status_colours() -> dict[str, str]:
    return {value: HEX[name] for value, name in TAGS["parcel_status"].items()}
