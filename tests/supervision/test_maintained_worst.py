"""Issue 18: the values kept for the contract list and the board (``supervision.maintained``) — each contract's worst
open warning, open idle-land warnings and grey flag, one row per subject with warnings not closed, the latest
refresh's date — agree with a computation from the warnings after every write that moves them: a refresh, a colour
change, a close, a handling accepted and reopened by the next refresh, an edit of the contract. The contract list
orders and filters by them, and its queries do not grow with the contracts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.supervision.models import Contract, Warning, WarningSubject
from landcycle.supervision.refresh import warnings_refresh
from landcycle.supervision.selectors import last_checked
from landcycle.supervision.services.contracts import contract_create, contract_update
from landcycle.supervision.services.warnings import (
    warning_accept,
    warning_close,
    warning_handle,
    warning_progress,
    warning_verify,
)

pytestmark = pytest.mark.django_db
RANKS = {"green": 0, "blue": 0, "grey": 0, "yellow": 1, "red": 2}
SEVERITIES = {"red": 4, "yellow": 3, "grey": 2, "blue": 1, "green": 0}
IDLE = ("idle.not_started", "idle.take_back", "idle.stalled")


def _truth() -> tuple[dict, dict]:
    """From the warnings, in Python: {contract id: (rank, idle, grey)} and {subject: board values}."""
    open_by = defaultdict(list)
    for w in Warning.objects.exclude(status="closed"):
        open_by[(w.subject_type, w.subject_id)].append(w)
    contracts = {pk: (-1, 0, False) for pk in Contract.objects.values_list("pk", flat=True)}
    subjects = {}
    for (stype, sid), ws in open_by.items():
        if stype == "contract":
            contracts[sid] = (
                max(RANKS[w.colour] for w in ws),
                sum(1 for w in ws if w.rule in IDLE and RANKS[w.colour] > 0),
                any(w.colour == "grey" for w in ws),
            )
        dues = [w.verify_due for w in ws if w.status == "open" and w.verify_due]
        subjects[(stype, sid)] = (
            max(SEVERITIES[w.colour] for w in ws),
            min(w.first_raised for w in ws),
            len(ws),
            max(w.subject_label for w in ws),
            max(w.town_id for w in ws),
            min(dues) if dues else None,
        )
    return contracts, subjects


def _kept() -> tuple[dict, dict]:
    contracts = {
        pk: (rank, idle, grey)
        for pk, rank, idle, grey in Contract.objects.values_list("pk", "warn_rank", "warn_idle", "warn_grey")
    }
    subjects = {
        (s.subject_type, s.subject_id): (s.severity, s.oldest, s.open_count, s.subject_label, s.town_id, s.verify_due)
        for s in WarningSubject.objects.all()
    }
    return contracts, subjects


def _agree(step: str) -> None:
    truth, kept = _truth(), _kept()
    assert kept[0] == truth[0], f"contracts after {step}"
    assert kept[1] == truth[1], f"subjects after {step}"


def _more_contracts(admin, d, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        contract_create(
            actor=admin,
            number=f"HT-KEPT-{i:03d}",
            parcels=[d["parcels"][0]],
            holder=d["owner"],
            kind="grant",
            price_wan="100",
            signed_on=dt.date(2023, 1, 10) + dt.timedelta(days=i),
            agreed_start=dt.date(2023, 6, 1) if i % 3 else dt.date(2026, 12, 20),
            agreed_completion=dt.date(2025, 6, 1) if i % 2 and i % 3 else None,
        )


def test_kept_values_follow_every_write_of_the_warnings(supervision_data, personas):
    admin, xinpu = personas["admin"], personas["xinpu"]
    d = supervision_data[XINPU]
    _more_contracts(admin, d, 6)
    warnings_refresh(actor=admin, as_of=dt.date(2026, 11, 29))
    _agree("a refresh")
    assert len({r for r, _i, _g in _kept()[0].values()}) >= 2  # the test sees contracts of several colours
    # colour changes: a later supervision date (dates pass, idle land grows)
    before = dict(Warning.objects.values_list("pk", "colour"))
    warnings_refresh(actor=admin, as_of=dt.date(2027, 7, 15))
    assert dict(Warning.objects.values_list("pk", "colour")) != before
    _agree("a refresh with colour changes")
    # a handling accepted (closed), then reopened by the next refresh: its cause is still there
    w = Warning.objects.filter(town__code=XINPU, subject_type="contract", rank=2, status="open").first()
    warning_verify(actor=xinpu, warning=w, confirmed=True, reason="属实")
    warning_handle(actor=xinpu, warning=w, measures="约谈", assignee=xinpu, due=dt.date(2027, 9, 1))
    warning_progress(actor=xinpu, warning=w, note="已落实", submit=True)
    warning_accept(actor=admin, warning=w, note="同意办结")
    assert Warning.objects.get(pk=w.pk).status == "closed"
    _agree("a handling accepted")
    warnings_refresh(actor=admin, as_of=dt.date(2027, 7, 16))
    assert Warning.objects.get(pk=w.pk).status == "open"
    _agree("a reopening")
    # every warning of one subject closed: its board row goes, its contract has nothing open
    contract = d["contract"]
    for w in Warning.objects.filter(subject_type="contract", subject_id=contract.pk).exclude(status="closed"):
        warning_close(actor=admin, warning=w, reason="例外销号：县政府会议纪要", exception=True)
    assert not WarningSubject.objects.filter(subject_type="contract", subject_id=contract.pk).exists()
    assert Contract.objects.get(pk=contract.pk).warn_rank == -1
    _agree("closing")
    # an edit of a contract (started, completed): its warnings turn green by the refresh of that contract
    other = Contract.objects.filter(number="HT-KEPT-001").get()
    contract_update(
        actor=admin, contract=other, actual_start=dt.date(2023, 5, 1), actual_completion=dt.date(2025, 5, 1)
    )
    warnings_refresh(actor=admin, as_of=dt.date(2027, 7, 16), contract_ids=[other.pk])
    _agree("a contract's edit")
    # a contract saved from an instance read before the refresh does not put back the old values
    stale = Contract.objects.get(pk=supervision_data[QIAOTOU]["contract"].pk)
    Contract.objects.filter(pk=stale.pk).update(warn_rank=2)  # what a refresh in between would have written
    contract_update(actor=admin, contract=stale, project="二期")
    assert Contract.objects.get(pk=stale.pk).warn_rank == 2


def test_the_contract_list_orders_and_filters_by_the_kept_values(client, supervision_data, personas):
    admin = personas["admin"]
    _more_contracts(admin, supervision_data[XINPU], 8)
    warnings_refresh(actor=admin, as_of=dt.date(2026, 11, 29))
    truth, _subjects = _truth()
    client.force_login(admin)
    page = client.get(reverse("contract_list")).context["page_obj"]
    expected = sorted(Contract.objects.all(), key=lambda c: (-truth[c.pk][0], -c.signed_on.toordinal(), c.number))
    assert [c.pk for c in page.object_list] == [c.pk for c in expected][: len(page.object_list)]
    for colour, wanted in (
        ("red", {pk for pk, (r, _i, _g) in truth.items() if r == 2}),
        ("yellow", {pk for pk, (r, _i, _g) in truth.items() if r == 1}),
        ("grey", {pk for pk, (_r, _i, g) in truth.items() if g}),
        ("green", {pk for pk, (r, _i, g) in truth.items() if r <= 0 and not g}),
    ):
        rows = client.get(reverse("contract_list"), {"colour": colour}).context["page_obj"].paginator.object_list
        assert {c.pk for c in rows} == wanted, colour
    idle = client.get(reverse("contract_list"), {"idle": "yes"}).context["page_obj"].paginator.object_list
    assert {c.pk for c in idle} == {pk for pk, (_r, i, _g) in truth.items() if i > 0} != set()


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_contract_list_queries_do_not_grow_with_contracts(client, supervision_data, personas):
    admin = personas["admin"]
    client.force_login(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("contract_list")).status_code == 200
        return len(ctx.captured_queries)

    _more_contracts(admin, supervision_data[XINPU], 2)
    warnings_refresh(actor=admin, as_of=dt.date(2026, 11, 29))
    small = queries()
    _more_contracts(admin, supervision_data[QIAOTOU], 25, start=100)
    warnings_refresh(actor=admin, as_of=dt.date(2026, 11, 29))
    assert queries() <= small
    assert len(client.get(reverse("contract_list")).context["page_obj"].object_list) > 20


def test_last_checked_is_the_latest_refresh_reaching_the_reader(supervision_data, personas):
    admin, xinpu, qiaotou = personas["admin"], personas["xinpu"], personas["qiaotou"]
    assert last_checked(admin) == last_checked(xinpu) == dt.date(2026, 11, 29)
    warnings_refresh(actor=admin, as_of=dt.date(2027, 3, 2))  # the county's: every town sees it
    assert last_checked(admin) == last_checked(xinpu) == last_checked(qiaotou) == dt.date(2027, 3, 2)
    contract = supervision_data[XINPU]["contract"]
    warnings_refresh(actor=xinpu, as_of=dt.date(2027, 3, 5), contract_ids=[contract.pk])  # a town's edit
    assert last_checked(admin) == last_checked(xinpu) == dt.date(2027, 3, 5)
    assert last_checked(qiaotou) == dt.date(2027, 3, 2)  # not another town's
    with CaptureQueriesContext(connection) as ctx:
        last_checked(admin)
    assert len(ctx.captured_queries) == 1


def test_the_resync_command_repairs_values_written_behind_the_services(supervision_data):
    from io import StringIO

    from django.core.management import call_command

    contract = supervision_data[XINPU]["contract"]
    Warning.objects.filter(subject_type="contract", subject_id=contract.pk).update(status="closed")
    assert _kept() != _truth()
    out = StringIO()
    before = AuditEntry.objects.count()
    call_command("warnings", "resync", stdout=out)
    assert _kept() == _truth() and "rows rewritten" in out.getvalue()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "warnings.resync" and AuditEntry.objects.count() == before + 1  # recorded: pages see it
    call_command("warnings", "resync", stdout=out)
    assert "0 rows" in out.getvalue().splitlines()[-1]
    assert AuditEntry.objects.count() == before + 1  # nothing rewritten, nothing recorded


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_contract_list_count_comes_from_the_cache_and_a_write_shows_at_once(client, supervision_data, personas):
    """The paginator's count is kept with the list's cards (supervision.figures): the second view asks no COUNT; a
    new contract (an audited write) shows at once."""
    admin = personas["admin"]
    client.force_login(admin)

    def view():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("contract_list")).context["page_obj"]
        return page, [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]

    first, _counts = view()
    again, counts = view()
    assert counts == [] and again.paginator.count == first.paginator.count == Contract.objects.count()
    _more_contracts(admin, supervision_data[XINPU], 1)
    assert view()[0].paginator.count == Contract.objects.count() == first.paginator.count + 1
