"""The sample county's renewal projects (renewal.sample): the seed's 桥头镇 east and west zones (1,171 mu, 118 mu
demolished) and 彭桥工业园区's 53 firms each with a fate, and about ten more projects in every state and colour."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def sample_db(django_db_setup, django_db_blocker):
    from django.db import transaction
    from django.test import override_settings

    from landcycle.sample import DEFAULT_SEED, build_sample

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        with transaction.atomic():
            yield build_sample(seed=DEFAULT_SEED)
            transaction.set_rollback(True)


def test_the_seed_story(sample_db):
    from landcycle.renewal.colours import latest_report
    from landcycle.renewal.models import RenewalProject

    qt = RenewalProject.objects.get(number="GZ-QT-2024-01")
    assert qt.area_mu == Decimal("1171.00") and qt.state == "under_way" and qt.kind == "retreat_optimise"
    assert set(qt.parks.values_list("name", flat=True)) == {"桥头镇东工业区", "桥头镇西工业区"}
    last = latest_report(qt)
    assert last.period == dt.date(2026, 11, 1) and last.demolished_mu == Decimal("118.00")
    assert qt.firms.count() > 0 and qt.evidence.exists()
    pq = RenewalProject.objects.get(number="GZ-HH-2024-01")
    fates = Counter(pq.firms.values_list("fate", flat=True))
    assert sum(fates.values()) == 53 and fates["pending"] == 0
    assert fates["stays"] > fates["moves"] > 0 and fates["merged"] > 0 and fates["closed"] > 0
    moved = pq.firms.filter(fate="moves")
    assert all(f.destination.town_id == pq.town_id and f.destination not in pq.parks.all() for f in moved)


def test_every_state_and_colour(sample_db):
    from landcycle.renewal.colours import project_colour
    from landcycle.renewal.models import RenewalProject

    projects = list(RenewalProject.objects.prefetch_related("milestones", "reports"))
    assert 12 <= len(projects) <= 16
    assert {p.state for p in projects} == {"draft", "approved", "under_way", "done"}
    colours = Counter(project_colour(p, TODAY).colour for p in projects)
    assert set(colours) == {"green", "yellow", "red", "grey"}, colours
    late = [p for p in projects if "milestone.late" in {r.rule for r in project_colour(p, TODAY).reasons}]
    assert {project_colour(p, TODAY).colour for p in late} == {"yellow", "red"}


def test_payoff_and_overview(sample_db):
    from landcycle.accounts.models import User
    from landcycle.renewal.models import RenewalProject
    from landcycle.renewal.payoff import payoff
    from landcycle.renewal.selectors import overview

    pq = RenewalProject.objects.get(number="GZ-HH-2024-01")
    p = payoff(pq, 2026)
    assert p.before_year == 2023 and p.before is not None and [r.year for r in p.after] == [2024, 2025]
    rows = {r["town"].code: r for r in overview(User.objects.get(username="leader"), TODAY)}
    assert rows["330282114"]["moved"] == pq.firms.filter(fate="moves").count()
    assert rows["330282109"]["area_mu"] == Decimal("1171.00")
