"""warnings_refresh: one warning per subject and rule, a history event and an audit row for every colour
change (and back), nothing at all on a second run, green when a rule stops firing, enterprises against
their park's minimum and the published evaluation class, contracts the rules refuse left alone."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_verify
from landcycle.supervision import subjects
from landcycle.supervision.models import Warning, WarningEvent
from landcycle.supervision.refresh import warnings_refresh
from landcycle.supervision.selectors import published_classes
from landcycle.supervision.services.commitments import commitment_add, commitment_measure, government_delay_add
from landcycle.supervision.services.contracts import contract_create, contract_update

pytestmark = pytest.mark.django_db

D = dt.date
DAY = D(2026, 11, 29)


def _contract(admin, d, **over):
    values = dict(
        number="HT-R-1",
        parcels=[d["parcels"][1]],
        holder=d["owner"],
        kind="standard",
        price_wan="500",
        signed_on=D(2025, 1, 10),
        agreed_start=D(2026, 3, 1),
        agreed_completion=D(2028, 3, 1),
    )
    values.update(over)
    return contract_create(actor=admin, **values)


def _state(contract):
    return {w.rule: w.colour for w in Warning.objects.filter(subject_type="contract", subject_id=contract.pk)}


def test_colour_changes_and_changes_back_with_history_and_audit(registry_data, personas):
    admin, d = personas["admin"], registry_data[XINPU]
    c = _contract(admin, d)
    m = commitment_add(actor=admin, contract=c, kind="tax_per_mu", committed=30, unit="万元/亩")
    contract_update(
        actor=admin,
        contract=c,
        actual_start=D(2026, 3, 1),
        actual_completion=D(2026, 9, 1),
        actual_production=D(2026, 10, 1),
    )
    history = []
    for measured in (20, 27, 35, 20):  # red (66.7 %), yellow (90 %), green (met), red again
        commitment_measure(actor=admin, commitment=m, measured=measured, measured_on=D(2026, 11, 1))
        audits = AuditEntry.objects.filter(action__startswith="warning.").count()
        warnings_refresh(actor=admin, as_of=DAY)
        w = Warning.objects.get(subject_type="contract", subject_id=c.pk, rule="commitment.tax_per_mu")
        history.append(w.colour)
        assert AuditEntry.objects.filter(action__startswith="warning.").count() == audits + 1
    assert history == ["red", "yellow", "green", "red"]
    events = list(w.events.filter(kind="colour").values_list("from_colour", "to_colour", "actor_name"))
    assert events == [
        ("", "red", "refresh"),
        ("red", "yellow", "refresh"),
        ("yellow", "green", "refresh"),
        ("green", "red", "refresh"),
    ]
    green = w.events.get(to_colour="green")
    assert "规则不再触发" in green.reason_zh and "no longer fires" in green.reason_en
    assert "66.7%" in w.events.get(from_colour="").reason_zh  # the reason carries the figures
    assert w.first_raised == DAY and w.last_changed == DAY
    actions = list(
        AuditEntry.objects.filter(object_type="supervision.warning", object_id=str(w.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["warning.raise", "warning.colour", "warning.colour", "warning.colour"]
    assert audit_verify().ok


def test_second_refresh_changes_nothing(supervision_data, personas):
    admin = personas["admin"]
    before = list(Warning.objects.order_by("pk").values())
    counts = (WarningEvent.objects.count(), AuditEntry.objects.count())
    result = warnings_refresh(actor=admin, as_of=DAY)
    assert (result.raised, result.changed, result.updated, result.events, result.audit_entries) == (0, 0, 0, 0, 0)
    assert result.unchanged == len(before) > 0
    assert list(Warning.objects.order_by("pk").values()) == before
    assert (WarningEvent.objects.count(), AuditEntry.objects.count()) == counts


def test_later_day_updates_figures_without_history(supervision_data, personas):
    w = supervision_data[XINPU]["warning"]
    events = w.events.count()
    warnings_refresh(actor=personas["admin"], as_of=DAY + dt.timedelta(days=1))
    w.refresh_from_db()
    assert w.checked_on == DAY + dt.timedelta(days=1) and w.events.count() == events  # reason moved, colour did not


def test_idle_land_and_take_back_from_the_regulation(supervision_data):
    c = supervision_data[QIAOTOU]["contract"]
    state = _state(c)
    assert state["idle.not_started"] == "red" and state["idle.take_back"] == "red"
    w = Warning.objects.get(subject_type="contract", subject_id=c.pk, rule="idle.not_started")
    assert w.fee_wan == 96 and "480.00万元×20%=96.00万元" in w.reason_zh  # 20 % of the price (Art. 14)
    assert w.town.code == QIAOTOU and w.park == supervision_data[QIAOTOU]["park"]


def test_government_delay_exempts_for_its_length_then_the_fee_applies(supervision_data, personas):
    admin, c = personas["admin"], supervision_data[XINPU]["contract"]
    long_ago = c.agreed_start + dt.timedelta(days=400)  # idle 35 days after the original year, not after the moved one
    government_delay_add(actor=admin, contract=c, cause="military_heritage", evidence="文物部门通知书", days=200)
    warnings_refresh(actor=admin, as_of=long_ago)
    w = Warning.objects.get(subject_type="contract", subject_id=c.pk, rule="idle.not_started")
    assert w.colour == "yellow" and w.exempt and w.fee_wan is None and "第八条" in w.reason_zh
    warnings_refresh(actor=admin, as_of=DAY)  # long past the moved date: the fee is due again
    w.refresh_from_db()
    assert w.colour == "red" and not w.exempt and w.fee_wan and "顺延200天" in w.reason_zh
    assert list(w.events.values_list("from_colour", "to_colour")) == [("", "red"), ("red", "yellow"), ("yellow", "red")]


def test_starting_turns_the_idle_warnings_green_and_keeps_them(supervision_data, personas):
    admin, c = personas["admin"], supervision_data[XINPU]["contract"]
    contract_update(actor=admin, contract=c, actual_start=D(2026, 11, 1))
    result = warnings_refresh(actor=admin, as_of=DAY)
    state = _state(c)
    assert state["idle.not_started"] == "green" and state["idle.take_back"] == "green"
    assert result.turned_green >= 3  # idle, take-back, start overdue


def test_enterprise_tax_per_mu_against_the_park_minimum(supervision_data, personas):
    owner = supervision_data[XINPU]["owner"]
    w = Warning.objects.get(subject_type="enterprise", subject_id=owner.pk, rule="enterprise.tax_per_mu")
    # 600 万元 over the owned parcel less the 2,000 m² let: below 80 % of 30 万元/亩 -> red
    assert w.colour == "red" and "30万元/亩" in w.reason_zh and w.park == supervision_data[XINPU]["park"]
    from landcycle.registry import services as registry

    registry.park_update(actor=personas["admin"], park=supervision_data[XINPU]["park"], min_tax_per_mu=None)
    warnings_refresh(actor=personas["admin"], as_of=DAY)
    w.refresh_from_db()
    assert w.colour == "green"


def test_published_class_d_is_red_through_the_adapter(supervision_data, personas, monkeypatch):
    assert published_classes(2025) == {}  # no evaluation run model yet: no class warnings
    owner = supervision_data[QIAOTOU]["owner"]
    monkeypatch.setattr(subjects, "latest_published_classes", lambda as_of: {owner.pk: (2025, "D")})
    warnings_refresh(actor=personas["admin"], as_of=DAY)
    w = Warning.objects.get(subject_type="enterprise", subject_id=owner.pk, rule="enterprise.class")
    assert w.colour == "red" and "D类" in w.reason_zh and "2025" in w.reason_zh


def test_contract_the_rules_refuse_is_skipped_and_left_alone(supervision_data, personas):
    admin, c = personas["admin"], supervision_data[XINPU]["contract"]
    before = _state(c)
    result = warnings_refresh(actor=admin, as_of=D(2023, 12, 31))  # before the signing date
    assert {n for n, _m in result.skipped} == {d["contract"].number for d in supervision_data.values()}
    assert _state(c) == before


def test_refresh_only_reaches_the_actors_scope(supervision_data, personas):
    from landcycle.accounts.models import Role, User

    town_admin = User.objects.create(
        username="xp_admin2", role=Role.COUNTY_ADMIN, region=supervision_data[XINPU]["town"]
    )
    result = warnings_refresh(actor=town_admin, as_of=DAY + dt.timedelta(days=400))
    assert result.contracts == 1
    other = Warning.objects.filter(town__code=QIAOTOU)
    assert set(other.values_list("checked_on", flat=True)) == {DAY}
