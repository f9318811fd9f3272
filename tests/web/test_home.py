"""The home page: each role's to-do list on the test county, always within the user's scope, in a number of
queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import COUNTY, QIAOTOU, XINPU
from landcycle.evaluation.models import YearlyFigure
from landcycle.evaluation.services import run_create
from landcycle.rectification.services.ledger import task_create
from landcycle.rectification.services.rounds import round_close, round_item_review, round_open
from landcycle.supervision.services.contracts import contract_create
from landcycle.web import home

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(home, "today", lambda: DAY)


@pytest.fixture
def county_data(supervision_data, rectification_data):
    """Both fixtures: the towns' contracts and warnings, their tasks and the round of 2026-11-16–30."""
    return rectification_data


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _sections(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("home"))
    return {str(s["title"]): s for s in response.context.get("sections") or []}


def test_home_is_the_landing_page_and_links_the_overview(client, personas):
    assert reverse("home") == "/"
    client.force_login(personas["leader"])
    html = client.get("/").content.decode()
    assert reverse("overview") in html and reverse("overview") != "/"
    assert client.get(reverse("overview")).status_code == 200
    client.logout()
    response = client.post(reverse("login"), {"username": "p_xinpu", "password": "p_xinpu-pw"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_town_officer_sees_the_work_of_their_town_only(client, personas, county_data):
    xinpu, qiaotou = county_data[XINPU], county_data[QIAOTOU]
    html = _page(client, personas["xinpu"])
    s = _sections(client, personas["xinpu"])
    # the round: the town reported, the supervisor reviews
    (round_item,) = s["对账报送"]["items"]
    assert s["对账报送"]["total"] == 0  # nothing left to report
    assert "已全部报送" in round_item["text"] and round_item["url"] == reverse("round_detail", args=[xinpu["round"].pk])
    # warnings waiting for an answer: the town's contract's, none of the other town's
    warnings = s["待核实、待处置的预警"]
    assert warnings["total"] >= 1
    assert all(xinpu["contract"].number in i["text"] or "慈溪市新浦镇" in i["text"] for i in warnings["items"])
    assert reverse("warning_detail", args=[xinpu["warning"].pk]) in html
    # the task due 2026-12-31
    (task,) = s["临近时限或逾期的整改任务"]["items"]
    assert task["url"] == reverse("task_detail", args=[xinpu["task"].pk]) and "还有 24 天" in task["text"]
    # the contract: start passed (2024-06-30), completion extended to 2026-12-31
    contracts = s["合同约定日期临近或已过"]["items"]
    assert [i["value"] for i in contracts] == ["2024-06-30", "2026-12-31"]
    assert "已逾期 890 天" in contracts[0]["text"] and contracts[0]["tone"] == "red"
    assert all(i["url"] == reverse("contract_detail", args=[xinpu["contract"].pk]) for i in contracts)
    # nothing of 桥头镇
    for name, obj in (("task_detail", "task"), ("contract_detail", "contract"), ("warning_detail", "warning")):
        assert f'"{reverse(name, args=[qiaotou[obj].pk])}"' not in html
    assert qiaotou["contract"].number not in html and "桥头镇" not in html.split("<main")[1]


def test_town_officer_is_told_plainly_of_an_overdue_report(client, personas, regions, county_data):
    sup = personas["supervisor"]
    for d in county_data.values():
        round_item_review(actor=sup, item=d["round_item"], decision="confirmed", on=dt.date(2026, 11, 30))
    round_close(actor=sup, round=county_data[XINPU]["round"], on=dt.date(2026, 12, 1))
    rnd = round_open(actor=sup, county=regions[COUNTY], on=dt.date(2026, 12, 1))
    home_day = rnd.due_on + dt.timedelta(days=3)
    home.today = lambda: home_day  # the autouse fixture restores it
    section = _sections(client, personas["xinpu"])["对账报送"]
    (item,) = section["items"]
    assert section["total"] == 1
    assert item["text"] == f"2026年12月上半月对账：1 项待报送，截止 {rnd.due_on.isoformat()}，已逾期 3 天"
    assert item["tone"] == "red" and item["url"] == reverse("round_detail", args=[rnd.pk])


def test_supervisor_sees_what_waits_for_review(client, personas, county_data):
    s = _sections(client, personas["supervisor"])
    review = s["待审核的对账事项"]
    assert review["total"] == 2
    assert {i["url"] for i in review["items"]} == {
        reverse("round_detail", args=[county_data[code]["round"].pk]) + f"#item-{county_data[code]['round_item'].pk}"
        for code in (XINPU, QIAOTOU)
    }
    assert s["待销号的整改任务"]["total"] == 0 and s["逾期的整改任务"]["total"] == 0
    # a task reported done waits for its close-out; a task past its deadline is overdue
    d = county_data[QIAOTOU]
    late = task_create(
        actor=personas["supervisor"],
        finding=d["finding"],
        town=d["town"],
        title="桥头镇闲置厂房清理",
        measures="清理",
        deadline=dt.date(2026, 12, 1),
        assigned_on=dt.date(2026, 10, 1),
    )
    s = _sections(client, personas["supervisor"])
    (overdue,) = s["逾期的整改任务"]["items"]
    assert overdue["url"] == reverse("task_detail", args=[late.pk]) and "已逾期 6 天" in overdue["text"]


def test_county_admin_sees_open_work_by_town(client, personas, county_data):
    client.force_login(personas["admin"])
    table = client.get(reverse("home")).context["town_table"]
    rows = {r["town"].code: r for r in table["rows"]}
    assert set(rows) >= {XINPU, QIAOTOU}
    red, yellow, _verify_late, overdue, missing, late = rows[XINPU]["cells"]
    assert red["n"] >= 1 and f"town={XINPU}" in red["url"] and "colour=red" in red["url"]
    assert late["n"] == 1 and late["url"] == reverse("contract_list") + f"?town={XINPU}"
    assert overdue["n"] == 0 and missing["n"] == 0
    assert table["rows"][0]["busy"]  # towns with work first


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_county_admin_town_table_comes_from_the_cache_until_a_write(client, personas, county_data):
    """Issue 18: the town table's counts read every warning, task and contract of the scope: the second view takes
    them from the cache (fewer queries, the same table), a task made overdue shows at once."""
    client.force_login(personas["admin"])

    def table():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("home"))
        rows = {r["town"].code: [c["n"] for c in r["cells"]] for r in response.context["town_table"]["rows"]}
        return rows, len(ctx.captured_queries)

    first, cold = table()
    again, warm = table()
    assert again == first and warm < cold
    d = county_data[QIAOTOU]
    task_create(
        actor=personas["supervisor"],
        finding=d["finding"],
        town=d["town"],
        title="桥头镇闲置厂房清理",
        measures="清理",
        deadline=dt.date(2026, 12, 1),
        assigned_on=dt.date(2026, 10, 1),
    )
    after, _n = table()
    assert after[QIAOTOU][3] == first[QIAOTOU][3] + 1  # the overdue tasks of 桥头镇
    client.force_login(personas["xinpu"])
    assert client.get(reverse("home")).status_code == 200  # a town officer's home is another page


def test_leader_home_is_the_dashboard(client, personas, county_data):
    """The leader lands on the dashboard's charts (tests/web/test_dashboard.py checks each one), not a to-do list."""
    client.force_login(personas["leader"])
    response = client.get(reverse("home"))
    charts = {c["key"]: str(c["svg"]) for c in response.context["dashboard"]}
    assert "sections" not in response.context and "town_table" not in response.context
    red = reverse("warning_board") + f"?town={XINPU}&amp;colour=red&amp;status=active"
    assert f'xlink:href="{red}"' in charts["warnings_by_town"]
    idle = reverse("contract_list") + f"?town={XINPU}&amp;idle=yes"
    assert f'xlink:href="{idle}"' in charts["idle_area"]
    body = response.content.decode()
    assert "各镇街红、黄预警" in body and "今日待办" not in body


def test_analyst_sees_drafts_and_years_without_a_run(client, personas, evaluation_data):
    s = _sections(client, personas["analyst"])
    assert s["待发布的评价批次"]["total"] == 0 and not s["尚未评价的年度"]["items"]
    owner = evaluation_data[XINPU]["owner"]
    YearlyFigure.objects.create(enterprise=owner, year=2026, revenue=13000, tax=650, value_added=3100)
    draft = run_create(actor=personas["analyst"], year=2026)
    YearlyFigure.objects.create(enterprise=owner, year=2027, revenue=13000, tax=650, value_added=3100)
    s = _sections(client, personas["analyst"])
    (item,) = s["待发布的评价批次"]["items"]
    assert item["url"] == reverse("evaluation_run_detail", args=[draft.pk]) and "2026" in item["text"]
    (year,) = s["尚未评价的年度"]["items"]
    assert year["value"] == "2027" and year["url"] == reverse("evaluation_run_new")


@pytest.mark.parametrize("who", ["xinpu", "supervisor", "admin", "leader", "analyst"])
def test_home_queries_do_not_grow_with_rows(client, personas, county_data, who, django_assert_max_num_queries):
    user = personas[who]
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    small = len(ctx.captured_queries)
    d = county_data[XINPU]
    for i in range(12):
        task_create(
            actor=personas["supervisor"],
            finding=d["finding"],
            town=d["town"],
            title=f"任务{i}",
            measures="整改",
            deadline=dt.date(2026, 12, 1 + i),
            assigned_on=dt.date(2026, 10, 1),
        )
        contract_create(
            actor=personas["admin"],
            number=f"HT-GROW-{i}",
            parcels=[d["parcels"][0]],
            holder=d["owner"],
            kind="grant",
            signed_on=dt.date(2024, 1, 10),
            agreed_start=dt.date(2025, 1, 1),
            agreed_completion=dt.date(2026, 12, 20),
        )
    with django_assert_max_num_queries(small):
        client.get(reverse("home"))


def test_home_in_english(client, personas, county_data):
    client.force_login(personas["xinpu"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert "To do today" in html and "Contract dates near or passed" in html
    assert f"Contract {county_data[XINPU]['contract'].number}" in html and "890 days overdue" in html
    assert "已全部报送" not in html
