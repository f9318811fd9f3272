"""``landcycle generate``: a scaled sample of exactly N enterprises and M contracts in every supervision state,
the same for the same seed, written to the database (audited, evaluated, then every rule kind fires on the
refresh and a second refresh changes nothing) or to ledger files that ``landcycle import`` reads back."""

from __future__ import annotations

import collections
import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_verify
from landcycle.evaluation.models import EvaluationRun, YearlyFigure
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
from landcycle.rules.codes import is_valid_uscc
from landcycle.sample import REFERENCE_DATE
from landcycle.sample.contracts import BUILDING, COMPLETED, IDLE_STATES
from landcycle.sample.scaled import Scale, province_plans
from landcycle.supervision.models import Commitment, Contract, Warning, WarningEvent

N, M, TOWNS = 700, 1050, 3
STATES = (
    set(BUILDING) | set(IDLE_STATES) | set(COMPLETED) | {"old_grant", "lease", "not_judged", "idle_gov_delay_expired"}
)
RULES = {
    "start.due_soon",
    "start.overdue",
    "progress.behind",
    "idle.stalled_watch",
    "completion.due_soon",
    "completion.overdue",
    "idle.not_started",
    "idle.take_back",
    "idle.stalled",
    "commitment.tax_per_mu",
    "commitment.energy_per_value_added",
    "production.due_soon",
    "production.overdue",
    "enterprise.tax_per_mu",
    "enterprise.class",
    "contract.not_judged",
    "lease.ended_not_vacated",
}


def _plans(**kw):
    return list(province_plans(Scale(**{"enterprises": N, "contracts": M, **kw})))


def _digest(plans) -> list[str]:
    return [p.digest() for p in plans]


@pytest.fixture(scope="module")
def plans():
    return _plans()


@pytest.fixture(scope="module")
def province_plan():
    """Two counties: all of 慈溪市 and the first towns of the next one."""
    return _plans(towns=26)


# ------------------------------------------------------------------ the plan (no database)
def test_exact_counts(plans, province_plan):
    for county_plans in (plans, province_plan):
        assert sum(len(p.enterprises) for p in county_plans) == N
        assert sum(len(p.contracts) for p in county_plans) == M
    assert sum(len(p.towns) for p in plans) == TOWNS
    assert [p.towns[0].code[:6] for p in province_plan] == ["330282", "330102"]
    assert sum(len(p.towns) for p in province_plan) == 26
    default = Scale(enterprises=420)
    assert default.contract_count == 630 and len(default.counties()[0].towns) == 2


def test_same_seed_same_sample_other_seed_other_sample(plans):
    assert _digest(_plans()) == _digest(plans)
    assert _digest(_plans(seed=7)) != _digest(plans)


def test_sample_does_not_depend_on_hash_randomisation(plans):
    code = (
        "from landcycle.sample.scaled import Scale, province_plans; "
        f"print([p.digest() for p in province_plans(Scale(enterprises={N}, contracts={M}))])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(_digest(plans))


def test_codes_unique_and_valid_across_counties(province_plan):
    firms = [e for p in province_plan for e in p.enterprises]
    assert len({e.uscc for e in firms}) == len(firms) and all(is_valid_uscc(e.uscc) for e in firms)
    assert len({e.name for e in firms}) == len(firms)
    for name in ("parks", "parcels"):
        rows = [r for p in province_plan for r in getattr(p, name)]
        key = "code" if name == "parks" else "number"
        assert len({getattr(r, key) for r in rows}) == len(rows)
    contracts = [c for p in province_plan for c in p.contracts]
    assert len({c.number for c in contracts}) == len(contracts)
    hangzhou = [e for e in province_plan[1].enterprises]
    assert all(e.uscc[2:8] == "330102" for e in hangzhou) and not any("慈溪" in e.name for e in hangzhou)


def test_every_contract_state_and_consistent_references(plans):
    states = collections.Counter(c.state for p in plans for c in p.contracts)
    assert set(states) == STATES, states
    for p in plans:
        registered = {e.uscc for e in p.enterprises}
        parcels = {x.number: x for x in p.parcels}
        assert all(o.enterprise in registered and (o.lessor is None or o.lessor in registered) for o in p.occupancies)
        assert all(f.enterprise in registered for f in p.figures)
        for c in p.contracts:
            assert c.holder is None or c.holder in registered
            assert parcels[c.parcel].town_code == c.town_code and c.signed_on <= REFERENCE_DATE


def test_as_of_moves_every_date(plans):
    later = _plans(as_of=REFERENCE_DATE + dt.timedelta(days=730))
    before = [c for p in plans for c in p.contracts]
    after = [c for p in later for c in p.contracts]
    assert [c.state for c in before] == [c.state for c in after]
    assert all(
        b.agreed_start is None or a.agreed_start == b.agreed_start + dt.timedelta(days=730)
        for a, b in zip(after, before, strict=False)
    )
    assert {f.year for p in later for f in p.figures} == {2025, 2026, 2027}


def test_too_many_towns_is_refused():
    with pytest.raises(ValueError):
        Scale(enterprises=100, towns=10).counties()
    with pytest.raises(CommandError):
        call_command("generate", enterprises=100, towns=10, stdout=io.StringIO())


# ------------------------------------------------------------------ into the database
@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """The sample generated once into the test database (through the command), rolled back afterwards."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            out = io.StringIO()
            call_command("generate", enterprises=N, contracts=M, towns=TOWNS, stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_generate_writes_the_counts_audited(generated, plans):
    assert f"enterprises {N}" in generated and f"contracts {M}" in generated
    assert Enterprise.objects.count() == N and Contract.objects.count() == M
    assert Region.objects.filter(level="town", parks__isnull=False).distinct().count() == TOWNS
    for model, name in ((Park, "parks"), (Parcel, "parcels"), (Occupancy, "occupancies"), (YearlyFigure, "figures")):
        assert model.objects.count() == sum(len(getattr(p, name)) for p in plans), name
    assert Commitment.objects.count() == sum(len(c.commitments) for p in plans for c in p.contracts)
    assert list(EvaluationRun.objects.values_list("year", "status")) == [(2025, "published")]
    actions = collections.Counter(AuditEntry.objects.values_list("action", flat=True))
    assert actions["sample.enterprise.create"] == N and actions["sample.contract.create"] == M
    assert audit_verify().ok


@pytest.mark.django_db
def test_on_postgresql_the_generated_tables_are_analysed(generated):
    """The rows went in by COPY: the command measures them for the planner (ANALYZE), else it guesses."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'registry_enterprise'")
        assert cursor.fetchone()[0] == N


@pytest.mark.django_db
def test_on_postgresql_the_search_indexes_serve_the_generated_rows(generated):
    """The rows went in by COPY with the trigram indexes in place (kept up row by row: cheaper here than dropping
    and building them again, docs/benchmarks.md): every index is there, and a search through them finds what reading
    every row finds."""
    from django.db import connection
    from tests.kit.test_trigram import INDEXES

    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE %s", ["%gin_trgm_ops%"])
        assert set(INDEXES) <= {row[0] for row in cursor.fetchall()}
    word = Enterprise.objects.order_by("pk")[N // 2].name[2:6]
    expected = {pk for pk, name in Enterprise.objects.values_list("pk", "name") if word.upper() in name.upper()}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        found = Enterprise.objects.filter(name__icontains=word)
        assert "enterprise_name_trgm" in found.explain()
        assert set(found.values_list("pk", flat=True)) == expected


@pytest.mark.django_db
def test_refresh_raises_every_rule_kind_and_a_second_run_changes_nothing(generated):
    from landcycle.accounts.services import system_user
    from landcycle.supervision.refresh import warnings_refresh

    first = warnings_refresh(actor=system_user(), as_of=REFERENCE_DATE)
    assert first.raised > 0 and not first.skipped
    rules = set(Warning.objects.values_list("rule", flat=True))
    assert RULES <= rules, RULES - rules
    # a first refresh raises no green; reminders (blue) and "not judged" (grey) are their own colours
    assert set(Warning.objects.values_list("colour", flat=True)) == {"red", "yellow", "blue", "grey"}
    before = list(Warning.objects.order_by("pk").values())
    counts = (WarningEvent.objects.count(), AuditEntry.objects.count())
    second = warnings_refresh(actor=system_user(), as_of=REFERENCE_DATE)
    assert (second.raised, second.changed, second.updated, second.events, second.audit_entries) == (0, 0, 0, 0, 0)
    assert second.unchanged == len(before)
    assert list(Warning.objects.order_by("pk").values()) == before
    assert (WarningEvent.objects.count(), AuditEntry.objects.count()) == counts


@pytest.mark.django_db
def test_generate_refuses_a_database_with_enterprises(generated):
    with pytest.raises(CommandError):
        call_command("generate", enterprises=50, stdout=io.StringIO())
