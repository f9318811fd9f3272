"""Computing, publishing and correcting a quarter: a draft recomputes; a published run is frozen (no service changes
it); a correction is a new run that supersedes it with a reason; only the county writes; everything is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from ranking_data import source_rows  # noqa: F401 -- fixture

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.kit.indicators import Quarter
from landcycle.ranking.models import IndicatorInput, RankingResult, RankingRun
from landcycle.ranking.services import run_compute, run_correct, run_publish
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
Q2 = Quarter(2025, 2)


@pytest.fixture
def hand(source_rows):
    xp, qt = source_rows[XINPU]["town"], source_rows[QIAOTOU]["town"]
    for town, score, money in ((xp, 90, 3000), (qt, 70, 1000)):
        IndicatorInput.objects.create(town=town, year=2025, quarter=2, indicator="policy_score", value=score)
        IndicatorInput.objects.create(
            town=town, year=2025, quarter=2, indicator="investment_attracted", value=money, source="商务局"
        )
    return source_rows


def test_compute_freezes_inputs_results_and_intervals(hand, personas):
    run = run_compute(actor=personas["admin"], quarter=Q2, runs=200)
    assert run.state == "draft" and run.policy_version == "2026.1" and run.policy_toml
    codes = [t["code"] for t in run.inputs["towns"]]
    assert codes == sorted([XINPU, QIAOTOU])
    policy = run.inputs["indicators"]["policy_score"]
    assert policy["origin"] == "hand" and policy["values"][XINPU]["value"] == 90.0
    assert run.inputs["indicators"]["renewal_progress"]["origin"] == "computed"  # the renewal app's source
    assert run.inputs["indicators"]["admitted_projects"]["origin"] == "computed"
    results = {r.town.code: r for r in run.results.select_related("town")}
    assert sorted(r.rank for r in results.values()) == [1, 2]
    for r in results.values():
        assert r.rank_low <= r.rank_median <= r.rank_high
        assert set(r.dimensions) == {"policy", "industry", "enterprise", "space", "implementation"}
        assert r.indicators["policy_score"]["value"] in (90.0, 70.0)
    # 新浦 has the better policy score (policy dimension, min-max over two towns: 100 against 0)
    assert results[XINPU].indicators["policy_score"]["normalised"] == 100.0
    assert results[QIAOTOU].indicators["policy_score"]["normalised"] == 0.0
    assert set(run.method["sensitivity"]) == {"normalisation", "aggregation", "imputation", "weights"}
    assert AuditEntry.objects.filter(action="ranking_run.compute", object_id=str(run.pk)).exists()


def test_a_draft_recomputes_in_place_and_publishing_freezes_it(hand, personas):
    admin = personas["admin"]
    run = run_compute(actor=admin, quarter=Q2, runs=100, gains=False)
    IndicatorInput.objects.filter(indicator="policy_score", town__code=QIAOTOU).update(value=95)
    again = run_compute(actor=admin, quarter=Q2, runs=100, gains=False)
    assert again.pk == run.pk and again.inputs["indicators"]["policy_score"]["values"][QIAOTOU]["value"] == 95.0
    published = run_publish(actor=admin, run=again)
    assert published.state == "published" and published.published_by == admin
    frozen = (published.inputs, list(published.results.values_list("town_id", "score", "rank", "rank_low")))
    IndicatorInput.objects.filter(indicator="policy_score", town__code=QIAOTOU).update(value=10)
    with pytest.raises(RuleError) as e:
        run_compute(actor=admin, quarter=Q2, runs=100)
    assert e.value.problems[0].rule == "ranking.published"
    with pytest.raises(RuleError):
        run_publish(actor=admin, run=published)
    published.refresh_from_db()
    assert (published.inputs, list(published.results.values_list("town_id", "score", "rank", "rank_low"))) == frozen
    assert RankingResult.objects.filter(run=published).count() == 2


def test_a_correction_supersedes_with_its_reason(hand, personas):
    admin = personas["admin"]
    first = run_publish(actor=admin, run=run_compute(actor=admin, quarter=Q2, runs=100, gains=False))
    with pytest.raises(RuleError) as e:
        run_correct(actor=admin, run=first, reason="  ")
    assert e.value.problems[0].rule == "ranking.reason"
    IndicatorInput.objects.filter(indicator="policy_score", town__code=QIAOTOU).update(value=99)
    fix = run_correct(actor=admin, run=first, reason="桥头镇政策评分录入有误", runs=100)
    first.refresh_from_db()
    assert first.state == "published" and fix.state == "draft" and fix.supersedes == first
    run_publish(actor=admin, run=fix)
    first.refresh_from_db()
    fix.refresh_from_db()
    assert (first.state, fix.state, fix.reason) == ("superseded", "published", "桥头镇政策评分录入有误")
    assert first.inputs["indicators"]["policy_score"]["values"][QIAOTOU]["value"] == 70.0  # the old one unchanged
    assert fix.inputs["indicators"]["policy_score"]["values"][QIAOTOU]["value"] == 99.0
    with pytest.raises(RuleError):
        run_correct(actor=admin, run=first, reason="再改")  # a superseded run is not corrected again
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"ranking_run.publish", "ranking_run.correct", "ranking_run.supersede"} <= actions


def test_only_the_county_computes_and_publishes(hand, personas):
    for who in ("xinpu", "leader", "supervisor"):
        with pytest.raises(PermissionDenied):
            run_compute(actor=personas[who], quarter=Q2, runs=50)
    run = run_compute(actor=personas["analyst"], quarter=Q2, runs=50, gains=False)
    with pytest.raises(PermissionDenied):
        run_publish(actor=personas["xinpu"], run=run)
    assert RankingRun.objects.get(pk=run.pk).state == "draft"


def test_intervals_widen_when_weights_may_vary_more(hand, personas, monkeypatch):
    """The same inputs, the Monte Carlo with weights fixed against weights varying ±90 %: the interval of at least
    one town widens and none narrows."""
    from landcycle.ranking.policy import current_source
    from landcycle.rules.ranking.engine import Table  # noqa: F401 -- the engine's table, as the run freezes it

    text = current_source().text
    narrow = (
        text.replace("weight_range = 0.25", "weight_range = 0.0")
        .replace('normalisations = ["minmax", "efficacy", "rank", "zscore"]', 'normalisations = ["minmax"]')
        .replace('aggregations = ["arithmetic", "geometric", "topsis"]', 'aggregations = ["arithmetic"]')
        .replace("imputation = [true, false]", "imputation = [true]")
    )
    wide = narrow.replace("weight_range = 0.0", "weight_range = 0.9")
    a = run_compute(actor=personas["admin"], quarter=Q2, runs=300, policy_text=narrow, gains=False)
    spans_a = {r.town_id: r.rank_high - r.rank_low for r in a.results.all()}
    RankingRun.objects.all().delete()
    b = run_compute(actor=personas["admin"], quarter=Q2, runs=300, policy_text=wide, gains=False)
    spans_b = {r.town_id: r.rank_high - r.rank_low for r in b.results.all()}
    assert all(v == 0 for v in spans_a.values())
    assert all(spans_b[k] >= spans_a[k] for k in spans_a) and sum(spans_b.values()) > 0


def test_nothing_to_rank_is_said(regions, personas):
    with pytest.raises(RuleError) as e:
        run_compute(actor=personas["admin"], quarter=Q2, runs=10)
    assert e.value.problems[0].rule == "ranking.no_towns"
    assert not RankingRun.objects.exists()


def test_one_draft_and_one_published_run_a_quarter(hand, personas):
    from django.db import IntegrityError, transaction

    run = run_compute(actor=personas["admin"], quarter=Q2, runs=20, gains=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        RankingRun.objects.create(
            county=run.county,
            year=2025,
            quarter=2,
            policy_name="x",
            policy_version="x",
            policy_hash="x",
            policy_toml="",
            computed_at=run.computed_at,
        )
