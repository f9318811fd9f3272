"""Issue 18: ``write_results`` writes a run's results with one COPY on PostgreSQL (``kit.bulk.insert_rows``):
the rows are those the ``bulk_create`` of the same result objects stores — evaluated and problem rows alike."""

from __future__ import annotations

import pytest

from conftest import QIAOTOU
from landcycle.evaluation.inputs import read_inputs
from landcycle.evaluation.models import EvaluationResult, EvaluationRun, YearlyFigure
from landcycle.evaluation.persist import result_objects, write_results
from landcycle.rules.evaluation import evaluate
from landcycle.rules.evaluation.policy.parse import policy_of

pytestmark = pytest.mark.django_db


def _draft_copy(run: EvaluationRun) -> EvaluationRun:
    copy = EvaluationRun.objects.get(pk=run.pk)
    copy.pk, copy.status = None, EvaluationRun.Status.DRAFT
    copy.save()
    return copy


def _stored(run: EvaluationRun) -> list[dict]:
    rows = EvaluationResult.objects.filter(run=run).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in ("id", "run_id")} for row in rows]


def test_written_results_are_the_rows_bulk_create_stores(evaluation_data):
    run = evaluation_data[QIAOTOU]["run"]
    # one firm without its energy figure: a problem row beside the evaluated ones
    YearlyFigure.objects.filter(enterprise=evaluation_data[QIAOTOU]["owner"], year=2025).update(energy_tce=None)
    frame = read_inputs([2025]).year(2025)
    result = evaluate(frame, policy_of(run.policy_toml), year=2025)
    towns = dict(zip(frame["enterprise_id"].to_list(), frame["town_id"].to_list(), strict=True))
    written, created = _draft_copy(run), _draft_copy(run)
    assert write_results(written, result, towns) == 4
    EvaluationResult.objects.bulk_create(result_objects(created, result, towns))
    rows = _stored(written)
    assert rows == _stored(created)
    assert {r["outcome"] for r in rows} == {"evaluated", "problem"}
    assert all(r["score"] is None and r["flags"]["problems"] for r in rows if r["outcome"] == "problem")
    assert write_results(written, result, towns) == 4  # a recompute replaces the rows
    assert _stored(written) == rows
