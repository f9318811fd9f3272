"""Issue 11 in the product: ended leases still occupied, the evaluation's exemptions and current figures in
the tax-per-mu warning, "not judged" counted apart, what "started" means and its record, moved dates shown."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import SUPERVISION_DAY, XINPU
from landcycle.evaluation.inputs import read_inputs
from landcycle.evaluation.models import YearlyFigure
from landcycle.registry import services as registry_services
from landcycle.registry.selectors import land_used_m2, land_used_many
from landcycle.rules.problems import RuleError
from landcycle.supervision.models import Contract, Warning
from landcycle.supervision.refresh import warnings_refresh
from landcycle.supervision.services.commitments import government_delay_add
from landcycle.supervision.services.contracts import contract_create, contract_update

pytestmark = pytest.mark.django_db
DAY = SUPERVISION_DAY


def _w(stype, sid, rule):
    return Warning.objects.filter(subject_type=stype, subject_id=sid, rule=rule).first()


def _body(resp) -> str:
    return resp.content.decode()


# ------------------------------------------------------------------ 租约到期未腾退
def test_an_ended_lease_with_the_firm_still_there_warns_and_keeps_its_land(supervision_data, personas):
    admin, d = personas["admin"], supervision_data[XINPU]
    tenant, parcel, lease = d["tenant"], d["parcels"][0], d["occupancies"][1]
    registry_services.occupancy_end(actor=admin, occupancy=lease, end=dt.date(2026, 6, 30))
    YearlyFigure.objects.create(enterprise=tenant, year=2026, revenue=800, tax=40, value_added=200)
    warnings_refresh(actor=admin, as_of=DAY)
    on_firm, on_parcel = (
        _w("enterprise", tenant.pk, "lease.ended_not_vacated"),
        _w("parcel", parcel.pk, "lease.ended_not_vacated"),
    )
    assert on_firm.colour == on_parcel.colour == "yellow"
    assert "租约已于2026-06-30到期" in on_firm.reason_zh and parcel.number in on_parcel.reason_zh
    assert on_parcel.town == d["town"] and on_parcel.park == d["park"]
    # the firm keeps its land until it has left: registry, refresh and evaluation agree
    assert land_used_m2(tenant, DAY)["used"] == 2000 == land_used_many([tenant.pk], DAY)[tenant.pk]
    assert land_used_m2(d["owner"], DAY)["let"] == 2000
    frame = read_inputs([2026]).year(2026)
    row = frame.filter(frame["enterprise_id"] == tenant.pk).row(0, named=True)
    assert row["land_leased_mu"] == pytest.approx(3.0)  # 2000 m² = 3 mu
    # the board links the parcel warning to the parcel page
    client_resp = _board(personas, "lease")
    assert reverse("parcel_detail", args=[parcel.pk]) in client_resp
    # it has left (迁出): the land no longer counts, the warnings turn green
    registry_services.enterprise_update(actor=admin, enterprise=tenant, status="relocated")
    warnings_refresh(actor=admin, as_of=DAY)
    on_firm.refresh_from_db()
    on_parcel.refresh_from_db()
    assert on_firm.colour == on_parcel.colour == "green"
    assert land_used_m2(tenant, DAY)["used"] == 0


def test_a_renewed_lease_is_not_an_ended_one(supervision_data, personas):
    admin, d = personas["admin"], supervision_data[XINPU]
    lease = d["occupancies"][1]
    registry_services.occupancy_end(actor=admin, occupancy=lease, end=dt.date(2026, 6, 30))
    registry_services.occupancy_create(
        actor=admin,
        enterprise=d["tenant"],
        parcel=d["parcels"][0],
        kind="leased",
        area_m2=2000,
        start=dt.date(2026, 7, 1),
        lessor=d["owner"],
    )
    warnings_refresh(actor=admin, as_of=DAY)
    assert _w("enterprise", d["tenant"].pk, "lease.ended_not_vacated") is None
    assert land_used_m2(d["tenant"], DAY)["used"] == 2000


def _board(personas, q):
    from django.test import Client

    c = Client()
    c.force_login(personas["admin"])
    return _body(c.get(reverse("warning_board"), {"q": q}))


# ------------------------------------------------------------------ tax per mu: exemptions, current data
def test_tax_per_mu_respects_the_new_firm_exemption_of_the_evaluation(supervision_data, personas):
    admin, d = personas["admin"], supervision_data[XINPU]
    owner = d["owner"]
    w = _w("enterprise", owner.pk, "enterprise.tax_per_mu")
    assert w is not None and w.colour in ("yellow", "red") and "2025年度" in w.reason_zh  # the year it used
    registry_services.enterprise_update(actor=admin, enterprise=owner, registered_on=dt.date(2024, 6, 1))
    warnings_refresh(actor=admin, as_of=DAY)
    w.refresh_from_db()
    assert w.colour == "green"  # a new firm (< 2 years at the end of 2025) is not evaluated, nor warned


def test_tax_figures_older_than_the_policy_allows_are_no_current_data(supervision_data, personas):
    admin, d = personas["admin"], supervision_data[XINPU]
    owner = d["owner"]
    YearlyFigure.objects.filter(enterprise=owner).update(year=2023)
    warnings_refresh(actor=admin, as_of=DAY)
    w = _w("enterprise", owner.pk, "enterprise.tax_per_mu")
    assert w.colour == "grey" and "无当期数据：最近的亩均税收数据为2023年度，早于2025年度" in w.reason_zh


# ------------------------------------------------------------------ not judged, counted apart
def test_a_contract_without_an_agreed_start_is_grey_and_counted_apart(client, supervision_data, personas):
    admin, d = personas["admin"], supervision_data[XINPU]
    c = contract_create(
        actor=admin,
        number="HT-NOSTART",
        parcels=[d["parcels"][0]],
        holder=d["owner"],
        kind="grant",
        price_wan="100",
        signed_on=dt.date(2024, 3, 1),
    )
    warnings_refresh(actor=admin, as_of=DAY)
    w = _w("contract", c.pk, "contract.not_judged")
    assert w.colour == "grey" and w.reason_zh.startswith("未能判定：无约定开工日期")
    client.force_login(admin)
    board = _body(client.get(reverse("warning_board")))
    assert "未能判定" in board and "tag-warn-grey" in board
    listed = _body(client.get(reverse("contract_list"), {"colour": "grey"}))
    assert "HT-NOSTART" in listed
    assert "HT-NOSTART" not in _body(client.get(reverse("contract_list"), {"colour": "green"}))
    page = _body(client.get(reverse("contract_detail", args=[c.pk])))
    assert "tag-warn-grey" in page


# ------------------------------------------------------------------ 动工开发: criterion and evidence
def test_the_start_criterion_and_evidence_are_kept_and_shown(client, supervision_data, personas):
    admin, c = personas["admin"], supervision_data[XINPU]["contract"]
    client.force_login(admin)
    form = _body(client.get(reverse("contract_edit", args=[c.pk])))
    assert "基坑开挖完毕" in form and "打入所有基础桩" in form and "地基施工完成三分之一" in form
    with pytest.raises(RuleError) as exc:
        contract_update(actor=admin, contract=Contract.objects.get(pk=c.pk), start_criterion="piles")
    assert exc.value.problems[0].rule == "contract.start_criterion_without_start"
    contract_update(
        actor=admin,
        contract=Contract.objects.get(pk=c.pk),
        actual_start="2026-09-01",
        start_criterion="piles",
        start_evidence="监理日志2026-09-01、照片P-17",
    )
    c.refresh_from_db()
    assert (c.start_criterion, c.start_evidence) == ("piles", "监理日志2026-09-01、照片P-17")
    page = _body(client.get(reverse("contract_detail", args=[c.pk])))
    assert "所有基础桩打入" in page and "监理日志2026-09-01、照片P-17" in page


# ------------------------------------------------------------------ moved dates on the contract page
def test_the_contract_page_says_which_dates_moved_and_why(client, supervision_data, personas):
    admin, c = personas["admin"], supervision_data[XINPU]["contract"]
    government_delay_add(actor=admin, contract=c, cause="plan_change", evidence="慈规〔2024〕8号", days=90)
    warnings_refresh(actor=admin, as_of=DAY)
    client.force_login(admin)
    page = _body(client.get(reverse("contract_detail", args=[c.pk])))
    assert "约定开工日因政府原因" in page and "顺延90天" in page and "2024-06-30→2024-09-28" in page
    assert "原约定" in page  # the timeline draws the original date beside the moved one
    w = _w("contract", c.pk, "idle.not_started")
    assert w.colour == "red" and w.fee_wan == Decimal("96.00") and "顺延90天" in w.reason_zh
