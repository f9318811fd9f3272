"""The sample county's exit stage (exits.sample): the seed's 敦和园区 case in full, cases in every state, colour
and ground, take-backs by the county, and what follows a handover (the new projects on the story's lots)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 29)  # the sample's reference date


@pytest.fixture(scope="module")
def sample_db(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction
    from django.test import override_settings

    from landcycle.sample import DEFAULT_SEED, build_sample

    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            UPLOADS_DIR=tmp_path_factory.mktemp("uploads"),
        ),
    ):
        with transaction.atomic():
            yield build_sample(seed=DEFAULT_SEED)
            transaction.set_rollback(True)


def test_the_seed_case_in_full(sample_db):
    from landcycle.exits.models import Case
    from landcycle.exits.sample import STORY_NUMBER
    from landcycle.exits.selectors import came_after, item_totals

    case = Case.objects.get(number=STORY_NUMBER)
    assert case.state == "closed" and case.handover_on == dt.date(2025, 6, 20)
    assert {p.park.name for p in case.parcels.all()} == {"敦和园区"}
    kinds = Counter(case.steps.values_list("kind", flat=True))
    assert kinds["survey"] == 8 and kinds["meeting"] == 1 and kinds["talk"] == 1 and kinds["handover"] == 1
    mediation = case.steps.get(kind="mediation")
    assert mediation.mediation == "judicial" and mediation.court == "慈溪市人民法院" and mediation.court_case_number
    assert case.files.filter(step__kind="survey").count() == 8
    totals = item_totals(case)
    assert totals["items"] == 6 and totals["hazardous"] == 1 and totals["disputed"] == 0
    assert set(case.items.values_list("claimed_owner", flat=True)) >= {"firm", "unknown", "landlord"}
    assert case.items.get(category="hazardous").manifest_number
    after = came_after(case)
    assert {a.project for a in after["applications"]} == {"报废机动车回收拆解项目", "交通新材料产业基地"}


def test_cases_in_every_state_colour_and_ground(sample_db):
    from landcycle.exits.models import Case
    from landcycle.exits.selectors import colour_of, free_parcels
    from landcycle.registry.models import Region
    from landcycle.supervision.models import Warning

    cases = list(Case.objects.prefetch_related("steps"))
    own = [c for c in cases if c.ground != "renewal"]  # the rest: opened by renewal for the firms that leave
    assert 25 <= len(own) <= 45 and len(cases) > len(own)
    assert {c.state for c in cases} == {"open", "closed", "cancelled"}
    assert {colour_of(c, DAY).colour for c in cases} >= {"red", "yellow", "green", "grey", None}
    assert {"lease_ended", "d_class", "idle_land"} <= {c.ground for c in cases}
    takebacks = [c for c in cases if c.kind == "takeback"]
    assert len(takebacks) == 2 and {c.state for c in takebacks} == {"open", "closed"}
    assert all(c.created_by.role == "county_admin" for c in takebacks)
    from_warnings = Case.objects.filter(source_type__model="warning")
    assert from_warnings.filter(town__code="330282112").count() >= 3
    assert all(Warning.objects.filter(pk=c.source_id).exists() for c in from_warnings)
    county = Region.objects.get(code="330282")
    from landcycle.accounts.models import User

    admin = User.objects.get(username="admin")
    assert admin.region == county
    freed = free_parcels(admin, DAY)
    for c in cases:
        if c.state == "closed" and c.number != "TT2024-112-001":
            assert set(c.parcels.all()) <= set(freed), c.number
