"""Admission services: each transition, the refused ones (nothing written), the audit rows, version
immutability, and application → contract → its first warning."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from admission_data import DAY, GOOD, draft, xinpu  # noqa: F401 -- fixtures
from django.core.exceptions import PermissionDenied

from landcycle.admission.models import Application, Decision, Revision, RuleSet
from landcycle.admission.services.applications import (
    application_register,
    application_submit,
    application_update,
    document_attach,
)
from landcycle.admission.services.review import application_decide, contract_sign, opinion_record
from landcycle.admission.services.rules import ruleset_save, shipped_text
from landcycle.audit.models import AuditEntry
from landcycle.rules.admission.policy import PolicyError
from landcycle.rules.problems import RuleError

S = Application.Status


def actions(obj_type: str = "") -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def review_all(admin, app, opinion="agree"):
    for dep in ("land", "economy", "environment"):
        opinion_record(actor=admin, application=app, department=dep, opinion=opinion, text="理由")


def test_register_submit_review_admit_sign(draft, personas):
    admin, officer = personas["admin"], personas["xinpu"]
    assert draft.status == S.DRAFT and draft.town.code == "330282112"
    rev = application_submit(actor=officer, application=draft, on=DAY)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED and rev.number == 1 and rev.passed
    assert {r["rule"] for r in rev.results} >= {"industry", "tax_per_mu", "investment_intensity", "plot_ratio"}
    tax = next(r for r in rev.results if r["rule"] == "tax_per_mu")
    assert tax["value"] == "10" and tax["min"] == "8" and tax["status"] == "pass" and tax["source"]
    review_all(admin, draft)
    d = application_decide(actor=admin, application=draft, outcome="admitted", reason="符合准入条件", on=DAY)
    draft.refresh_from_db()
    assert draft.status == S.ADMITTED and d.revision == rev and not d.exception
    c = contract_sign(actor=officer, application=draft, number="HT-ZR-001", signed_on=dt.date(2026, 4, 1))
    draft.refresh_from_db()
    assert draft.contract == c and c.agreed_start == dt.date(2026, 8, 1) and c.signed_on == dt.date(2026, 4, 1)
    assert c.holder_name == GOOD["applicant_name"] and c.kind == "standard"
    got = {m.kind: m.committed for m in c.commitments.all()}
    assert got["tax_per_mu"] == Decimal(10) and got["investment_intensity"] == Decimal(200)
    assert got["rnd_share"] == Decimal("0.03")  # 180 / 6000 = 3 % kept as a fraction
    assert abs(c.area_mu - 20) < Decimal("0.0001")  # 13333.33 m²
    acts = actions()
    for a in ("admission.register", "admission.submit", "admission.check", "admission.opinion", "admission.admitted"):
        assert a in acts
    assert acts[-1] == "admission.contract" and "contract.create" in acts


def test_failed_rules_reject_and_admit_only_as_exception(draft, personas):
    admin, officer = personas["admin"], personas["xinpu"]
    application_update(actor=officer, application=draft, tax="100")  # 5 万元/亩 < 8
    rev = application_submit(actor=officer, application=draft, on=DAY)
    assert not rev.passed and [r["rule"] for r in rev.failed] == ["tax_per_mu"]
    review_all(admin, draft)
    with pytest.raises(RuleError) as e:
        application_decide(actor=admin, application=draft, outcome="admitted", reason="重点项目")
    assert e.value.problems[0].field == "exception"
    assert not Decision.objects.exists()
    d = application_decide(
        actor=admin, application=draft, outcome="admitted", reason="县重点项目，一事一议", exception=True
    )
    assert d.exception and Application.objects.get(pk=draft.pk).status == S.ADMITTED


def test_return_amend_resubmit_keeps_each_revision(draft, personas):
    admin, officer = personas["admin"], personas["xinpu"]
    application_update(actor=officer, application=draft, tax="100")
    first = application_submit(actor=officer, application=draft, on=DAY)
    application_decide(actor=admin, application=draft, outcome="returned", reason="亩均税收不足，请调整")
    draft.refresh_from_db()
    assert draft.status == S.RETURNED
    application_update(actor=officer, application=draft, tax="220")
    second = application_submit(actor=officer, application=draft, on=DAY)
    assert second.number == 2 and second.passed and not Revision.objects.get(pk=first.pk).passed
    assert first.figures["tax"] == "100" and second.figures["tax"] == "220"


def test_rejected_is_final(draft, personas):
    admin, officer = personas["admin"], personas["xinpu"]
    application_submit(actor=officer, application=draft, on=DAY)
    application_decide(actor=admin, application=draft, outcome="rejected", reason="不符合产业导向")
    draft.refresh_from_db()
    with pytest.raises(RuleError):
        application_submit(actor=officer, application=draft, on=DAY)
    with pytest.raises(RuleError):
        application_update(actor=officer, application=draft, tax="1")
    with pytest.raises(RuleError):
        contract_sign(actor=officer, application=draft, number="X", signed_on=DAY)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fixed_investment": "6000"}, "fixed_investment"),  # above the total
        ({"land_mu": "0"}, "land_mu"),
        ({"industry_code": "9999"}, "industry_code"),
    ],
)
def test_bad_figures_refused_naming_the_field(draft, personas, change, field):
    before = AuditEntry.objects.count()
    with pytest.raises(RuleError) as e:
        application_update(actor=personas["xinpu"], application=draft, **change)
    assert field in {p.field for p in e.value.problems}
    assert AuditEntry.objects.count() == before


def test_negative_figure_refused_at_register(xinpu, personas):
    with pytest.raises(RuleError) as e:
        application_register(actor=personas["xinpu"], number="ZR-X", park=xinpu["park"], **{**GOOD, "tax": "-1"})
    assert e.value.problems[0].field == "tax" and not Application.objects.exists()


def test_land_larger_than_parcel_refused_at_submit(draft, xinpu, personas):
    officer = personas["xinpu"]
    application_update(actor=officer, application=draft, parcels=[xinpu["parcels"][1]], land_mu="9999")
    n = AuditEntry.objects.count()
    with pytest.raises(RuleError) as e:
        application_submit(actor=officer, application=draft, on=DAY)
    assert [p.rule for p in e.value.problems] == ["admission.land_above_parcel"]
    assert not Revision.objects.exists() and AuditEntry.objects.count() == n


def test_park_without_rules_refused(draft, personas):
    admin, officer = personas["admin"], personas["xinpu"]
    ruleset_save(actor=admin, text='version = "empty"\n', effective_from=dt.date(2026, 1, 1), note="空规则")
    with pytest.raises(RuleError) as e:
        application_submit(actor=officer, application=draft, on=DAY)
    assert e.value.problems[0].rule == "admission.no_rules" and e.value.problems[0].field == "park"


def test_scope_and_roles(draft, xinpu, personas):
    with pytest.raises(RuleError):  # another town's officer cannot register in 新浦镇's park (not in its scope)
        application_register(actor=personas["qiaotou"], number="ZR-Q", park=xinpu["park"], **GOOD)
    for who in ("qiaotou", "leader", "supervisor"):
        with pytest.raises((RuleError, PermissionDenied)):
            application_submit(actor=personas[who], application=draft, on=DAY)
    application_submit(actor=personas["xinpu"], application=draft, on=DAY)
    for who in ("xinpu", "leader", "supervisor"):  # county roles review and decide
        with pytest.raises(PermissionDenied):
            opinion_record(actor=personas[who], application=draft, department="land", opinion="agree")
        with pytest.raises(PermissionDenied):
            application_decide(actor=personas[who], application=draft, outcome="rejected", reason="x")


def test_new_rule_version_keeps_old_decisions(draft, personas):
    admin, officer = personas["admin"], personas["xinpu"]
    rev = application_submit(actor=officer, application=draft, on=DAY)
    stricter = (
        shipped_text()
        .replace('version = "2026.1"', 'version = "2026.2"')
        .replace("[default.rules.tax_per_mu]\nmin = 8", "[default.rules.tax_per_mu]\nmin = 12")
    )
    rs = ruleset_save(actor=admin, text=stricter, effective_from=dt.date(2026, 6, 1))
    assert rs.version == "2026.2" and "admission.rules_save" in actions()
    rev.refresh_from_db()
    assert rev.passed and rev.rules_version == "2026.1" and rev.rule_set is None
    application_decide(actor=admin, application=draft, outcome="returned", reason="补充材料")
    again = application_submit(actor=officer, application=draft, on=dt.date(2026, 6, 2))
    assert again.rules_version == "2026.2" and again.rule_set == rs and not again.passed


def test_bad_rules_text_refused(personas):
    with pytest.raises(PolicyError) as e:
        ruleset_save(actor=personas["admin"], text="[default.rules.tax_per_mu]\nmin = -3\n")
    assert any("tax_per_mu" in p.field for p in e.value.problems)
    with pytest.raises(PermissionDenied):
        ruleset_save(actor=personas["xinpu"], text=shipped_text())
    assert not RuleSet.objects.exists()


def test_document_attach(draft, personas, settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path
    doc = document_attach(actor=personas["xinpu"], application=draft, name="可研报告.pdf", content=b"%PDF-1.4 x")
    assert (tmp_path / doc.path).read_bytes() == b"%PDF-1.4 x"
    with pytest.raises(RuleError):
        document_attach(actor=personas["xinpu"], application=draft, name="run.exe", content=b"MZ")
    with pytest.raises((RuleError, PermissionDenied)):
        document_attach(actor=personas["qiaotou"], application=draft, name="a.pdf", content=b"%PDF")


def test_contract_from_application_gets_its_first_warning(draft, personas):
    """Signed 2026-04-01 with its start agreed for 2026-08-01; on 2027-01-05 nothing has started: warned."""
    from landcycle.supervision.models import Warning
    from landcycle.supervision.refresh import warnings_refresh

    admin, officer = personas["admin"], personas["xinpu"]
    application_submit(actor=officer, application=draft, on=DAY)
    review_all(admin, draft)
    application_decide(actor=admin, application=draft, outcome="admitted", reason="符合")
    c = contract_sign(actor=officer, application=draft, number="HT-ZR-009", signed_on=dt.date(2026, 4, 1))
    warnings_refresh(actor=admin, as_of=dt.date(2027, 1, 5))
    rules = set(Warning.objects.filter(subject_type="contract", subject_id=c.pk).values_list("rule", flat=True))
    assert rules and any("start" in r for r in rules), rules
