"""The sample county's admission stage (sample.admission) on the 新浦镇 / 桥头镇 / 横河镇 parks it names: every
state, a rejection for each kind of rule, 敦和园区's two new projects signed as contracts under supervision."""

from __future__ import annotations

import pytest

from landcycle.sample.admission import SAMPLES

pytestmark = pytest.mark.django_db


def test_samples_cover_every_state_and_every_kind_of_rule():
    fates = {s.fate for s in SAMPLES}
    assert fates == {
        "draft",
        "submitted",
        "partial",
        "returned",
        "resubmitted",
        "admitted",
        "signed",
        "exception",
        "rejected",
    }
    assert 38 <= len(SAMPLES) <= 45
    dunhe = [s for s in SAMPLES if s.park == "敦和园区"]
    assert {s.industry for s in dunhe} == {"4210", "3062"} and {s.fate for s in dunhe} == {"signed"}


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


def test_sample_applications_in_the_database(sample_db):
    from landcycle.admission.models import Application, Decision, RuleSet
    from landcycle.supervision.models import Warning

    apps = Application.objects.all()
    assert apps.count() == len(SAMPLES)
    assert set(apps.values_list("status", flat=True)) == set(Application.Status.values)
    assert RuleSet.objects.count() == 1
    failed = set()
    statuses = set()
    for d in Decision.objects.filter(outcome="rejected").select_related("revision"):
        failed |= {r["rule"] for r in d.revision.failed}
        statuses |= {r["status"] for r in d.revision.failed}
    assert failed >= {
        "industry",
        "tax_per_mu",
        "investment_intensity",
        "output_intensity",
        "plot_ratio",
        "building_density",
        "green_share",
        "office_share",
        "energy_per_value_added",
        "land_mu",
    }
    assert statuses == {"fail", "missing"}
    assert Decision.objects.filter(exception=True).count() == 1
    signed = apps.filter(contract__isnull=False)
    assert signed.count() == sample_db["applications_signed"] == 10
    dunhe = signed.filter(park__name="敦和园区")
    assert {a.industry_code for a in dunhe} == {"4210", "3062"}
    for a in dunhe:
        assert a.contract.parcels.exists() and a.contract.commitments.filter(kind="tax_per_mu").exists()
    warned = Warning.objects.filter(subject_type="contract", subject_id__in=signed.values("contract_id"), rank__gt=0)
    assert warned.exists()  # supervision started on the contracts signed from applications


def test_the_seeds_xinpu_micro_park_has_its_own_entry_rules(sample_db):
    """新浦镇 小微园区 (the seed): a minimum tax per mu of its own and a negative list with electroplating and dyeing,
    from 《新浦镇小微园区管理办法》; a plating project asked for it was refused by that list."""
    import datetime as dt

    from landcycle.admission.models import Application
    from landcycle.admission.services.rules import park_rules
    from landcycle.registry.models import Park

    park = Park.objects.get(name="新浦小微园区")
    assert park.kind == "micro" and park.town.name == "新浦镇"
    rules, _ = park_rules(park, dt.date(2026, 11, 29))
    tax = rules.thresholds["tax_per_mu"]
    assert tax.min == 15 and tax.layer == f"parks.{park.code}" and "新浦镇小微园区管理办法" in tax.source
    negative = {e.prefix: e for e in rules.negative}
    assert {"3360", "171"} <= set(negative) and all("新浦镇" in negative[p].source for p in ("3360", "171"))
    plating = Application.objects.get(park=park, industry_code="3360")
    assert plating.status == Application.Status.REJECTED
