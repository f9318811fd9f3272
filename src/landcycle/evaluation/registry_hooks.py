"""What evaluation adds to the registry's pages (registered by EvaluationConfig.ready()): in an enterprise's file
(一企一档) its yearly figures and its evaluation class over the years (a chart: yearly tax coloured by the year's
class, and the table of classes), the latest class in the file's header and, wherever the registry lists
enterprises (a park's firms, a parcel's occupants), a column with each firm's latest published class; in a park's
file the classes of its firms in the header."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from landcycle.accounts.scope import scoped
from landcycle.kit import charts
from landcycle.registry.hooks import (
    EnterpriseColumn,
    Fact,
    Panel,
    register_enterprise_column,
    register_fact,
    register_panel,
)
from landcycle.registry.models import Occupancy
from landcycle.registry.selectors import active_q

from .colours import OUTCOME, class_colour, class_hex
from .models import EvaluationResult, EvaluationRun, YearlyFigure
from .selectors import CLASS_KEYS, class_by_year, enterprise_history

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
FIGURE_YEARS = 6


def figures_panel(ent, user) -> dict | None:
    figures = list(ent.figures.order_by("-year")[:FIGURE_YEARS])[::-1]
    if not figures:
        return None  # the evaluation section above says there is nothing
    rows = [
        {
            "label": YearlyFigure._meta.get_field(name).verbose_name,
            "places": places,
            "values": [getattr(f, name) for f in figures],
        }
        for name, places in FIGURE_ROWS
    ]
    return {"figures": figures, "figure_rows": rows}


def _class_label(entry: dict) -> str:
    r = entry["result"]
    if r.outcome != EvaluationResult.Outcome.EVALUATED:
        return str(r.get_outcome_display())
    label = r.evaluation_class or "—"
    return label if entry["official"] else _("%(c)s（草稿）") % {"c": label}


def evaluation_chart(ent, years: list[dict]):
    """Yearly tax (万元) as bars, each coloured by that year's class (A green, B blue, C orange, D red; grey for a
    year without a class), with the tax per mu of the evaluation in each bar's hover title."""
    figures = {f.year: f for f in ent.figures.order_by("-year")[:FIGURE_YEARS]}
    classes = {y["year"]: y for y in years}
    all_years = sorted(set(figures) | set(classes))[-FIGURE_YEARS:]
    if not all_years:
        return None
    unrated = _("未评价")
    rows, colours = [], {}
    for year in all_years:
        f, entry = figures.get(year), classes.get(year)
        label = _class_label(entry) if entry else unrated
        key = entry["result"].evaluation_class if entry and entry["result"].outcome == "evaluated" else ""
        colours[label] = class_hex(key, CLASS_KEYS) if key else "#b8bec8"
        rows.append({"年度": str(year), "税收（万元）": float(f.tax) if f and f.tax is not None else 0, "类别": label})
    spec = charts.bar(
        rows,
        x="年度",
        y="税收（万元）",
        colour="类别",
        colours=colours,
        x_title=_("年度"),
        y_title=_("实缴税收（万元）"),
        colour_title=_("评价类别"),
        width=max(160, 70 * len(rows)),
        height=170,
    )
    return charts.svg(spec, label=_("历年税收与评价类别"))


def classes_panel(ent, user) -> dict:
    years = class_by_year(enterprise_history(ent, user))
    chart = evaluation_chart(ent, years)
    return {"ent": ent, "evaluation_years": years, "chart": chart, "count": len(years) or None}


# ------------------------------------------------------------------ latest published class
def latest_classes(ids: list[int], user) -> dict[int, EvaluationResult]:
    """Each enterprise's result in the latest published run that evaluated it (one query)."""
    rows = (
        scoped(EvaluationResult.objects.filter(enterprise_id__in=ids), user)
        .filter(run__status=EvaluationRun.Status.PUBLISHED)
        .select_related("run")
        .order_by("enterprise_id", "-run__year", "-run_id")
        .only("enterprise_id", "evaluation_class", "outcome", "run__year", "run__status")
    )
    out: dict[int, EvaluationResult] = {}
    for r in rows:
        out.setdefault(r.enterprise_id, r)
    return out


def class_tag(r: EvaluationResult | None):
    if r is None:
        return format_html('<span class="muted">{}</span>', _("未评价"))
    if r.outcome != EvaluationResult.Outcome.EVALUATED:
        return format_html(
            '<span class="tag tag-{}">{}</span>', OUTCOME.get(r.outcome, "grey"), r.get_outcome_display()
        )
    return format_html(
        '<span class="tag tag-{} ev-class" title="{}">{}</span> <small>{}</small>',
        class_colour(r.evaluation_class, CLASS_KEYS),
        _("%(y)s 年度") % {"y": r.run.year},
        r.evaluation_class or "—",
        r.run.year,
    )


def class_column(ids: list[int], user) -> dict[int, object]:
    latest = latest_classes(ids, user)
    return {i: class_tag(latest.get(i)) for i in ids}


def latest_class_fact(ent, user) -> dict:
    return {"label": _("最新评价类别"), "value": class_tag(latest_classes([ent.pk], user).get(ent.pk)), "href": ""}


def park_classes_fact(park, user) -> dict | None:
    ids = list(
        Occupancy.objects.filter(active_q(timezone.localdate()), parcel__park=park)
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    latest = latest_classes(ids, user)
    counts = Counter(r.evaluation_class for r in latest.values() if r.outcome == EvaluationResult.Outcome.EVALUATED)
    if not counts:
        return {"label": _("企业评价类别"), "value": _("无"), "href": ""}
    parts = [
        format_html('<span class="tag tag-{} ev-class">{} {}</span>', class_colour(k, CLASS_KEYS), k, counts[k])
        for k in CLASS_KEYS
        if counts.get(k)
    ]
    return {"label": _("企业评价类别"), "value": format_html("{} " * len(parts), *parts), "href": ""}


def register() -> None:
    register_panel(
        Panel(
            "enterprise",
            40,
            "evaluation/_enterprise_classes.html",
            classes_panel,
            "evaluation",
            gettext_lazy("年度数据与亩均评价"),
        )
    )
    register_panel(Panel("enterprise", 41, "evaluation/_enterprise_figures.html", figures_panel))
    register_fact(Fact("enterprise", 60, latest_class_fact))
    register_fact(Fact("park", 80, park_classes_fact))
    register_enterprise_column(EnterpriseColumn("evaluation_class", 10, gettext_lazy("最新评价类别"), class_column))
