"""Editing and linking in a real browser (Debian chromium, 1366×768): the supervisor corrects a task (a moved
deadline without a reason is refused in the reader's language, then saved with one) and a finding; the 新浦镇
officer links the task to their town's parcel, firm and land contract, picking from the suggestions; the
contract's page then lists the task. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from browser_support import SHOTS, page  # noqa: F401  (the chromium fixture)

from conftest import XINPU

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(tab, name: str, full: bool = False) -> None:
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def _sign_in(tab, live_server, username: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", f"{username}-pw")
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/")


def test_edit_a_task_and_link_it(page, live_server, supervision_data, rectification_data):
    d = rectification_data[XINPU]
    task_url = f"{live_server.url}/rectification/tasks/{d['task'].pk}/"

    # the supervisor moves the deadline: refused without a reason, saved with one
    _sign_in(page, live_server, "p_supervisor")
    page.goto(task_url)
    page.click(".page-actions >> text=修改任务")
    assert page.input_value("#id_person") == "经办人"
    page.fill("#id_person", "胡晓东")
    page.fill("#id_deadline", "2027-01-29")
    page.click("button[type=submit]")
    problem = page.locator('.field[data-field="note"] .problem')
    assert "须写明原因" in problem.inner_text() and "needs a reason" not in problem.inner_text()  # one language
    _shot(page, "rect-08-task-edit-refused")
    page.fill("#id_note", "遗留物归属认定须经司法调解，延期至春节后")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    assert "2027-01-29" in page.locator(".page-head .sub, h1 + .sub").first.inner_text()
    history = page.locator("ul.history li.k-edited").first.inner_text()
    assert "整改时限：2026-12-31 → 2027-01-29" in history and "胡晓东" in history
    _shot(page, "rect-09-task-after-edit")

    # the supervisor corrects the finding; the inspection page keeps the edit
    page.goto(f"{live_server.url}/rectification/inspections/{d['inspection'].pk}/")
    page.click(f"#finding-{d['finding'].pk} >> text=修改")
    page.fill("#id_summary", "敦和园区到期企业腾退迟缓（核实后修改）")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    assert "核实后修改" in page.locator("#history").inner_text()
    page.locator("#history").scroll_into_view_if_needed()
    _shot(page, "rect-10-inspection-history")

    # the 新浦镇 officer links the task, picking from the suggestions of their own town
    _sign_in(page, live_server, "p_xinpu")
    page.goto(task_url)
    page.click(".page-actions >> text=关联对象")
    options = page.locator("#task-parcels option")
    assert options.count() == 2  # the town's two parcels only
    page.fill("#id_parcels", "")
    page.locator("#id_parcels").press_sequentially(d["parcels"][0].number + ", ")
    assert (
        page.locator("#task-parcels option").first.get_attribute("value")
        == f"{d['parcels'][0].number}, {d['parcels'][1].number}"
    )  # the next suggestion keeps the first
    page.fill("#id_parcels", f"{d['parcels'][0].number}, {d['parcels'][1].number}")
    page.fill("#id_contracts", d["contract"].number)
    page.fill("#id_enterprises", d["tenant"].name)
    _shot(page, "rect-11-links-form")
    page.click("button[type=submit]")
    page.wait_for_selector(".message-success")
    links = page.locator("#links").inner_text()
    assert d["contract"].number in links and d["parcels"][1].number in links and d["tenant"].name in links
    _shot(page, "rect-12-task-links")
    page.click(f"#links >> text={d['contract'].number}")
    page.wait_for_selector("#linked-tasks")
    assert d["task"].title in page.locator("#linked-tasks").inner_text()
    page.locator("#linked-tasks").scroll_into_view_if_needed()
    _shot(page, "rect-13-contract-linked-tasks")

    # the park's page lists the task as well
    page.goto(f"{live_server.url}/parks/{d['park'].pk}/")
    page.wait_for_selector("#linked-tasks")
    page.locator("#linked-tasks").scroll_into_view_if_needed()
    _shot(page, "rect-14-park-linked-tasks")

    # the ledger says what each task is linked to
    page.goto(f"{live_server.url}/rectification/")
    links = page.locator("table.data tbody tr", has_text=d["task"].title).locator(".park-links").inner_text()
    assert d["park"].name in links and "地块2块" in links and "企业1家" in links and "合同1份" in links
    _shot(page, "rect-15-ledger-links")
