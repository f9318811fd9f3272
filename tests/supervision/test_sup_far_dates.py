"""Issue 10, item 1: a date far in the past or the future (9999-12-31) is refused by the services with a
bilingual message naming the field, wherever it comes from (form, service, ledger); a far date already
stored does not break the contract page, and a refresh reports the row and goes on with the others; a
write whose follow-up fails leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import QIAOTOU, SUPERVISION_DAY, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rules.problems import RuleError
from landcycle.supervision.models import Commitment, Contract, Extension, GovernmentDelay, Warning
from landcycle.supervision.refresh import warnings_refresh
from landcycle.supervision.services.commitments import (
    commitment_add,
    commitment_measure,
    extension_add,
    government_delay_add,
)
from landcycle.supervision.services.contracts import contract_update
from landcycle.supervision.views import edit as edit_views

pytestmark = pytest.mark.django_db

D = dt.date
FAR = "9999-12-31"


def _counts():
    return (
        Contract.objects.count(),
        Extension.objects.count(),
        GovernmentDelay.objects.count(),
        Commitment.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("milestone", ["start", "completion", "production"])
def test_officer_adding_an_extension_to_9999_gets_the_form_back_and_nothing_is_written(
    client, supervision_data, personas, milestone
):
    c = supervision_data[XINPU]["contract"]
    client.force_login(personas["xinpu"])
    before = _counts()
    resp = client.post(reverse("extension_create", args=[c.pk]), {"milestone": milestone, "new_date": FAR})
    assert resp.status_code == 200
    problems = resp.context["form"].problems["new_date"]
    assert problems[0].rule == "date.too_late" and "9999-12-31" in problems[0].zh and "50" in problems[0].en
    assert _counts() == before
    assert client.get(reverse("contract_detail", args=[c.pk])).status_code == 200


CONTRACT_DATES = (
    "signed_on",
    "agreed_delivery",
    "actual_delivery",
    "agreed_start",
    "actual_start",
    "agreed_completion",
    "actual_completion",
    "agreed_production",
    "actual_production",
    "stopped_since",
)


def test_every_contract_date_is_checked_for_a_plausible_range(supervision_data, personas):
    c = supervision_data[XINPU]["contract"]
    before = _counts()
    for field in CONTRACT_DATES:
        for value in ("9999-12-31", "1900-01-01", "0001-01-01"):
            with pytest.raises(RuleError) as exc:
                contract_update(actor=personas["xinpu"], contract=c, **{field: value})
            assert [(p.field, p.rule) for p in exc.value.problems if p.rule.startswith("date.")] == [
                (field, "date.too_early" if value < "1949" else "date.too_late")
            ], (field, value)
            assert _counts() == before
            c = Contract.objects.get(pk=c.pk)
    assert c.signed_on == D(2024, 1, 10) and c.agreed_start == D(2024, 6, 30)
    # the bounds themselves: 1949-10-01 and 50 years after signing are accepted
    contract_update(actor=personas["xinpu"], contract=c, actual_delivery="1949-10-01")
    contract_update(actor=personas["xinpu"], contract=c, agreed_production="2074-01-10")
    with pytest.raises(RuleError):
        contract_update(actor=personas["xinpu"], contract=c, agreed_production="2074-01-11")


def test_the_contract_form_names_the_field(client, supervision_data, personas):
    c = supervision_data[XINPU]["contract"]
    client.force_login(personas["xinpu"])
    page = client.get(reverse("contract_edit", args=[c.pk]))
    data = {k: v for k, v in page.context["form"].initial.items()} | {"agreed_delivery": FAR, "actual_delivery": FAR}
    before = _counts()
    resp = client.post(reverse("contract_edit", args=[c.pk]), data)
    assert resp.status_code == 200 and _counts() == before
    form = resp.context["form"]
    assert {"agreed_delivery", "actual_delivery"} <= set(form.problems)
    assert "合同签订后50年（2074-01-10）" in form.problems["agreed_delivery"][0].zh


def test_delays_commitments_and_measurements_are_checked(supervision_data, personas):
    d = supervision_data[XINPU]
    officer, c = personas["xinpu"], d["contract"]
    before = _counts()
    cases = [
        (
            lambda: government_delay_add(
                actor=officer, contract=c, cause="plan_change", evidence="文件", recorded_on=FAR
            ),
            "recorded_on",
        ),
        (
            lambda: commitment_add(
                actor=officer,
                contract=c,
                kind="plot_ratio",
                committed="1.2",
                unit="",
                measured="1.5",
                measured_on="1000-01-01",
            ),
            "measured_on",
        ),
        (
            lambda: commitment_measure(actor=officer, commitment=d["commitment"], measured=31, measured_on=FAR),
            "measured_on",
        ),
        (
            lambda: extension_add(actor=officer, contract=c, milestone="start", new_date="2026-12-31", approved_on=FAR),
            "approved_on",
        ),
    ]
    for write, field in cases:
        with pytest.raises(RuleError) as exc:
            write()
        assert [p.field for p in exc.value.problems] == [field], exc.value.problems
        assert _counts() == before


def test_a_contract_ledger_with_a_far_date_is_refused_with_row_and_column(supervision_data, personas):
    from landcycle.ledgers.services import ledger_import

    p = supervision_data[XINPU]["parcels"][0]
    csv = (
        "合同编号,地块编号,土地使用权人,合同签订日期,约定开工时间,土地用途\n"
        f"HT-FAR-1,{p.number},某公司,2025-01-10,9999-12-31,工业用地\n"
    )
    before = _counts()
    report = ledger_import(actor=personas["admin"], kind="contracts", source=csv.encode(), filename="c.csv")
    assert report.status == "refused" and _counts() == before
    assert [(p.row, p.rule) for p in report.problems] == [(2, "date.too_late")], report.problems
    assert "约定开工日期" in report.problems[0].zh


def _store_far_dates(d):
    """What a county that ran the product before the check may have: far dates already in its tables."""
    Extension.objects.filter(pk=d["extension"].pk).update(milestone="start", new_date=D(9999, 12, 31))
    Contract.objects.filter(pk=d["contract"].pk).update(actual_delivery=D(9999, 12, 31))


def test_far_dates_already_stored_break_neither_the_page_nor_the_refresh(client, supervision_data, personas, run_tasks):
    bad, good = supervision_data[XINPU], supervision_data[QIAOTOU]
    _store_far_dates(bad)
    client.force_login(personas["xinpu"])
    assert client.get(reverse("contract_detail", args=[bad["contract"].pk])).status_code == 200

    result = warnings_refresh(actor=personas["admin"], as_of=SUPERVISION_DAY + dt.timedelta(days=400))
    assert [n for n, _m in result.skipped] == [bad["contract"].number]
    assert "实际交地日期（9999-12-31）" in result.skipped[0][1] and "extended date (9999-12-31)" in result.skipped[0][1]
    assert result.contracts == 1  # the other town's contract was refreshed
    assert Warning.objects.filter(subject_id=good["contract"].pk, checked_on=result.as_of).exists()

    out = io.StringIO()
    call_command("warnings", "refresh", "--as-of", "2027-06-30", stdout=out)
    text = out.getvalue()
    assert "跳过1份合同" in text and f"skipped {bad['contract'].number}" in text and "9999-12-31" in text

    client.force_login(personas["admin"])
    resp = client.post(reverse("warning_board"), {"action": "refresh", "as_of": "2027-06-30"}, follow=True)
    assert resp.status_code == 200
    assert run_tasks() == 1  # the board's refresh is a task of the queue; the board shows its result
    shown = client.get(reverse("warning_board")).context["refresh_state"]["lines"]
    assert any(m.startswith("1 份合同") and bad["contract"].number in m for m in shown), shown
    assert any(bad["contract"].number in m and "实际交地日期（9999-12-31）" in m for m in shown), shown


def test_a_refresh_goes_on_when_the_rules_fail_on_one_row(supervision_data, personas, monkeypatch):
    from landcycle.supervision import subjects

    bad = supervision_data[XINPU]["contract"].number
    real = subjects.evaluate_contract

    def fragile(c, as_of, policy):
        if c.number == bad:
            raise OverflowError("date value out of range")
        return real(c, as_of, policy)

    monkeypatch.setattr(subjects, "evaluate_contract", fragile)
    result = warnings_refresh(actor=personas["admin"], as_of=SUPERVISION_DAY)
    assert result.skipped == [
        (bad, "合同无法复核：date value out of range / the contract cannot be checked: date value out of range")
    ]
    assert result.contracts == 1


def test_a_write_whose_refresh_fails_leaves_nothing(client, supervision_data, personas, monkeypatch):
    c = supervision_data[XINPU]["contract"]

    def broken(**kwargs):
        raise ValueError("year 10000 is out of range")

    monkeypatch.setattr(edit_views, "warnings_refresh", broken)  # the name the contract forms call
    client.force_login(personas["xinpu"])
    client.raise_request_exception = False
    before = _counts()
    resp = client.post(reverse("extension_create", args=[c.pk]), {"milestone": "production", "new_date": "2028-06-30"})
    assert resp.status_code == 500
    assert _counts() == before


def test_a_second_commitment_of_the_same_kind_is_refused_not_a_500(client, supervision_data, personas):
    """Found by the fuzz test (tests/fuzz): the unique (contract, kind) constraint surfaced as an IntegrityError."""
    c = supervision_data[XINPU]["contract"]
    client.force_login(personas["xinpu"])
    before = _counts()
    resp = client.post(
        reverse("commitment_create", args=[c.pk]), {"kind": "tax_per_mu", "committed": "35", "unit": "万元/亩"}
    )
    assert resp.status_code == 200 and _counts() == before
    assert [p.rule for p in resp.context["form"].problems["kind"]] == ["commitment.kind_twice"]


def test_a_refresh_as_of_a_far_date_is_refused_and_changes_nothing(client, supervision_data, personas):
    from django.core.management.base import CommandError

    from landcycle.supervision.models import WarningEvent

    state = lambda: (
        list(Warning.objects.order_by("pk").values_list("checked_on", "colour")),  # noqa: E731
        WarningEvent.objects.count(),
        AuditEntry.objects.count(),
    )
    before = state()
    client.force_login(personas["admin"])
    resp = client.post(reverse("warning_board"), {"as_of": FAR}, follow=True)
    assert resp.status_code == 200
    assert any("监管基准日（9999-12-31）" in str(m) for m in resp.context["messages"])
    with pytest.raises(CommandError, match="9999-12-31"):
        call_command("warnings", "refresh", "--as-of", FAR, stdout=io.StringIO())
    assert state() == before
