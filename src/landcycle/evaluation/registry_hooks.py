"""What evaluation adds to the registry's pages (registered by EvaluationConfig.ready()): an enterprise's yearly
figures (main column) and its evaluation class by year (side column)."""

from __future__ import annotations

from landcycle.registry.hooks import Panel, register_panel

from .models import YearlyFigure
from .selectors import class_by_year, enterprise_history

# the rows of the yearly figures table: field of YearlyFigure, decimal places shown
FIGURE_ROWS = [
    ("revenue", 2),
    ("tax", 2),
    ("value_added", 2),
    ("energy_tce", 2),
    ("emissions_t", 3),
    ("electricity_10k_kwh", 2),
    ("rnd", 2),
    ("staff", 0),
]


def figures_panel(ent, user) -> dict:
    figures = list(ent.figures.order_by("-year")[:6])[::-1]
    rows = [
        {
            "label": YearlyFigure._meta.get_field(name).verbose_name,
            "places": places,
            "values": [getattr(f, name) for f in figures],
        }
        for name, places in FIGURE_ROWS
    ]
    return {"figures": figures, "figure_rows": rows}


def classes_panel(ent, user) -> dict:
    return {"ent": ent, "evaluation_years": class_by_year(enterprise_history(ent, user))}


def register() -> None:
    register_panel(Panel("enterprise.main", 30, "evaluation/_enterprise_figures.html", figures_panel))
    register_panel(Panel("enterprise.side", 10, "evaluation/_enterprise_classes.html", classes_panel))
