"""The warning board lists problems, not rule hits: one row per subject (contract, enterprise) with its worst
colour, every reason by its rule's name, their handling states and its age; filters by town, colour, rule, age
and handling state; the per-town chart's segments link to the board filtered; the export holds the rows on screen;
the home page lists what waits for the town and for the county."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import QIAOTOU, XINPU
from landcycle.supervision.maintained import sync_all
from landcycle.supervision.models import Warning
from landcycle.supervision.selectors import warning_counts_by_town, warnings_to_decide, warnings_waiting
from landcycle.supervision.services.warnings import warning_handle, warning_progress, warning_verify

pytestmark = pytest.mark.django_db


def _body(resp) -> str:
    return (b"".join(resp.streaming_content) if resp.streaming else resp.content).decode("utf-8-sig")


def _rows(client, query: str = "") -> list[dict]:
    return client.get(reverse("warning_board") + query).context["rows"]


def _keys(rows) -> set[tuple[str, int]]:
    return {(r["subject_type"], r["subject_id"]) for r in rows}


@pytest.fixture
def board(supervision_data, personas):
    """Each town: its contract (three red warnings) and its owner (one tax-per-mu warning, made yellow and a year
    old in 新浦镇)."""
    owner = supervision_data[XINPU]["owner"]
    Warning.objects.filter(subject_type="enterprise", subject_id=owner.pk).update(
        colour="yellow", rank=1, first_raised=dt.date(2025, 1, 1)
    )
    sync_all()  # written behind the services' back: the board's maintained rows follow (supervision.maintained)
    return supervision_data


def test_one_row_per_subject_with_all_its_reasons_by_name(client, board, personas):
    client.force_login(personas["admin"])
    rows = _rows(client)
    assert len(rows) == 4 == Warning.objects.values("subject_type", "subject_id").distinct().count()
    contract = board[XINPU]["contract"]
    (row,) = [r for r in rows if r["subject_type"] == "contract" and r["subject_id"] == contract.pk]
    assert row["colour"] == "red" and len(row["warnings"]) == 3
    html = _body(client.get(reverse("warning_board")))
    assert html.count(f'data-subject="contract-{contract.pk}"') == 1
    assert "闲置满两年（可无偿收回）" in html and "开工逾期" in html
    assert ">idle.take_back<" not in html and ">start.overdue<" not in html  # names, not codes
    assert rows[0]["colour"] == "red" and rows[-1]["colour"] == "yellow"  # worst first


def test_filters_choose_subjects(client, board, personas):
    client.force_login(personas["admin"])
    owner = board[XINPU]["owner"]
    assert _keys(_rows(client, "?colour=yellow")) == {("enterprise", owner.pk)}
    assert all(r["colour"] == "red" for r in _rows(client, "?colour=red"))
    assert _keys(_rows(client, "?age=old")) == {("enterprise", owner.pk)}
    assert ("enterprise", owner.pk) not in _keys(_rows(client, "?age=30"))
    assert {r["town_code"] for r in _rows(client, f"?town={QIAOTOU}")} == {QIAOTOU}
    rows = _rows(client, "?rule=idle.take_back")
    assert {r["subject_type"] for r in rows} == {"contract"} and all(len(r["warnings"]) == 3 for r in rows)
    w = board[XINPU]["warning"]
    warning_verify(actor=personas["xinpu"], warning=w, confirmed=True)
    assert _keys(_rows(client, "?status=confirmed")) == {("contract", w.subject_id)}
    today = timezone.localdate()
    Warning.objects.filter(town__code=XINPU).update(verify_due=today + dt.timedelta(days=3))
    Warning.objects.filter(town__code=QIAOTOU).update(verify_due=timezone.localdate() - dt.timedelta(days=1))
    assert {r["town_code"] for r in _rows(client, "?status=overdue")} == {QIAOTOU}


def test_the_town_officer_sees_only_the_town(client, board, personas):
    client.force_login(personas["xinpu"])
    rows = _rows(client, f"?town={QIAOTOU}")  # a forged filter is ignored: still the officer's own town
    assert {r["town_code"] for r in rows} == {XINPU}
    html = _body(client.get(reverse("warning_board")))
    assert board[QIAOTOU]["contract"].number not in html


def test_chart_by_town_links_to_the_filtered_board(client, board, personas):
    client.force_login(personas["admin"])
    html = _body(client.get(reverse("warning_board") + "?status=active"))
    assert "各镇街预警对象" in html and "<svg" in html
    assert f"/warnings/?status=active&amp;town={XINPU}&amp;colour=red" in html
    assert f"/warnings/?status=active&amp;town={XINPU}&amp;colour=yellow" in html
    client.force_login(personas["xinpu"])  # one town: no chart
    assert "各镇街预警对象" not in _body(client.get(reverse("warning_board")))


def test_paging_counts_subjects(client, board, personas, settings):
    settings.PAGE_SIZE = 3
    client.force_login(personas["admin"])
    resp = client.get(reverse("warning_board"))
    assert resp.context["page_obj"].paginator.count == 4 and len(resp.context["rows"]) == 3
    assert len(client.get(reverse("warning_board") + "?page=2").context["rows"]) == 1


def test_export_holds_the_rows_on_screen(client, board, personas):
    client.force_login(personas["admin"])
    lines = list(csv.reader(io.StringIO(_body(client.get(reverse("warning_board") + "?colour=red&export=csv")))))
    assert len(lines) == 1 + 3  # header + the three red subjects
    assert lines[0][0] == "最重颜色" and any("闲置满两年（可无偿收回）" in cell for cell in lines[1])
    resp = client.get(reverse("warning_board") + "?export=xlsx")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(personas["xinpu"])
    text = _body(client.get(reverse("warning_board") + "?export=csv"))
    assert board[XINPU]["contract"].number in text and board[QIAOTOU]["contract"].number not in text


def test_state_counts_on_the_board(client, board, personas):
    w = board[XINPU]["warning"]
    warning_verify(actor=personas["xinpu"], warning=w, confirmed=False, reason="政府原因")
    client.force_login(personas["admin"])
    states = {s["state"]: s for s in client.get(reverse("warning_board")).context["states"]}
    assert states["disputed"]["n"] == 1 and states["open"]["n"] == 7
    assert "status=disputed" in states["disputed"]["url"]


def test_home_selectors_list_what_waits(board, personas):
    officer, admin = personas["xinpu"], personas["admin"]
    waiting = list(warnings_waiting(officer))
    assert {w.town.code for w in waiting} == {XINPU} and len(waiting) == 4
    w = board[XINPU]["warning"]
    warning_verify(actor=officer, warning=w, confirmed=True)
    warning_handle(actor=officer, warning=w, measures="约谈", assignee=officer, due=dt.date(2027, 3, 31))
    assert w in list(warnings_waiting(officer))  # still the town's: to handle
    warning_progress(actor=officer, warning=w, note="完成", submit=True)
    assert w not in list(warnings_waiting(officer))
    assert list(warnings_to_decide(admin)) == [w] and list(warnings_to_decide(personas["qiaotou"])) == []
    counts = warning_counts_by_town(admin)
    town = board[XINPU]["town"]
    assert (counts[town.pk]["red"], counts[town.pk]["yellow"], counts[town.pk]["to_decide"]) == (1, 1, 1)


def test_home_pages_link_to_the_answer(client, board, personas):
    officer, w = personas["xinpu"], board[XINPU]["warning"]
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert "待核实、待处置的预警" in html and reverse("warning_detail", args=[w.pk]) in html
    warning_verify(actor=officer, warning=w, confirmed=False, reason="政府原因")
    client.force_login(personas["admin"])
    html = client.get(reverse("home")).content.decode()
    assert "待验收、待裁定的预警" in html and "新浦镇提出异议" in html
    assert reverse("warning_detail", args=[w.pk]) in html


def test_board_queries_do_not_grow_with_subjects(client, board, personas, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.supervision.services.contracts import contract_create

    client.force_login(personas["admin"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("warning_board")).status_code == 200
    small = len(ctx.captured_queries)
    d = board[XINPU]
    for i in range(6):
        contract_create(
            actor=personas["admin"],
            number=f"HT-BOARD-{i}",
            parcels=[d["parcels"][0]],
            holder=d["owner"],
            kind="grant",
            price_wan="100",
            signed_on=dt.date(2023, 1, 10),
            agreed_start=dt.date(2023, 6, 1),
        )
    from landcycle.supervision.refresh import warnings_refresh

    warnings_refresh(actor=personas["admin"], as_of=dt.date(2026, 11, 29))
    assert len(_rows(client)) > 4
    with django_assert_max_num_queries(small):
        client.get(reverse("warning_board"))


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_board_figures_are_kept_until_a_write_or_a_refresh(client, board, personas):
    """The cards, handling states, chart and the blocks of the stages above are read from the cache on the next view
    (kit.cache: fewer queries); a town's answer (an audited write) shows at once, and so does a refresh for a later
    day that writes the warnings' figures without moving the audit heads; a town officer never gets the county's
    entry."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.audit.models import AuditAppHead
    from landcycle.supervision.refresh import warnings_refresh

    def view():
        with CaptureQueriesContext(connection) as ctx:
            context = client.get(reverse("warning_board")).context
        return context, len(ctx.captured_queries)

    client.force_login(personas["admin"])
    (first, cold), (again, warm) = view(), view()
    assert warm < cold
    assert (again["kpis"], again["states"], str(again["chart"])) == (
        first["kpis"],
        first["states"],
        str(first["chart"]),
    )
    warning_verify(actor=personas["xinpu"], warning=board[XINPU]["warning"], confirmed=False, reason="政府原因")
    states = {s["state"]: s["n"] for s in view()[0]["states"]}
    assert states["disputed"] == 1 and states["open"] == 7
    warnings_refresh(actor=personas["admin"], as_of=dt.date(2027, 3, 1))
    view()
    heads = list(AuditAppHead.objects.order_by("app").values_list("app", "seq"))
    result = warnings_refresh(actor=personas["admin"], as_of=dt.date(2027, 3, 2))  # days overdue: no audit entry
    assert result.updated and not result.audit_entries
    assert list(AuditAppHead.objects.order_by("app").values_list("app", "seq")) == heads
    after, queries = view()
    assert after["checked"] == dt.date(2027, 3, 2) and queries == cold
    cache.clear()
    fresh = view()[0]
    assert (after["kpis"], after["states"]) == (fresh["kpis"], fresh["states"])
    assert after["page_obj"].paginator.count == fresh["page_obj"].paginator.count == len(fresh["rows"])
    client.force_login(personas["xinpu"])
    mine_first = view()[0]
    mine = {s["state"]: s["n"] for s in mine_first["states"]}
    assert sum(mine.values()) < sum(s["n"] for s in fresh["states"])
    assert mine_first["page_obj"].paginator.count == len(mine_first["rows"]) < len(fresh["rows"])


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_board_count_comes_from_the_cache_and_a_write_shows_at_once(client, board, personas):
    """Issue 18: the paginator's count of the subjects listed is cached with the board's figures: the second view
    asks no COUNT, a closed warning leaves the open list at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas["admin"])

    def view(**params):
        with CaptureQueriesContext(connection) as ctx:
            context = client.get(reverse("warning_board"), params).context
        return context, [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"]]

    first, _counts = view()
    again, counts = view()
    assert counts == []
    assert again["page_obj"].paginator.count == first["page_obj"].paginator.count == len(first["rows"])
    by_town = view(town=XINPU)[0]
    assert by_town["page_obj"].paginator.count == len(by_town["rows"]) < len(first["rows"])
    warning_verify(actor=personas["xinpu"], warning=board[XINPU]["warning"], confirmed=False, reason="政府原因")
    disputed = view(status="disputed")[0]
    assert disputed["page_obj"].paginator.count == len(disputed["rows"]) == 1
