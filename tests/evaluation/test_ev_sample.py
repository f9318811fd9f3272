"""The sample county evaluated (evaluate_sample), and the what-if page on it against a direct engine
comparison. The sample is built once for the module, in a transaction rolled back at the end."""

from __future__ import annotations

import time
from collections import Counter

import polars as pl
import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from landcycle.accounts.models import Role, User
from landcycle.accounts.services import system_user
from landcycle.evaluation.inputs import read_inputs
from landcycle.evaluation.models import EvaluationJob, EvaluationResult, EvaluationRun, PolicyVersion
from landcycle.evaluation.sample import SAMPLE_YEARS, evaluate_sample
from landcycle.evaluation.selectors import published_classes
from landcycle.rules.evaluation import default_policy, evaluate
from landcycle.sample import DEFAULT_SEED, build_sample

pytestmark = pytest.mark.django_db  # each test in a savepoint of the module's transaction

PARAMS = {
    "year": "2025",
    "share.A": "15",
    "share.B": "45",
    "w.above.tax_per_mu": "40",
    "w.above.rnd_share": "5",
    "w.above.value_added_per_mu": "15",
    "cap.tenant.tax_per_mu": "60",
}


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """The sample county with its evaluation (evaluated here unless building the sample did it already)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        with transaction.atomic():
            build_sample(seed=DEFAULT_SEED)
            took = None
            if not EvaluationRun.objects.exists():
                started = time.perf_counter()
                evaluate_sample(actor=system_user())
                took = time.perf_counter() - started
            yield {"took": took}
            transaction.set_rollback(True)


def _categories(result) -> dict[int, str]:
    out = {
        r["_row"]: ("exempt" if r["exempt"] else r["class"])
        for r in result.frame.select("_row", "exempt", "class").iter_rows(named=True)
    }
    out.update({row: "problem" for row in result.problems_frame["_row"].unique().to_list()})
    return out


def test_three_years_evaluated_and_the_latest_published(sample):
    runs = list(EvaluationRun.objects.order_by("year"))
    assert [r.year for r in runs] == list(SAMPLE_YEARS)
    assert [r.status for r in runs] == ["draft", "draft", "published"]
    assert {r.policy_version for r in runs} == {"2026.1"}
    if sample["took"] is not None:
        assert sample["took"] < 20, f"evaluate_sample took {sample['took']:.1f} s"
    inputs = read_inputs(list(SAMPLE_YEARS))
    for run in runs:
        direct = evaluate(inputs.year(run.year), default_policy(), year=run.year)
        stored = dict(
            EvaluationResult.objects.filter(run=run, outcome="evaluated").values_list(
                "enterprise_id", "evaluation_class"
            )
        )
        expected = {r["_row"]: r["class"] for r in direct.frame.filter(~pl.col("exempt")).iter_rows(named=True)}
        assert stored == expected and len(stored) > 4000
        assert run.summary["classes"] == dict(Counter(expected.values()))
    assert published_classes() == published_classes(2025)
    assert sum(v == "D" for v in published_classes().values()) == runs[-1].summary["classes"]["D"]


def test_whatif_counts_and_matrix_equal_a_direct_engine_comparison(sample, client, run_tasks):
    analyst = User.objects.filter(role=Role.CITY_ANALYST).first()
    client.force_login(analyst)
    resp = client.get(reverse("evaluation_whatif"), PARAMS)
    assert resp.status_code == 200 and not resp.context["problems"]
    shown = resp.context["result"]
    frame = read_inputs([2025]).year(2025)
    data = default_policy().data
    data = {**data, "classes": {**data["classes"], "levels": [dict(lv) for lv in data["classes"]["levels"]]}}
    data["classes"]["levels"][0]["share"], data["classes"]["levels"][1]["share"] = 15, 45
    groups = [dict(g, indicators=[dict(i) for i in g["indicators"]]) for g in data["groups"]]
    weights = {"tax_per_mu": 40, "rnd_share": 5, "value_added_per_mu": 15}
    for ind in groups[0]["indicators"]:
        ind["weight"] = weights.get(ind["key"], ind["weight"])
    groups[1]["indicators"][0]["cap"] = 60
    data["groups"] = groups
    before = _categories(evaluate(frame, default_policy(), year=2025))
    after = _categories(evaluate(frame, data, year=2025))
    pairs = Counter((before.get(e, "none"), after.get(e, "none")) for e in set(before) | set(after))
    changed = sum(n for (a, b), n in pairs.items() if a != b)
    assert shown["changed_n"] == changed > 100
    matrix = {(row["from"], cell["to"]): cell["n"] for row in shown["matrix"] for cell in row["cells"]}
    assert {k: v for k, v in matrix.items() if v} == dict(pairs)
    assert shown["total"] == len(set(before) | set(after))
    page = resp.context["page_obj"]
    assert len(page.rows) == 20 and page.paginator.count == changed
    assert all(before[r["enterprise_id"]] != after[r["enterprise_id"]] for r in page.rows)
    assert not PolicyVersion.objects.filter(version="2026.2").exists()  # nothing saved by looking

    # saved as a new version, with a draft run whose classes are the what-if's
    saved = client.post(
        reverse("evaluation_whatif") + "?" + "&".join(f"{k}={v}" for k, v in PARAMS.items()),
        {"name": "测算办法", "version": "2026.2", "note": "A 15%", "and_run": "on"},
    )
    assert saved.status_code == 302
    version = PolicyVersion.objects.get(version="2026.2")
    assert version.based_on.version == "2026.1" and "A类占比" in version.toml
    job = EvaluationJob.objects.get(policy=version)  # the run is computed in the background
    assert saved["Location"] == reverse("evaluation_job", args=[job.pk]) and run_tasks() == 1
    run = EvaluationRun.objects.get(policy=version)
    job.refresh_from_db()
    assert run.status == "draft" and job.run == run
    stored = dict(
        EvaluationResult.objects.filter(run=run, outcome="evaluated").values_list("enterprise_id", "evaluation_class")
    )
    assert stored == {e: c for e, c in after.items() if c in ("A", "B", "C", "D")}


def test_the_county_table_exports_every_result(sample, client):
    run = EvaluationRun.objects.get(year=2025, status="published")
    client.force_login(User.objects.filter(role=Role.LEADER).first())
    resp = client.get(reverse("evaluation_run_results", args=[run.pk]), {"export": "xlsx"})
    data = b"".join(resp.streaming_content)
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(__import__("io").BytesIO(data)).get_sheet_by_name("评价结果").to_python()
    assert len(rows) - 3 == EvaluationResult.objects.filter(run=run).count()


def test_the_sample_shows_a_vetoed_firm_and_a_merged_unit(sample):
    from landcycle.evaluation.models import EvaluationFact

    run = EvaluationRun.objects.get(year=2025, status="published")
    veto = EvaluationFact.objects.get(kind="veto_illegal_land")
    r = EvaluationResult.objects.get(run=run, enterprise=veto.enterprise)
    assert (r.class_by_rank, r.evaluation_class) == ("A", "C") and "违法用地" in r.reason_zh
    merged = EvaluationFact.objects.filter(kind="merge_key", year=2025)
    assert merged.count() == 2 and len({f.value for f in merged}) == 1
    a, b = (EvaluationResult.objects.get(run=run, enterprise=f.enterprise) for f in merged)
    assert (
        a.outcome == b.outcome == "evaluated"
        and (a.score, a.rank, a.evaluation_class) == (b.score, b.rank, b.evaluation_class)
        and a.flags["merge_key"] == b.flags["merge_key"]
    )
