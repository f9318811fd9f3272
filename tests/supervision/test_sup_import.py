"""contracts_plan / contracts_apply, the entry points for the ledgers importer: rows of the supervised
land-supply ledger are checked without writing, applied all or nothing, and re-applying changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rules.problems import RuleError
from landcycle.supervision.models import Commitment, Contract, Extension, GovernmentDelay
from landcycle.supervision.services.importing import CREATE, INVALID, UPDATE, contracts_apply, contracts_plan

pytestmark = pytest.mark.django_db


def _row(d, n=1, **over):
    row = {
        "_row": n + 1,
        "_sheet": "供地",
        "contract_number": f"3302822024A{n:05d}",
        "holder": "宁波某某科技有限公司",
        "price": Decimal("360.5"),
        "area_m2": Decimal("12000"),
        "contract_date": dt.date(2024, 3, 1),
        "agreed_start": dt.date(2024, 9, 1),
        "agreed_completion": dt.date(2026, 9, 1),
        "term_years": "50年",
        "parcel_number": d["parcels"][1].number,
        "kind": "standard",
        "committed_tax_per_mu": Decimal("30"),
        "measured_tax_per_mu": None,
        "extended_completion": dt.date(2027, 3, 1),
        "government_delay": "规划调整",
        "government_delay_evidence": "规划调整函",
    }
    row.update(over)
    return row


def test_plan_then_apply_then_nothing_to_change(registry_data, personas):
    admin, d = personas["admin"], registry_data[XINPU]
    rows = [
        _row(d, 1),
        _row(d, 2, holder_uscc=d["owner"].uscc, holder="", government_delay=None, government_delay_evidence=None),
    ]
    audits = AuditEntry.objects.count()
    plans = contracts_plan(rows, actor=admin)
    assert [p.action for p in plans] == [CREATE, CREATE] and AuditEntry.objects.count() == audits
    counts = contracts_apply(plans, actor=admin)
    assert counts[CREATE] == 2 and counts["commitments"] == 2 and counts["extensions"] == 2 and counts["delays"] == 1
    c = Contract.objects.get(number="3302822024A00002")
    assert c.holder == d["owner"] and c.town == d["town"] and c.term_years == 50
    assert Commitment.objects.filter(contract__number="3302822024A00001").get().unit == "万元/亩"
    assert GovernmentDelay.objects.get().cause == "plan_change"  # the cause's Chinese name -> its code
    plans = contracts_plan(rows, actor=admin)
    assert [p.action for p in plans] == [UPDATE, UPDATE]
    counts = contracts_apply(plans, actor=admin)
    assert counts["commitments"] == counts["extensions"] == counts["delays"] == 0
    assert Extension.objects.count() == 2


def test_invalid_rows_are_named_and_nothing_is_written(registry_data, personas):
    admin, d = personas["admin"], registry_data[XINPU]
    rows = [
        _row(d, 1),
        _row(d, 2, agreed_completion=dt.date(2023, 1, 1)),
        _row(d, 3, parcel_number="330282112-9999"),
        _row(d, 4, price="面议"),
        _row(d, 1),
    ]
    plans = contracts_plan(rows, actor=admin)
    assert [p.action for p in plans] == [CREATE, INVALID, INVALID, INVALID, INVALID]
    assert {q.field for q in plans[1].problems} == {"agreed_completion"}  # the ledger's field
    assert {q.rule for q in plans[2].problems} >= {"contract.unknown_parcel"}
    assert {(q.field, q.rule) for q in plans[3].problems} == {("price", "contract.not_a_number")}
    assert {q.rule for q in plans[4].problems} == {"contract.duplicate_row"}
    before = (Contract.objects.count(), AuditEntry.objects.count())
    with pytest.raises(RuleError) as exc:
        contracts_apply(plans, actor=admin)
    assert "第3行" in exc.value.problems[0].zh and "row 3" in exc.value.problems[0].en
    assert (Contract.objects.count(), AuditEntry.objects.count()) == before
