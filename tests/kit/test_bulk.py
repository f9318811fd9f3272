"""Issue 18: ``kit.bulk.insert_rows`` (one COPY on PostgreSQL, ``bulk_create`` elsewhere) stores what
``bulk_create`` stores — decimals given as Decimal, text, int or float, floats given as int, NULLs, JSON with
quotes, backslashes, control characters and Chinese text — and sets keys that rise in the objects' order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import QIAOTOU, XINPU
from landcycle.evaluation.models import EvaluationResult, EvaluationRun, YearlyFigure
from landcycle.kit.bulk import insert_rows

pytestmark = pytest.mark.django_db


def _stored(model, objs, drop: tuple[str, ...]) -> list[dict]:
    rows = model.objects.filter(pk__in=[o.pk for o in objs]).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in ("id", *drop)} for row in rows]


def test_figures_copied_are_the_figures_bulk_created(registry_data):
    firms = [d[k] for d in registry_data.values() for k in ("owner", "tenant")]
    values = [
        dict(
            revenue=Decimal("12000.50"), tax="600.25", value_added=3000, energy_tce=None, emissions_t=Decimal("0.125")
        ),
        dict(revenue=12.5, tax=Decimal("1E+2"), rnd=Decimal("0.10"), staff=150, electricity_10k_kwh=Decimal("-3.07")),
        dict(revenue=None, tax=None, staff=None),
        dict(revenue=Decimal("999999999999.99"), emissions_t="0.001", staff=0),
    ]

    def figures(year: int) -> list[YearlyFigure]:
        return [YearlyFigure(enterprise=f, year=year, **v) for f, v in zip(firms, values, strict=True)]

    copied, created = figures(2023), figures(2024)
    insert_rows(YearlyFigure, copied)
    YearlyFigure.objects.bulk_create(created)
    ids = [f.pk for f in copied]
    assert all(ids) and ids == sorted(ids) and len(set(ids)) == len(ids)
    assert _stored(YearlyFigure, copied, ("year",)) == _stored(YearlyFigure, created, ("year",))
    stored = _stored(YearlyFigure, copied, ("year",))
    assert stored[0]["tax"] == Decimal("600.25") and stored[1]["tax"] == Decimal("100.00")
    assert stored[2]["revenue"] is None and stored[1]["revenue"] == Decimal("12.50")


def _draft_copy(run: EvaluationRun) -> EvaluationRun:
    """Another run like ``run`` (every column of its own), a draft."""
    copy = EvaluationRun.objects.get(pk=run.pk)
    copy.pk, copy.status = None, EvaluationRun.Status.DRAFT
    copy.save()
    return copy


def test_results_copied_are_the_results_bulk_created(evaluation_data):
    run = evaluation_data[XINPU]["run"]
    firms = [(d["owner"], d["town"]) for d in evaluation_data.values()]
    firms += [(d["tenant"], d["town"]) for d in evaluation_data.values()]
    values = [
        dict(
            outcome="evaluated",
            group="above",
            land_mu=3,  # an int in a float column
            indicators={"tax_per_mu": {"value": 1.5, "benchmark": None, "contribution": 0.25, "imputed": True}},
            score=87.1234,
            rank=1,
            group_size=2,
            percentile=50.0,
            evaluation_class="A",
            flags={"vetoes": ['引号"', "反斜杠\\"], "merge_key": "a\tb\nc"},
            reason_zh="规上企业，得分 87.1\t（制表）\n换行",
            reason_en='Above "scale" \\ score',
        ),
        dict(outcome="exempt", group="", land_mu=None, indicators={}, flags={"exemption": "新办企业"}),
        dict(outcome="problem", flags={"problems": [{"column": "tax", "value": None, "rule": "required"}]}),
        dict(outcome="evaluated", group="tenant", land_mu=0.0, score=0.0, rank=2, group_size=2, percentile=100.0),
    ]

    def results(into: EvaluationRun) -> list[EvaluationResult]:
        return [
            EvaluationResult(run=into, enterprise=firm, town=town, **v)
            for (firm, town), v in zip(firms, values, strict=True)
        ]

    copied, created = results(_draft_copy(run)), results(_draft_copy(run))
    insert_rows(EvaluationResult, copied)
    EvaluationResult.objects.bulk_create(created)
    assert _stored(EvaluationResult, copied, ("run_id",)) == _stored(EvaluationResult, created, ("run_id",))
    first = EvaluationResult.objects.get(pk=copied[0].pk)
    assert first.land_mu == 3.0 and first.flags["vetoes"] == ['引号"', "反斜杠\\"] and first.score == 87.1234
    assert EvaluationResult.objects.get(pk=copied[2].pk).score is None
    assert {r.town_id for r in copied} == {evaluation_data[XINPU]["town"].pk, evaluation_data[QIAOTOU]["town"].pk}
