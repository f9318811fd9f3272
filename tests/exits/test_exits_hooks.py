"""What exits adds to the other apps: the warning → case → free parcel → new application path end to end (the
button in the parcel's file, the case linked to its warning, the handover freeing the parcel, the new application
shown as what came after), the map colouring, the ranking indicator, the panels of the warning and task slots."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from exits_data import OPENED, QIAOTOU, case, xp  # noqa: F401 -- fixtures

from landcycle.exits.models import Case
from landcycle.exits.registry_hooks import cleared_mu, parcel_exit_colours, task_panel, warning_panel
from landcycle.exits.selectors import cases_for_source, free_parcels
from landcycle.exits.services.cases import case_close, open_case
from landcycle.exits.services.records import step_add
from landcycle.kit.indicators import Quarter, indicator_sources
from landcycle.supervision.models import Warning

pytestmark = pytest.mark.django_db
D = dt.date


def _body(resp) -> str:
    return resp.content.decode()


@pytest.fixture
def warning(xp):
    parcel = xp["parcels"][0]
    return Warning.objects.create(
        subject_type="parcel",
        subject_id=parcel.pk,
        subject_label=parcel.number,
        town=xp["town"],
        park=xp["park"],
        rule="lease.ended_not_vacated",
        colour="yellow",
        rank=1,
        reason_zh="租约已于2026-06-30到期，企业仍未腾退",
        first_raised=D(2026, 7, 1),
        last_changed=D(2026, 7, 1),
        checked_on=D(2026, 7, 1),
    )


def test_warning_to_case_to_free_parcel_to_new_application(client, xp, warning, personas, monkeypatch):
    from landcycle.admission.services.applications import application_register, application_submit

    officer = personas["xinpu"]
    parcel = xp["parcels"][0]
    client.force_login(officer)
    html = _body(client.get(reverse("parcel_detail", args=[parcel.pk])))
    button = f"{reverse('exit_case_new')}?warning={warning.pk}"
    assert button in html  # the town's officer sees the button in the parcel's file
    client.force_login(personas["leader"])
    assert button not in _body(client.get(reverse("parcel_detail", args=[parcel.pk])))  # a reader does not
    client.force_login(personas["qiaotou"])
    assert client.get(button).status_code == 404  # another town's warning
    client.force_login(officer)
    form = _body(client.get(button))
    assert parcel.number in form and xp["tenant"].uscc in form  # prefilled from the warning's subject
    data = {
        "town": xp["town"].code,
        "ground": "lease_ended",
        "parcels": parcel.number,
        "enterprises": xp["tenant"].uscc,
        "opened_on": "2026-07-05",
        "planned_start": "2026-07-05",
        "deadline": "2026-12-31",
    }
    assert client.post(button, data).status_code == 302
    case = cases_for_source(warning).get()
    assert case.source_label == str(warning)
    page = _body(client.get(reverse("exit_case_detail", args=[case.pk])))
    assert reverse("warning_detail", args=[warning.pk]) in page
    assert button not in _body(client.get(reverse("parcel_detail", args=[parcel.pk])))  # the case is opened
    step_add(actor=officer, case=case, kind="cleared", date=D(2026, 9, 1))
    case_close(actor=officer, case=case, on=D(2026, 9, 10))
    assert parcel in free_parcels(officer, D(2026, 9, 11))
    app = application_register(
        actor=officer,
        number="ZR-XP-9001",
        park=xp["park"],
        project="新材料项目",
        applicant_name="慈溪市新材料有限公司",
        industry_code="3062",
        land_mu="10",
        parcels=parcel.number,
    )
    application_submit(actor=officer, application=app, on=D(2026, 9, 20))  # after the handover: what came after
    earlier = application_register(
        actor=officer, number="ZR-XP-9000", park=xp["park"], project="旧申请", applicant_name="某公司",
        industry_code="3062", land_mu="10", parcels=parcel.number,
    )  # fmt: skip
    application_submit(actor=officer, application=earlier, on=D(2026, 8, 1))  # before the handover: not after it
    page = _body(client.get(reverse("exit_case_detail", args=[case.pk])))
    assert reverse("application_detail", args=[app.pk]) in page
    assert reverse("application_detail", args=[earlier.pk]) not in page


def test_map_colouring(case, xp, personas, monkeypatch):
    from landcycle.exits import registry_hooks

    monkeypatch.setattr(registry_hooks, "today", lambda: D(2026, 7, 2))
    monkeypatch.setattr("landcycle.exits.selectors.today", lambda: D(2026, 7, 2))
    p0, p1 = xp["parcels"]
    assert parcel_exit_colours([p0.pk, p1.pk]) == {p0.pk: "red"}  # half the time gone, nothing done
    step_add(actor=personas["xinpu"], case=case, kind="cleared", date=D(2026, 6, 1))
    case_close(actor=personas["xinpu"], case=case, on=D(2026, 6, 2))
    assert parcel_exit_colours([p0.pk, p1.pk]) == {p0.pk: "free"}


def test_indicator_per_town_and_quarter(case, xp, registry_data, personas):
    assert indicator_sources()["low_yield_cleared_mu"].app == "exits"
    towns = [xp["town"], registry_data[QIAOTOU]["town"]]
    before = cleared_mu(Quarter(2026, 2), towns)
    assert (before[towns[0].pk].value, before[towns[0].pk].rows) == (0.0, 0)  # nothing closed: a real 0
    step_add(actor=personas["xinpu"], case=case, kind="cleared", date=D(2026, 5, 1))
    case_close(actor=personas["xinpu"], case=case, on=D(2026, 5, 20))
    q2 = cleared_mu(Quarter(2026, 2), towns)
    mu = float(round(xp["parcels"][0].area_mu, 2))
    assert (q2[towns[0].pk].value, q2[towns[0].pk].rows) == (mu, 1)
    assert q2[towns[1].pk].value == 0.0
    assert "town=330282112" in q2[towns[0].pk].link
    assert cleared_mu(Quarter(2026, 3), towns)[towns[0].pk].value == 0.0


def test_warning_and_task_panels(xp, warning, personas, client):
    officer = personas["xinpu"]
    panel = warning_panel(warning, officer)
    assert panel["calling"] and not panel["cases"]
    client.force_login(officer)  # the warning's own page carries the button
    page = client.get(reverse("warning_detail", args=[warning.pk])).content.decode()
    assert "从预警立案腾退" in page and f"warning={warning.pk}" in page
    assert warning_panel(warning, personas["leader"]) is None
    case = open_case(officer, ground="lease_ended", town=xp["town"], source=warning, opened_on=OPENED)
    panel = warning_panel(warning, personas["qiaotou"])
    assert panel is None  # another town's reader sees nothing of it
    assert [c.pk for c in warning_panel(warning, personas["leader"])["cases"]] == [case.pk]


def test_rectification_task_link(rectification_data, personas, client):
    from landcycle.exits.services.cases import case_tasks_link
    from landcycle.rules.problems import RuleError

    xp_data, qt_data = rectification_data["330282112"], rectification_data[QIAOTOU]
    officer = personas["xinpu"]
    case = open_case(officer, ground="lease_ended", town=xp_data["town"], opened_on=OPENED)
    assert task_panel(xp_data["task"], officer) is None
    with pytest.raises(RuleError) as exc:
        case_tasks_link(actor=officer, case=case, tasks=[qt_data["task"]])
    assert {p.rule for p in exc.value.problems} == {"exits.task_other_town"}
    client.force_login(officer)
    url = reverse("exit_case_tasks", args=[case.pk])
    assert client.post(url, {"tasks": [str(xp_data["task"].pk)]}).status_code == 302
    assert list(case.tasks.all()) == [xp_data["task"]]
    assert [c.pk for c in task_panel(xp_data["task"], personas["supervisor"])["cases"]] == [case.pk]
    assert case.number in client.get(reverse("task_detail", args=[xp_data["task"].pk])).content.decode()
    assert xp_data["task"].number in client.get(reverse("exit_case_detail", args=[case.pk])).content.decode()
    client.force_login(personas["qiaotou"])
    assert client.get(url).status_code == 404
    assert Case.objects.filter(tasks=xp_data["task"]).count() == 1


def test_an_overdue_case_joins_the_warning_board(client, xp, personas):
    officer = personas["xinpu"]
    late = open_case(
        officer,
        ground="lease_ended",
        town=xp["town"],
        parcels=[xp["parcels"][0]],
        planned_start=dt.date(2024, 1, 1),
        deadline=dt.date(2024, 6, 30),
        opened_on=dt.date(2024, 1, 1),
    )
    client.force_login(officer)
    html = _body(client.get(reverse("warning_board")))
    assert 'id="board-exits"' in html and late.number in html
    client.force_login(personas["qiaotou"])
    assert late.number not in _body(client.get(reverse("warning_board")))
