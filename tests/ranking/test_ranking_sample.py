"""The sample county's ranking: eight quarters published for its 24 towns, the hand-entered figures imported through
the ledger, and the computed figures frozen in a run equal to a count of the sample's own rows."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from landcycle.admission.models import Decision
from landcycle.evaluation.models import EvaluationResult
from landcycle.ranking.models import IndicatorInput, RankingRun
from landcycle.sample import DEFAULT_SEED, build_sample


@pytest.fixture(scope="module")
def sample_db(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        with transaction.atomic():
            yield build_sample(seed=DEFAULT_SEED)
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_eight_quarters_published_with_hand_entered_figures(sample_db):
    runs = list(RankingRun.objects.order_by("year", "quarter"))
    assert [r.label for r in runs] == [f"{y}Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
    assert {r.state for r in runs} == {"published"}
    for run in runs:
        assert len(run.inputs["towns"]) == 24 and run.results.count() == 24
        assert sorted(run.results.values_list("rank", flat=True)) == list(range(1, 25))
        assert run.inputs["indicators"]["policy_score"]["origin"] == "hand"
        assert run.inputs["indicators"]["low_yield_cleared_mu"]["origin"] == "computed"  # from the vacating cases
    assert IndicatorInput.objects.count() == 8 * 24 * 2


@pytest.mark.django_db
def test_computed_figures_equal_the_sample_rows(sample_db):
    run = RankingRun.objects.get(year=2025, quarter=4)
    d_share = run.inputs["indicators"]["d_class_share"]["values"]
    admitted = run.inputs["indicators"]["admitted_projects"]["values"]
    for town in run.inputs["towns"]:
        rows = EvaluationResult.objects.filter(
            run__year=2025, run__status="published", town_id=town["id"], outcome="evaluated"
        )
        n, d = rows.count(), rows.filter(evaluation_class="D").count()
        assert d_share[town["code"]]["value"] == pytest.approx(100 * d / n if n else None)
        decided = Decision.objects.filter(
            outcome="admitted",
            application__town_id=town["id"],
            decided_on__range=("2025-10-01", "2025-12-31"),
        )
        assert admitted[town["code"]]["value"] == decided.values("application").distinct().count()
    assert sum(v["value"] for v in admitted.values()) > 0
