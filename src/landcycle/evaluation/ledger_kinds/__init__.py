"""The evaluation's ledgers, registered with the ledger machinery (``ledgers.kinds.register``) when the app
is ready: 企业年度数据 (``figures``, with one column per kind of evaluation fact) and 评价事项
(``evaluation_facts``)."""

from __future__ import annotations

from landcycle.ledgers.columns import Column
from landcycle.ledgers.kinds import EXAMPLE_USCC, Kind, register

from ..facts import MERGE, shipped_kinds
from ..models import EvaluationFact, YearlyFigure
from .importers import FactImporter, FigureImporter
from .schemas import EVALUATION_FACTS, FIGURES_LEDGER


def _fact_of(figure, kind: str):
    """The recorded fact ``kind`` of a figure's enterprise and year (facts prefetched with the enterprise); an
    enterprise that is not in the database (the sample's ledger files) has none."""
    if figure.enterprise._state.adding:
        return None
    return next((f for f in figure.enterprise.evaluation_facts.all() if f.year == figure.year and f.kind == kind), None)


def _fact_columns() -> list[Column]:
    """The figures ledger's columns for evaluation facts: 是 per recorded flag, the merge key's value."""
    cols = []
    for k in shipped_kinds():
        if k.category == MERGE:
            cols.append(
                Column(k.kind, lambda f, kind=k.kind: getattr(_fact_of(f, kind), "value", None), width=14, example="")
            )
        else:
            cols.append(
                Column(k.kind, lambda f, kind=k.kind: "是" if _fact_of(f, kind) else None, width=10, example="")
            )
    return cols


def figures_kind() -> Kind:
    return Kind(
        "figures",
        FIGURES_LEDGER,
        "企业年度数据：亩均评价用的收入、税收、增加值、能耗、排放、研发、职工、用电",
        "yearly figures: revenue, tax, value added, energy, emissions, R&D, staff, electricity",
        (
            Column("uscc", lambda f: f.enterprise.uscc, width=22, example=EXAMPLE_USCC),
            Column("name", lambda f: f.enterprise.name, width=30, example="慈溪市新浦电器有限公司"),
            Column("year", lambda f: f.year, width=8, example=2025),
            Column("revenue", lambda f: f.revenue, width=16, example="12000.00"),
            Column("tax", lambda f: f.tax, width=16, example="600.00"),
            Column("value_added", lambda f: f.value_added, width=16, example="3000.00"),
            Column("energy_tce", lambda f: f.energy_tce, width=18, example="850.00"),
            Column("emissions_t", lambda f: f.emissions_t, width=18, example="1.250"),
            Column("rnd", lambda f: f.rnd, width=16, example="420.00"),
            Column("staff", lambda f: f.staff, width=14, example=120),
            Column("electricity_10k_kwh", lambda f: f.electricity_10k_kwh, width=18, example="560.00"),
            *_fact_columns(),
        ),
        lambda: YearlyFigure.objects.select_related("enterprise").order_by("enterprise__uscc", "year"),
        importer_class=FigureImporter,
        related=("enterprise",),
        prefetch=("enterprise__evaluation_facts",),
    )


def facts_kind() -> Kind:
    return Kind(
        "evaluation_facts",
        EVALUATION_FACTS,
        "评价事项：一票否决（事故、节能任务、违法用地）、保护、政策性搬迁、合并评价，每项注明日期与依据文件",
        "evaluation facts: vetoes (accidents, a missed energy task, illegal land use), protections, relocation by "
        "policy, merged units, each with its date and source document",
        (
            Column("uscc", lambda f: f.enterprise.uscc, width=22, example=EXAMPLE_USCC),
            Column("name", lambda f: f.enterprise.name, width=30, example="慈溪市新浦电器有限公司"),
            Column("year", lambda f: f.year, width=8, example=2025),
            Column("kind", lambda f: f.kind, width=22, example="veto_illegal_land"),
            Column("value", lambda f: f.value, width=14, example=""),
            Column("occurred_on", lambda f: f.occurred_on, width=14, example="2025-06-03"),
            Column("source", lambda f: f.source, width=30, example="慈自然资罚〔2025〕12号"),
            Column("note", lambda f: f.note, width=30, example=""),
        ),
        lambda: EvaluationFact.objects.select_related("enterprise").order_by("enterprise__uscc", "year", "kind"),
        importer_class=FactImporter,
        related=("enterprise",),
    )


def register_kinds() -> None:
    """Called by ``EvaluationConfig.ready()``."""
    register(figures_kind())
    register(facts_kind())
