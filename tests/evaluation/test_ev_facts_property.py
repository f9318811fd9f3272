"""Property: a run from the database equals ``landcycle evaluate``'s engine on the same data exported as a
ledger — vetoes, protections, 政策性搬迁 and merged units included.

The figures ledger is exported by the product (``ledgers.export``, CSV) with its evaluation-fact columns
and read back by the stand-alone reader (``evaluation.ledger.read_evaluation_ledger``); the registry
columns a figures ledger does not carry (land at the year end, industry, scale, registration and grant
dates, town) are joined from the database by credit code, as a town's combined ledger would hold them."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landcycle.evaluation import services
from landcycle.evaluation.inputs import read_inputs
from landcycle.evaluation.ledger import read_evaluation_ledger
from landcycle.evaluation.models import EvaluationResult, YearlyFigure
from landcycle.evaluation.services.facts import fact_record
from landcycle.ledgers.export import ledger_export
from landcycle.rules.evaluation import default_policy, evaluate

pytestmark = pytest.mark.django_db

FLAGS = [
    "veto_safety",
    "veto_environment",
    "veto_food_safety",
    "veto_energy_task",
    "veto_illegal_land",
    "construction",
    "protected",
    "relocated",
]
REGISTRY = [
    "uscc",
    "town",
    "industry_code",
    "scale",
    "registered_on",
    "land_owned_mu",
    "land_leased_mu",
    "land_let_mu",
    "land_granted_on",
]


class _Rollback(Exception):
    pass


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flags=st.lists(st.lists(st.sampled_from(FLAGS), max_size=2), min_size=4, max_size=4),
    merge=st.lists(st.booleans(), min_size=2, max_size=2),
    tax=st.lists(st.integers(1, 900), min_size=4, max_size=4),
)
def test_a_database_run_equals_the_engine_on_the_exported_ledger(evaluation_data, personas, flags, merge, tax):
    admin = personas["admin"]
    firms = [e for d in evaluation_data.values() for e in (d["owner"], d["tenant"])]
    try:
        with transaction.atomic():
            for ent, t, kinds in zip(firms, tax, flags, strict=False):
                YearlyFigure.objects.filter(enterprise=ent, year=2025).update(
                    tax=t, energy_tce=80, emissions_t=0.2, rnd=12, staff=25
                )
                for k in kinds:
                    fact_record(actor=admin, enterprise=ent, year=2025, kind=k, source="依据〔2025〕1号")
            for d, on in zip(evaluation_data.values(), merge, strict=False):
                if on:
                    for ent in (d["owner"], d["tenant"]):
                        fact_record(
                            actor=admin,
                            enterprise=ent,
                            year=2025,
                            kind="merge_key",
                            value=f"M-{d['town'].code}",
                            source="同地块合并评价",
                        )
            run = services.run_create(actor=admin, year=2025)
            stored = {
                r.enterprise.uscc: r for r in EvaluationResult.objects.filter(run=run).select_related("enterprise")
            }
            data = ledger_export(user=admin, kind="figures", fmt="csv")
            registry = read_inputs([2025]).year(2025).select(REGISTRY)
            raise _Rollback(data, registry, stored)
    except _Rollback as done:
        data, registry, stored = done.args
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "figures.csv"
        path.write_bytes(data)
        read = read_evaluation_ledger(path, default_policy())
    assert not read.problems
    frame = read.frame.drop("land_owned_mu", "land_leased_mu", "land_let_mu", strict=False).join(
        registry, on="uscc", how="left"
    )
    assert frame.height == 4
    engine = evaluate(frame, None, year=2025)
    assert engine.problems_frame.height == sum(r.outcome == "problem" for r in stored.values())
    seen = 0
    for row in engine.frame.iter_rows(named=True):
        r = stored[row["uscc"]]
        seen += 1
        assert r.outcome == ("exempt" if row["exempt"] else "evaluated")
        assert (r.score, r.rank, r.evaluation_class or None, r.group or None) == (
            row["score"],
            row["rank"],
            row["class"],
            row["group"],
        )
        assert r.flags.get("vetoes", []) == (row["vetoes"].split(",") if row["vetoes"] else [])
        assert r.flags.get("protections", []) == (row["protections"].split(",") if row["protections"] else [])
        assert r.flags.get("merge_key") == (row["merge_key"] if (row["members"] or 1) > 1 else None)
        assert r.reason_zh == row["reason_zh"]
    assert seen + engine.problems_frame["_row"].n_unique() == len(stored) == 4
