"""The case's state machine and its rules: steps in any order, no handover before clearing, closing ends the
occupancies and frees the parcel in one transaction, items' rules, money totals, take-backs by the county,
every write audited, a refused write writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from exits_data import OPENED, QIAOTOU, case, xp  # noqa: F401 -- fixtures

from landcycle.audit.models import AuditEntry
from landcycle.exits.models import Case, CaseStep, LeftoverItem
from landcycle.exits.selectors import came_after, cases_for_source, free_parcels, item_totals
from landcycle.exits.services.cases import case_cancel, case_close, case_update, open_case
from landcycle.exits.services.records import item_add, item_update, money_add, step_add
from landcycle.registry.models import Enterprise, Occupancy, Parcel
from landcycle.registry.selectors import overstaying_q
from landcycle.registry.services import occupancy_end
from landcycle.rules.problems import RuleError

D = dt.date


def rules_of(exc) -> set[str]:
    return {p.rule for p in exc.value.problems}


def test_open_case_numbers_links_and_audits(case, xp):
    assert case.number == "TT2026-112-001" and case.state == Case.State.OPEN
    assert list(case.parcels.all()) == [xp["parcels"][0]]
    assert list(case.enterprises.all()) == [xp["tenant"]]
    assert AuditEntry.objects.filter(action="exits.case_open", object_id=str(case.pk)).count() == 1


def test_open_case_from_a_source(xp, personas):
    source = xp["parcels"][1]  # any model instance can be the source
    c = open_case(personas["admin"], ground="d_class", town=xp["town"], parcels=[source.number], source=source)
    assert list(cases_for_source(source)) == [c]
    assert c.source_label == source.number
    assert not cases_for_source(xp["parcels"][0]).exists()


def test_parcel_of_another_town_is_refused_and_nothing_written(xp, registry_data, personas):
    other = registry_data[QIAOTOU]["parcels"][0]
    before = Case.objects.count(), AuditEntry.objects.count()
    with pytest.raises(RuleError) as exc:
        open_case(personas["admin"], ground="lease_ended", town=xp["town"], parcels=[other, "NO-SUCH"])
    assert rules_of(exc) == {"exits.parcel_other_town", "exits.unknown_parcel"}
    assert "不在本案所属镇街" in exc.value.problems[0].zh
    assert (Case.objects.count(), AuditEntry.objects.count()) == before


def test_town_officer_cannot_open_in_another_town_nor_a_takeback(xp, registry_data, personas):
    with pytest.raises(RuleError) as exc:
        open_case(personas["qiaotou"], ground="lease_ended", town=xp["town"])
    assert rules_of(exc) == {"scope.town"}
    with pytest.raises(RuleError) as exc:
        open_case(personas["xinpu"], kind="takeback", ground="idle_land", town=xp["town"])
    assert rules_of(exc) == {"exits.takeback_county"}
    with pytest.raises(PermissionDenied):
        open_case(personas["supervisor"], ground="lease_ended", town=xp["town"])


def test_steps_in_any_order_and_repeating(case, personas):
    officer = personas["xinpu"]
    for i in range(8):
        step_add(actor=officer, case=case, kind="survey", date=D(2026, 3, 2 + i), people="专班", place="敦和园区")
    step_add(actor=officer, case=case, kind="talk", date=D(2026, 3, 5))  # before some surveys: allowed
    step_add(actor=officer, case=case, kind="notice", date=D(2026, 3, 20))
    assert case.steps.count() == 10
    with pytest.raises(RuleError) as exc:
        step_add(
            actor=officer, case=case, kind="mediation", date=D(2026, 4, 1), mediation="judicial", court="慈溪市人民法院"
        )
    assert rules_of(exc) == {"exits.judicial_without_court"}
    step_add(
        actor=officer,
        case=case,
        kind="mediation",
        date=D(2026, 4, 1),
        mediation="judicial",
        court="慈溪市人民法院",
        court_case_number="(2026)浙0282民调1号",
        outcome="达成调解协议",
    )
    with pytest.raises(RuleError) as exc:
        step_add(actor=officer, case=case, kind="decision", date=D(2026, 4, 2))
    assert rules_of(exc) == {"exits.step_not_for_kind"}
    with pytest.raises(RuleError) as exc:
        step_add(actor=officer, case=case, kind="talk", date=D(2026, 2, 1))
    assert rules_of(exc) == {"exits.before_opening"}
    with pytest.raises(RuleError) as exc:
        step_add(actor=officer, case=case, kind="handover", date=D(2026, 5, 1))
    assert rules_of(exc) == {"exits.handover_is_closing"}


def test_item_rules(case, personas):
    officer = personas["xinpu"]
    with pytest.raises(RuleError) as exc:
        item_add(actor=officer, case=case, category="rubbish", description="生活垃圾", quantity="120")
    assert rules_of(exc) == {"exits.quantity_without_unit"}
    with pytest.raises(RuleError) as exc:
        item_add(actor=officer, case=case, category="equipment", description="注塑机", determined_owner="firm")
    assert rules_of(exc) == {"exits.owner_without_how"}
    waste = item_add(actor=officer, case=case, category="hazardous", description="废机油", quantity="2.5", unit="吨")
    with pytest.raises(RuleError) as exc:
        item_update(actor=officer, item=waste, disposal="scrapped", disposal_date=D(2026, 5, 1))
    assert rules_of(exc) == {"exits.hazardous_without_manifest"}
    waste.refresh_from_db()
    assert waste.disposal == ""
    item_update(
        actor=officer,
        item=waste,
        disposal="contractor",
        disposal_date=D(2026, 5, 1),
        contractor="宁波某环保科技有限公司",
        manifest_number="3302822026000123",
        disposal_cost_wan="1.20",
    )
    assert LeftoverItem.objects.get(pk=waste.pk).manifest_number == "3302822026000123"


def test_totals(case, personas):
    officer = personas["xinpu"]
    item_add(
        actor=officer, case=case, category="rubbish", description="垃圾", quantity=300, unit="吨", disposal_cost_wan=6
    )
    item_add(
        actor=officer,
        case=case,
        category="equipment",
        description="冲床",
        quantity=4,
        unit="台",
        claimed_owner="firm",
        determined_owner="firm",
        determined_how="mediation",
    )
    money_add(actor=officer, case=case, kind="clearing", amount_wan="12.5", payer="新浦镇", paid=True)
    money_add(actor=officer, case=case, kind="court_fee", amount_wan="0.5", payer="新浦镇")
    money_add(actor=officer, case=case, kind="recovery", amount_wan="3", payer="企业")
    with pytest.raises(RuleError) as exc:
        money_add(actor=officer, case=case, kind="clearing", amount_wan="-1")
    assert rules_of(exc) == {"exits.amount_not_positive"}
    t = item_totals(case)
    assert (t["items"], t["determined"], t["disputed"]) == (2, 1, 1)
    assert t["disposal_cost_wan"] == Decimal(6)
    assert (t["cost_wan"], t["recovered_wan"], t["net_wan"], t["unpaid_wan"]) == (
        Decimal("13.0"),
        Decimal(3),
        Decimal("10.0"),
        Decimal("0.5"),
    )


def test_no_handover_before_clearing_and_no_clearing_with_items_left(case, personas):
    officer = personas["xinpu"]
    with pytest.raises(RuleError) as exc:
        case_close(actor=officer, case=case, on=D(2026, 6, 1))
    assert rules_of(exc) == {"exits.handover_before_cleared"}
    item = item_add(actor=officer, case=case, category="raw", description="塑料粒子", quantity=8, unit="吨")
    with pytest.raises(RuleError) as exc:
        step_add(actor=officer, case=case, kind="cleared", date=D(2026, 5, 30))
    assert rules_of(exc) == {"exits.cleared_with_items"}
    item_update(actor=officer, item=item, disposal="taken", disposal_date=D(2026, 5, 20))
    step_add(actor=officer, case=case, kind="cleared", date=D(2026, 5, 30))
    with pytest.raises(RuleError) as exc:  # cleared after the handover date given
        case_close(actor=officer, case=case, on=D(2026, 5, 29))
    assert rules_of(exc) == {"exits.handover_before_cleared"}
    case.refresh_from_db()
    assert case.state == Case.State.OPEN and not case.steps.filter(kind="handover").exists()


def test_close_ends_occupancies_moves_firms_out_and_frees_the_parcel(case, xp, personas):
    officer = personas["xinpu"]
    parcel = xp["parcels"][0]
    assert parcel not in free_parcels(officer, D(2026, 7, 1))
    step_add(actor=officer, case=case, kind="cleared", date=D(2026, 6, 20))
    case_close(actor=officer, case=case, on=D(2026, 6, 30), handover_to="县土地储备中心")
    case.refresh_from_db()
    assert (case.state, case.handover_on) == (Case.State.CLOSED, D(2026, 6, 30))
    assert case.steps.filter(kind=CaseStep.Kind.HANDOVER, date=D(2026, 6, 30)).exists()
    ends = set(Occupancy.objects.filter(parcel=parcel).values_list("end", flat=True))
    assert ends == {D(2026, 6, 30)}
    assert Enterprise.objects.get(pk=xp["tenant"].pk).status == Enterprise.Status.RELOCATED
    assert Parcel.objects.get(pk=parcel.pk).status == Parcel.Status.RESERVE
    assert parcel in free_parcels(officer, D(2026, 7, 1))
    assert parcel not in free_parcels(personas["qiaotou"], D(2026, 7, 1))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"exits.case_close", "occupancy.end", "parcel.update", "enterprise.update"} <= actions
    with pytest.raises(RuleError) as exc:
        step_add(actor=officer, case=case, kind="talk", date=D(2026, 7, 1))
    assert rules_of(exc) == {"exits.case_not_open"}
    assert came_after(case) == {"applications": [], "contracts": []}


def test_close_after_an_overstayed_lease_stops_the_overstay(case, xp, personas):
    officer, admin = personas["xinpu"], personas["admin"]
    occupancy_end(actor=admin, occupancy=xp["occupancies"][1], end=D(2025, 12, 31))  # the lease ran out
    assert Occupancy.objects.filter(overstaying_q(D(2026, 7, 1))).exists()
    step_add(actor=officer, case=case, kind="cleared", date=D(2026, 6, 20))
    case_close(actor=officer, case=case, on=D(2026, 6, 30))
    lease = Occupancy.objects.get(pk=xp["occupancies"][1].pk)
    assert lease.end == D(2025, 12, 31)  # the lease's own end is kept
    assert not Occupancy.objects.filter(overstaying_q(D(2026, 7, 1))).exists()


def test_close_is_one_transaction(case, xp, personas, monkeypatch):
    from landcycle.exits.services import cases as module

    officer = personas["xinpu"]
    step_add(actor=officer, case=case, kind="cleared", date=D(2026, 6, 20))

    def boom(**kwargs):
        raise RuntimeError("parcel update failed")

    monkeypatch.setattr(module.registry, "parcel_update", boom)
    with pytest.raises(RuntimeError):
        case_close(actor=officer, case=case, on=D(2026, 6, 30))
    case.refresh_from_db()
    assert case.state == Case.State.OPEN
    assert Occupancy.objects.filter(parcel=xp["parcels"][0], end__isnull=True).count() == 2
    assert Enterprise.objects.get(pk=xp["tenant"].pk).status == Enterprise.Status.OPERATING


def test_cancel_needs_a_reason(case, personas):
    with pytest.raises(RuleError) as exc:
        case_cancel(actor=personas["xinpu"], case=case, on=D(2026, 4, 1), reason=" ")
    assert rules_of(exc) == {"exits.cancel_without_reason"}
    case_cancel(actor=personas["xinpu"], case=case, on=D(2026, 4, 1), reason="企业已续租")
    assert Case.objects.get(pk=case.pk).state == Case.State.CANCELLED


def test_takeback_by_the_county(xp, personas):
    admin, officer = personas["admin"], personas["xinpu"]
    parcel = xp["parcels"][1]
    tb = open_case(admin, kind="takeback", ground="idle_land", town=xp["town"], parcels=[parcel], opened_on=OPENED)
    assert tb.number.startswith("SH2026-")
    with pytest.raises(RuleError) as exc:  # the town reads it but cannot decide
        case_update(actor=officer, case=tb, decision_number="慈政收〔2026〕1号")
    assert rules_of(exc) == {"exits.takeback_county"}
    with pytest.raises(RuleError) as exc:
        case_close(actor=admin, case=tb, on=D(2026, 9, 1))
    assert rules_of(exc) == {"exits.takeback_without_decision"}
    with pytest.raises(RuleError) as exc:
        case_update(actor=admin, case=tb, paid="paid")
    assert rules_of(exc) == {"exits.paid_without_compensation"}
    case_update(
        actor=admin,
        case=tb,
        decision_number="慈政收〔2026〕1号",
        decision_date="2026-04-01",
        notice_date="2026-04-03",
        hearing_date="2026-04-20",
        paid="paid",
        compensation_wan="120.50",
    )
    step_add(actor=admin, case=tb, kind="decision", date=D(2026, 4, 1))
    case_close(actor=admin, case=tb, on=D(2026, 9, 1))
    tb.refresh_from_db()
    assert (tb.state, tb.reserve_date, tb.compensation_wan) == (Case.State.CLOSED, D(2026, 9, 1), Decimal("120.50"))
    assert Parcel.objects.get(pk=parcel.pk).status == Parcel.Status.RESERVE
