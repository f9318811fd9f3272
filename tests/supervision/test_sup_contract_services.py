"""Contract writes (supervision.services): bad input is refused with bilingual problems naming the field
and the rule, and nothing is written; good input is written with its audit row; scope and role hold."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rules.problems import RuleError
from landcycle.supervision.models import Commitment, Contract, Extension, GovernmentDelay
from landcycle.supervision.services.commitments import (
    commitment_add,
    commitment_measure,
    extension_add,
    government_delay_add,
)
from landcycle.supervision.services.contracts import contract_create, contract_update

pytestmark = pytest.mark.django_db

D = dt.date


def _good(d, **over):
    values = dict(
        number="HT-TEST-1",
        parcels=[d["parcels"][1].number],
        holder=d["owner"].uscc,
        kind="standard",
        price_wan="300",
        signed_on=D(2025, 1, 10),
        agreed_start=D(2025, 7, 1),
        agreed_completion=D(2027, 6, 30),
    )
    values.update(over)
    return values


def _refused(actor, values) -> list:
    contracts, audits = Contract.objects.count(), AuditEntry.objects.count()
    with pytest.raises(RuleError) as exc:
        contract_create(actor=actor, **values)
    assert Contract.objects.count() == contracts and AuditEntry.objects.count() == audits  # nothing written
    for p in exc.value.problems:
        assert p.zh and p.en and p.field and p.rule
    return exc.value.problems


@pytest.mark.parametrize(
    "change, field, rule",
    [
        ({"agreed_completion": D(2025, 6, 1)}, "agreed_completion", "contract.completion_before_start"),
        (
            {"actual_start": D(2025, 9, 1), "actual_completion": D(2025, 8, 1)},
            "actual_completion",
            "contract.completion_before_start",
        ),
        ({"price_wan": "三百万"}, "price_wan", "contract.not_a_number"),
        ({"area_m2": "12,000 平方米"}, "area_m2", "contract.not_a_number"),
        ({"signed_on": "2025-13-40"}, "signed_on", "contract.not_a_date"),
        ({"parcels": ["330282112-9999"]}, "parcels", "contract.unknown_parcel"),
        ({"holder": "91330282MA2XXXXXX9"}, "holder", "contract.unknown_holder"),
        ({"holder": None, "holder_name": ""}, "holder_name", "contract.holder_missing"),
        ({"developed_area_share": "1.5"}, "developed_area_share", "contract.share_range"),
    ],
)
def test_bad_contract_is_refused_bilingually_and_nothing_is_written(registry_data, personas, change, field, rule):
    problems = _refused(personas["admin"], _good(registry_data[XINPU], **change))
    assert (field, rule) in {(p.field, p.rule) for p in problems}, problems


def test_duplicate_number_is_refused(registry_data, personas):
    admin, d = personas["admin"], registry_data[XINPU]
    contract_create(actor=admin, **_good(d))
    problems = _refused(admin, _good(d))
    assert [p.field for p in problems] == ["number"] and "合同编号" in problems[0].zh


def test_good_contract_is_written_with_its_audit_row(registry_data, personas):
    admin, d = personas["admin"], registry_data[XINPU]
    c = contract_create(actor=admin, **_good(d, price_wan="1,234.5"))
    assert c.town == d["town"] and c.holder == d["owner"] and c.holder_name == d["owner"].name
    assert c.price_wan == 1234.5 and c.area_m2 == d["parcels"][1].area_m2  # area defaults to the parcels'
    assert list(c.parcels.all()) == [d["parcels"][1]]
    entry = AuditEntry.objects.get(action="contract.create", object_id=str(c.pk))
    assert entry.region_code == XINPU and d["parcels"][1].number in entry.after
    c = contract_update(actor=admin, contract=c, actual_start=D(2025, 8, 1))
    assert AuditEntry.objects.filter(action="contract.update", object_id=str(c.pk)).count() == 1


def test_unregistered_holder_is_kept_by_name(registry_data, personas):
    c = contract_create(
        actor=personas["admin"], **_good(registry_data[XINPU], holder=None, holder_name="宁波某某新材料有限公司")
    )
    assert c.holder is None and c.holder_name == "宁波某某新材料有限公司"


def test_the_county_and_town_offices_write_contracts_each_in_scope(registry_data, personas):
    for who in ("leader", "supervisor", "analyst"):
        with pytest.raises(PermissionDenied):
            contract_create(actor=personas[who], **_good(registry_data[XINPU]))
    # the town office keeps its own town's contracts (经发办), and no other town's
    c = contract_create(actor=personas["xinpu"], **_good(registry_data[XINPU]))
    assert c.town.code == XINPU
    problems = _refused(personas["xinpu"], _good(registry_data[QIAOTOU], number="HT-TEST-2"))
    assert {p.rule for p in problems} >= {"contract.unknown_parcel"}  # another town's parcel is simply unknown
    with pytest.raises(RuleError) as exc:
        contract_create(
            actor=personas["xinpu"],
            **_good(registry_data[XINPU], number="HT-TEST-3", parcels=[], town=registry_data[QIAOTOU]["town"]),
        )
    assert "scope.town" in {p.rule for p in exc.value.problems}
    with pytest.raises(RuleError):
        contract_update(actor=personas["qiaotou"], contract=c, holder_name="改名")
    # a parcel number outside the actor's scope is simply unknown (no leak that it exists)
    from landcycle.accounts.models import Role, User

    officer = User.objects.create(username="xp_admin", role=Role.COUNTY_ADMIN, region=registry_data[XINPU]["town"])
    problems = _refused(officer, _good(registry_data[QIAOTOU]))
    assert {p.rule for p in problems} >= {"contract.unknown_parcel"}


def test_commitment_extension_and_delay_rules(registry_data, personas):
    admin, d = personas["admin"], registry_data[XINPU]
    c = contract_create(actor=admin, **_good(d))
    with pytest.raises(RuleError) as exc:
        commitment_add(actor=admin, contract=c, kind="tax_per_mu", committed=30, unit="")
    assert [(p.field, p.rule) for p in exc.value.problems] == [("unit", "contract.commitment_unit")]
    assert "单位" in exc.value.problems[0].zh and "unit" in exc.value.problems[0].en
    with pytest.raises(RuleError) as exc:
        commitment_add(actor=admin, contract=c, kind="patents", committed=5, unit="件")
    assert {p.rule for p in exc.value.problems} == {"contract.commitment_kind"}  # "+X" needs direction and stage
    with pytest.raises(RuleError) as exc:
        commitment_add(actor=admin, contract=c, kind="tax_per_mu", committed="thirty", unit="万元/亩")
    assert {p.rule for p in exc.value.problems} == {"contract.not_a_number"}
    m = commitment_add(
        actor=admin,
        contract=c,
        kind="patents",
        committed=5,
        unit="件",
        direction="min",
        stage="production",
        label_zh="专利",
        label_en="patents",
    )
    plot = commitment_add(actor=admin, contract=c, kind="plot_ratio", committed="1.5")  # no unit: fine
    assert Commitment.objects.filter(contract=c).count() == 2 and plot.unit == ""
    commitment_measure(actor=admin, commitment=m, measured=6, measured_on=D(2026, 10, 1))
    with pytest.raises(RuleError) as exc:
        extension_add(actor=admin, contract=c, milestone="start", new_date=D(2025, 6, 1))
    assert {p.rule for p in exc.value.problems} == {"extension.not_later"}
    with pytest.raises(RuleError) as exc:
        extension_add(actor=admin, contract=c, milestone="completion", new_date=D(2030, 1, 1)) and None
        extension_add(actor=admin, contract=c, milestone="start", new_date=D(2031, 1, 1))
    assert {p.rule for p in exc.value.problems} == {"contract.completion_before_start"}
    assert Extension.objects.filter(contract=c).count() == 1
    with pytest.raises(RuleError) as exc:
        government_delay_add(actor=admin, contract=c, cause="plan_change", evidence="")
    assert {(p.field, p.rule) for p in exc.value.problems} == {("evidence", "contract.delay_evidence")}
    government_delay_add(actor=admin, contract=c, cause="plan_change", evidence="规划调整函")
    assert GovernmentDelay.objects.filter(contract=c).count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"commitment.add", "commitment.measure", "extension.add", "government_delay.add"} <= actions
