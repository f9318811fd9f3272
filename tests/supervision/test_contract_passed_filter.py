"""Issue 13: the contract list's 约定日期已过 filter — contracts whose agreed start, completion or production date
(after the last approved extension) has passed without the actual date — as a chip with its count, scoped,
exported with the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import QIAOTOU, XINPU
from landcycle.supervision.models import Contract
from landcycle.supervision.selectors import passed_filter
from landcycle.supervision.services.contracts import contract_update

pytestmark = pytest.mark.django_db


def _numbers(qs) -> set[str]:
    return set(qs.values_list("number", flat=True))


def test_passed_follows_the_agreed_dates_their_extensions_and_the_actual_dates(supervision_data, personas):
    mine = supervision_data[XINPU]["contract"]  # not started (agreed 2024-06-30); completion extended to 2026-12-31
    qs = Contract.objects.filter(pk=mine.pk)
    day = dt.date(2026, 11, 29)
    assert _numbers(passed_filter(qs, "start", day)) == {mine.number}
    assert not passed_filter(qs, "completion", day).exists()  # agreed 2026-06-30, but extended to 2026-12-31
    assert _numbers(passed_filter(qs, "completion", dt.date(2027, 1, 1))) == {mine.number}
    assert not passed_filter(qs, "production", day).exists()
    assert _numbers(passed_filter(qs, "any", day)) == {mine.number}
    contract_update(actor=personas["admin"], contract=mine, actual_start=dt.date(2024, 6, 1))
    assert not passed_filter(qs, "any", day).exists()  # started: nothing has passed by 2026-11-29
    contract_update(actor=personas["admin"], contract=mine, actual_start=None, actual_completion=dt.date(2026, 1, 1))
    assert not passed_filter(qs, "start", day).exists()  # a later actual date implies the start


def test_the_chip_counts_in_scope_and_filters_the_list_and_its_export(client, supervision_data, personas):
    mine, other = supervision_data[XINPU]["contract"], supervision_data[QIAOTOU]["contract"]
    client.force_login(personas["xinpu"])
    page = client.get(reverse("contract_list"))
    html = page.content.decode()
    chip = page.context["passed"]
    assert chip["count"] == 1 and not chip["active"]  # only the officer's own town
    assert "约定日期已过未完成" in html and 'href="?passed=any"' in html
    filtered = client.get(reverse("contract_list"), {"passed": "any"})
    assert [c.number for c in filtered.context["page_obj"].object_list] == [mine.number]
    assert filtered.context["passed"]["active"] and "filter-chip active" in filtered.content.decode()
    csv = b"".join(client.get(reverse("contract_list"), {"passed": "start", "export": "csv"}).streaming_content)
    assert mine.number in csv.decode() and other.number not in csv.decode()
    none = client.get(reverse("contract_list"), {"passed": "production"})
    assert list(none.context["page_obj"].object_list) == [] and none.context["passed"]["count"] == 0
    client.force_login(personas["admin"])
    assert client.get(reverse("contract_list")).context["passed"]["count"] == 2


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_the_cards_and_the_chip_are_kept_until_a_write(client, supervision_data, personas):
    """The list's cards and chip count every contract of the scope: the next view takes them from the cache
    (supervision.figures: fewer queries, the same figures); a contract's actual start (an audited write) shows at
    once, and each scope and filter has its own entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def view(**query):
        with CaptureQueriesContext(connection) as ctx:
            context = client.get(reverse("contract_list"), query).context
        return context, len(ctx.captured_queries)

    client.force_login(personas["admin"])
    (first, cold), (again, warm) = view(), view()
    assert warm < cold and (again["kpis"], again["passed"]) == (first["kpis"], first["passed"])
    assert first["passed"]["count"] == 2 and view(town=QIAOTOU)[0]["passed"]["count"] == 1
    mine = supervision_data[XINPU]["contract"]
    contract_update(
        actor=personas["admin"], contract=Contract.objects.get(pk=mine.pk), actual_start=dt.date(2024, 7, 1)
    )
    assert view()[0]["passed"]["count"] == 1
    client.force_login(personas["xinpu"])
    assert view()[0]["passed"]["count"] == 0
