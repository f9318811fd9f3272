"""Registry writes: bad input is refused with a bilingual message naming field and rule, nothing is
written, and a town officer cannot write outside their town."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from conftest import QIAOTOU, XINPU, rectangle
from landcycle.audit.models import AuditEntry
from landcycle.registry import services
from landcycle.registry.models import Enterprise, Occupancy, Parcel
from landcycle.registry.selectors import land_used_m2, land_used_mu
from landcycle.rules.codes import make_uscc
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db


def _nothing_written(before_counts):
    return before_counts == (Enterprise.objects.count(), Parcel.objects.count(), AuditEntry.objects.count())


def _counts():
    return Enterprise.objects.count(), Parcel.objects.count(), AuditEntry.objects.count()


def _enterprise_kwargs(regions, **over):
    kw = dict(
        uscc=make_uscc("91", "330282", "TEWT0001"),
        name="慈溪市测试机械有限公司",
        industry_code="3451",
        scale="below",
        registered_on=dt.date(2010, 1, 1),
        town=regions[XINPU],
    )
    kw.update(over)
    return kw


def test_invalid_credit_code_is_refused(registry_data, personas, regions):
    before = _counts()
    with pytest.raises(RuleError) as exc:
        services.enterprise_create(actor=personas["xinpu"], **_enterprise_kwargs(regions, uscc="914403001922038217"))
    (p,) = exc.value.problems
    assert p.field == "uscc" and p.rule == "uscc.check"
    assert "统一社会信用代码" in p.zh and "credit code" in p.en.lower()
    assert _nothing_written(before)


def test_a_real_code_that_fails_the_check_needs_a_recorded_override(registry_data, personas, regions):
    bad = "914403001922038217"
    with pytest.raises(RuleError) as exc:
        services.enterprise_create(actor=personas["xinpu"], **_enterprise_kwargs(regions, uscc=bad), uscc_override=True)
    assert exc.value.problems[0].rule == "uscc.override_reason"
    ent = services.enterprise_create(
        actor=personas["xinpu"],
        **_enterprise_kwargs(regions, uscc=bad),
        uscc_override=True,
        uscc_override_reason="营业执照原件如此，已核对",
    )
    assert ent.uscc_override and AuditEntry.objects.order_by("-seq").first().after.count("营业执照原件如此") == 1
    # an override never lets a code of the wrong length or alphabet through
    with pytest.raises(RuleError):
        services.enterprise_create(
            actor=personas["xinpu"],
            **_enterprise_kwargs(regions, uscc=bad[:17]),
            uscc_override=True,
            uscc_override_reason="x",
        )


def test_unknown_industry_code_is_refused(registry_data, personas, regions):
    before = _counts()
    with pytest.raises(RuleError) as exc:
        services.enterprise_create(actor=personas["xinpu"], **_enterprise_kwargs(regions, industry_code="9999"))
    assert exc.value.problems[0].field == "industry_code" and exc.value.problems[0].rule == "industry.unknown"
    assert _nothing_written(before)


def test_duplicate_credit_code_is_refused_in_both_languages(registry_data, personas, regions):
    uscc = registry_data[XINPU]["owner"].uscc
    with pytest.raises(RuleError) as exc:
        services.enterprise_create(actor=personas["xinpu"], **_enterprise_kwargs(regions, uscc=uscc.lower()))
    p = exc.value.problems[0]
    assert p.field == "uscc" and p.rule == "field.unique"
    assert "已存在" in p.zh and "already exists" in p.en


@pytest.mark.parametrize("area", [0, -100, "abc"])
def test_zero_negative_or_non_numeric_parcel_area_is_refused(registry_data, personas, area):
    park = registry_data[XINPU]["park"]
    before = _counts()
    with pytest.raises(RuleError) as exc:
        services.parcel_create(
            actor=personas["xinpu"], number="330282112-0099", park=park, area_m2=area, tenure="granted"
        )
    assert exc.value.problems[0].field == "area_m2"
    assert _nothing_written(before)


def test_self_intersecting_or_mis_sized_polygon_is_refused(registry_data, personas):
    park = registry_data[XINPU]["park"]
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[121.3, 30.2], [121.31, 30.21], [121.31, 30.2], [121.3, 30.21], [121.3, 30.2]]],
    }
    before = _counts()
    for geometry, rule in [
        (bowtie, "geometry.self_intersection"),
        (rectangle(121.3, 30.2, 10000), "geometry.area_mismatch"),
    ]:
        with pytest.raises(RuleError) as exc:
            services.parcel_create(
                actor=personas["xinpu"],
                number="330282112-0099",
                park=park,
                area_m2=20000,
                tenure="granted",
                geometry=geometry,
            )
        assert exc.value.problems[0].rule == rule and exc.value.problems[0].field == "geometry"
    assert _nothing_written(before)


def test_town_officer_cannot_write_outside_their_town(registry_data, personas, regions):
    before = _counts()
    with pytest.raises(RuleError) as exc:
        services.enterprise_create(actor=personas["xinpu"], **_enterprise_kwargs(regions, town=regions[QIAOTOU]))
    assert exc.value.problems[0].rule == "scope.town" and "本辖区" in exc.value.problems[0].zh
    other_park = registry_data[QIAOTOU]["park"]
    with pytest.raises(RuleError):
        services.parcel_create(actor=personas["xinpu"], number="X-1", park=other_park, area_m2=100, tenure="granted")
    with pytest.raises(RuleError):
        services.enterprise_update(actor=personas["xinpu"], enterprise=registry_data[QIAOTOU]["owner"], name="x")
    # moving one's own enterprise into another town is refused too
    with pytest.raises(RuleError):
        services.enterprise_update(
            actor=personas["xinpu"], enterprise=registry_data[XINPU]["owner"], town=regions[QIAOTOU]
        )
    assert _nothing_written(before)
    assert Enterprise.objects.get(pk=registry_data[XINPU]["owner"].pk).town.code == XINPU


@pytest.mark.parametrize("who", ["leader", "supervisor", "analyst"])
def test_read_only_roles_cannot_write_the_registry(registry_data, personas, regions, who):
    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=personas[who], **_enterprise_kwargs(regions))


def test_land_used_is_owned_plus_leased_minus_let(registry_data):
    owner, tenant = registry_data[XINPU]["owner"], registry_data[XINPU]["tenant"]
    parcel = registry_data[XINPU]["parcels"][0]
    today = dt.date(2026, 11, 29)
    used = land_used_m2(owner, today)
    assert used["owned"] == parcel.area_m2 and used["let"] == 2000 and used["used"] == parcel.area_m2 - 2000
    assert land_used_m2(tenant, today)["used"] == 2000
    assert land_used_mu(tenant, today) == 3  # 2000 m² is exactly 3 mu
    # before the lease began the owner used the whole parcel and the tenant nothing
    assert land_used_m2(owner, dt.date(2019, 12, 31))["used"] == parcel.area_m2
    assert land_used_m2(tenant, dt.date(2019, 12, 31))["used"] == 0


def test_ending_a_lease_is_audited_and_changes_land_used(registry_data, personas):
    lease, tenant = registry_data[XINPU]["occupancies"][1], registry_data[XINPU]["tenant"]
    services.occupancy_end(actor=personas["xinpu"], occupancy=lease, end=dt.date(2025, 12, 31))
    assert AuditEntry.objects.order_by("-seq").first().action == "occupancy.end"
    # the lease ended but the firm is still there (在营): it keeps the land until it has left (issue 11)
    assert land_used_m2(tenant, dt.date(2026, 1, 1))["used"] == 2000
    assert land_used_m2(tenant, dt.date(2025, 12, 31))["used"] == 2000
    services.enterprise_update(actor=personas["xinpu"], enterprise=tenant, status="relocated")
    assert land_used_m2(tenant, dt.date(2026, 1, 1))["used"] == 0


def test_occupancy_rules(registry_data, personas):
    d = registry_data[XINPU]
    with pytest.raises(RuleError) as exc:
        services.occupancy_create(
            actor=personas["xinpu"],
            enterprise=d["tenant"],
            parcel=d["parcels"][1],
            kind="leased",
            area_m2=10**7,
            start=dt.date(2020, 1, 1),
            end=dt.date(2019, 1, 1),
            lessor=d["tenant"],
        )
    rules = {p.rule for p in exc.value.problems}
    assert {"occupancy.area_exceeds_parcel", "occupancy.end_before_start", "occupancy.self_lease"} <= rules
    assert Occupancy.objects.count() == 4
