"""The refresh's bulk readers and writers on a generated sample: contracts read as plain rows give the findings
of model instances, land used and main parks agree with the registry's selectors, a town officer's refresh
finds for its town what the county's finds, the reads take a fixed number of queries whatever the size, and
``insert_rows`` writes what ``bulk_create`` writes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from landcycle.accounts.models import Role, User
from landcycle.registry.models import Enterprise, Occupancy, Region
from landcycle.registry.selectors import active_q, land_used_many
from landcycle.rules.supervision import evaluate_contract
from landcycle.sample.persist.province import persist_province
from landcycle.sample.scaled import Scale
from landcycle.supervision import subjects
from landcycle.supervision.convert import policy, rule_contract
from landcycle.supervision.models import Contract, Warning, WarningEvent
from landcycle.supervision.refresh.rows import insert_rows

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 29)
TOWN = "330282002"  # 宗汉街道, the first town of the generated sample


def _generate(n: int = 500) -> None:
    persist_province(Scale(enterprises=n, contracts=round(1.5 * n), towns=3))


@pytest.fixture
def generated(personas):
    _generate()
    officer = User.objects.create_user(
        username="p_zonghan",
        password="x",
        role=Role.TOWN_OFFICER,
        region=Region.objects.get(code=TOWN),
        display_name="宗汉",
    )
    return {**personas, "zonghan": officer}


def _findings(actor) -> subjects.Findings:
    out = subjects.Findings()
    subjects.contract_findings(out, actor, DAY, policy())
    subjects.enterprise_findings(out, actor, DAY, policy())
    return out


def test_contracts_read_as_rows_give_the_findings_of_model_instances(generated):
    found = subjects.Findings()
    subjects.contract_findings(found, generated["admin"], DAY, policy())
    expected, parks = {}, {}
    for c in Contract.objects.prefetch_related(
        "commitments", "extensions", "government_delays", "parcel_links__parcel"
    ):
        for f in evaluate_contract(rule_contract(c), DAY, policy()).findings:
            expected[(subjects.CONTRACT, c.pk, f.rule)] = f
        links = sorted(c.parcel_links.all(), key=lambda link: link.pk)
        parks[c.pk] = links[0].parcel.park_id if links else None
    assert found.found == expected and len(expected) > 50
    assert {k[1]: s.park_id for k, s in found.subjects.items()} == parks
    assert found.counts["contracts"] == Contract.objects.count() and not found.skipped


def test_land_used_and_main_park_agree_with_the_registry(generated):
    day = dt.date(2025, 12, 31)
    ids = set(Enterprise.objects.values_list("pk", flat=True))
    parks, used, _granted = subjects._land_on(day, ids, generated["admin"])
    assert used == land_used_many(sorted(ids), day)
    held = defaultdict(lambda: defaultdict(int))
    for occupancy in Occupancy.objects.filter(active_q(day)).select_related("parcel"):
        held[occupancy.enterprise_id][occupancy.parcel.park_id] += occupancy.area_m2
    assert parks == {e: max(by_park, key=lambda p: (by_park[p], -p)) for e, by_park in held.items()}
    assert any(v < sum(held[e].values()) for e, v in used.items())  # some let land to tenants


def test_a_town_officer_finds_for_its_town_what_the_county_finds(generated):
    county, town = _findings(generated["admin"]), _findings(generated["zonghan"])
    town_id = Region.objects.get(code=TOWN).pk
    mine = {k: f for k, f in county.found.items() if county.subjects[k[:2]].town_id == town_id}
    assert town.found == mine and len(mine) > 10
    assert {k for k, s in town.subjects.items()} == {k for k, s in county.subjects.items() if s.town_id == town_id}


@pytest.mark.parametrize("size", [200, 600])
def test_reads_take_a_fixed_number_of_queries(personas, size):
    _generate(size)
    with CaptureQueriesContext(connection) as contracts:
        subjects.contract_findings(subjects.Findings(), personas["admin"], DAY, policy())
    with CaptureQueriesContext(connection) as enterprises:
        subjects.enterprise_findings(subjects.Findings(), personas["admin"], DAY, policy())
    assert len(contracts) == 5  # contracts, commitments, extensions, delays, parcels
    assert len(enterprises) <= 10  # enterprises, parks, figures, published classes, land per figure year


def test_insert_rows_sets_keys_and_writes_what_bulk_create_writes(generated):
    town = Region.objects.get(code=TOWN)

    def rows(offset):
        return [
            Warning(
                subject_type="contract",
                subject_id=offset + i,
                rule="start.overdue",
                colour="red",
                rank=2,
                reason_zh="约定开工日已过“120”天",
                reason_en='not started \\ "120" days',
                town=town,
                figures={"agreed": "2026-01-01", "days_overdue": 120 + i, "extended": False},
                days_overdue=120,
                fee_wan="12.50",
                take_back=bool(i % 2),
                subject_label=f"HT-{i}",
                first_raised=DAY,
                last_changed=DAY,
                checked_on=DAY,
                status=Warning.Status.OPEN,
                policy_version="v",
            )
            for i in range(3)
        ]

    copied, bulk = rows(10_000), rows(20_000)
    insert_rows(Warning, copied)
    Warning.objects.bulk_create(bulk)
    assert all(w.pk for w in copied) and len({w.pk for w in copied}) == 3

    def stored(ids):
        return [
            {k: v for k, v in row.items() if k not in ("id", "subject_id")}
            for row in Warning.objects.filter(pk__in=ids).order_by("subject_id").values()
        ]

    assert stored([w.pk for w in copied]) == stored([w.pk for w in bulk])
    events = [
        WarningEvent(
            warning=w,
            at=dt.datetime(2026, 11, 29, 8, tzinfo=dt.UTC),
            as_of=DAY,
            to_colour="red",
            reason_zh=w.reason_zh,
            actor_name="refresh",
        )
        for w in copied
    ]
    insert_rows(WarningEvent, events)
    assert WarningEvent.objects.filter(warning__in=copied).count() == 3 and all(e.pk for e in events)
    again = rows(30_000)
    insert_rows(Warning, again)  # the sequence goes on: no key is used twice
    assert min(w.pk for w in again) > max(w.pk for w in copied)
