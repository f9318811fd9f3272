"""Printing the rectification ledger: an inspection's 三张清单 and a town's 对账单 of a round (HTML print page and
PDF), each with its title, number, date, rows and signature and seal boxes; scoped (another town's → 404)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest

from conftest import QIAOTOU, XINPU
from print_support import needs_pdf, page_texts, pdf_pages

pytestmark = pytest.mark.django_db


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_three_lists_have_their_parts(client, rectification_data, personas):
    d = rectification_data[XINPU]
    url = f"/rectification/inspections/{d['inspection'].pk}/print/"
    resp = _get(client, personas["supervisor"], url, number="慈纪整改〔2026〕3号", date="2026-12-01")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "整改“三张清单”" in html and "慈纪整改〔2026〕3号" in html and "2026年12月1日" in html
    for part in ('id="problems"', 'id="tasks"', 'id="duties"', "问题清单", "任务清单", "责任清单"):
        assert part in html, part
    assert d["finding"].summary in html and d["task"].title in html and d["task"].measures in html
    assert "编制单位（盖章）" in html and "监督单位审核（盖章）" in html and "（签字）" in html
    assert html.count('class="seal-box"') == 2
    assert d["inspection"].title in html
    assert rectification_data[QIAOTOU]["task"].title not in html  # another inspection's task


def test_one_list_alone_and_a_blank_number(client, rectification_data, personas):
    d = rectification_data[XINPU]
    resp = _get(client, personas["xinpu"], f"/rectification/inspections/{d['inspection'].pk}/print/", list="tasks")
    html = resp.content.decode()
    assert resp.status_code == 200 and "整改任务清单" in html and 'id="tasks"' in html and 'id="problems"' not in html
    assert "〔2026〕" in html and 'class="blank blank-s"' in html  # no number typed: room to write it by hand
    assert "新浦镇人民政府" in html  # the town officer's town compiles it


def test_the_buttons_are_on_the_pages(client, rectification_data, personas):
    d = rectification_data[XINPU]
    client.force_login(personas["xinpu"])
    html = client.get(f"/rectification/inspections/{d['inspection'].pk}/").content.decode()
    assert f"/rectification/inspections/{d['inspection'].pk}/print/" in html
    html = client.get(f"/rectification/rounds/{d['round'].pk}/").content.decode()
    assert f"/rectification/rounds/{d['round'].pk}/print/" in html


def test_another_towns_lists_and_sheet_are_404(client, rectification_data, personas):
    other = rectification_data[QIAOTOU]
    client.force_login(personas["xinpu"])
    assert client.get(f"/rectification/inspections/{other['inspection'].pk}/print/").status_code == 404
    assert client.get(f"/rectification/inspections/{other['inspection'].pk}/print/?format=pdf").status_code == 404
    rnd = other["round"].pk
    assert client.get(f"/rectification/rounds/{rnd}/print/", {"town": QIAOTOU}).status_code == 404
    assert client.get(f"/rectification/rounds/{rnd}/print/", {"town": QIAOTOU, "format": "pdf"}).status_code == 404
    assert client.get(f"/rectification/rounds/{rnd}/print/", {"town": "330282"}).status_code == 404
    assert client.get(f"/rectification/rounds/{rnd}/print/", {"town": "999999999"}).status_code == 404


def test_round_sheet_of_a_town(client, rectification_data, personas):
    mine, other = rectification_data[XINPU], rectification_data[QIAOTOU]
    resp = _get(client, personas["xinpu"], f"/rectification/rounds/{mine['round'].pk}/print/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "整改任务对账销号对账单" in html and mine["round"].label_zh in html
    assert mine["task"].title in html and other["task"].title not in html
    assert "新浦镇人民政府（盖章）" in html and "纪检监督机关（盖章）" in html and "纪检监督员（签字）" in html
    assert "对账事项 1 项：已报送 1 项" in html
    assert mine["round_item"].update_text in html


def test_a_county_reader_chooses_the_town_first(client, rectification_data, personas):
    rnd = rectification_data[XINPU]["round"]
    resp = _get(client, personas["supervisor"], f"/rectification/rounds/{rnd.pk}/print/")
    html = resp.content.decode()
    assert resp.status_code == 200 and f"?town={XINPU}" in html and f"?town={QIAOTOU}" in html
    resp = _get(client, personas["supervisor"], f"/rectification/rounds/{rnd.pk}/print/", town=QIAOTOU)
    html = resp.content.decode()
    assert "桥头镇人民政府（盖章）" in html and rectification_data[QIAOTOU]["task"].title in html


@needs_pdf
def test_round_sheet_pdf_is_named_in_chinese(client, rectification_data, personas):
    rnd = rectification_data[XINPU]["round"]
    resp = _get(client, personas["xinpu"], f"/rectification/rounds/{rnd.pk}/print/", format="pdf")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF") and pdf_pages(resp.content) == 1
    name = f"对账单_{rnd.label_zh}_新浦镇.pdf"
    assert resp["Content-Disposition"].endswith("filename*=UTF-8''" + quote(name, safe=""))


@needs_pdf
def test_a_long_task_list_runs_over_pages_with_its_header_repeated(client, rectification_data, personas):
    from landcycle.rectification.services.ledger import task_create

    d = rectification_data[XINPU]
    for i in range(2, 62):
        task_create(
            actor=personas["supervisor"],
            finding=d["finding"],
            town=d["town"],
            title=f"第{i}项整改任务",
            measures="逐户走访、逐宗核实、建立台账并按月报送整改进展，" * 2,
            deadline=dt.date(2026, 12, 31),
            assigned_on=dt.date(2026, 9, 15),
            person=f"责任人{i}",
        )
    url = f"/rectification/inspections/{d['inspection'].pk}/print/"
    html = _get(client, personas["supervisor"], url).content.decode()
    pdf = _get(client, personas["supervisor"], url, format="pdf").content
    texts = page_texts(html)
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == len(texts) >= 5
    task_pages = [t for t in texts if "第2项整改任务" in t or "第61项整改任务" in t or "整改措施" in t]
    assert len(task_pages) >= 3
    for n, text in enumerate(texts, 1):
        assert f"第{n}页共{len(texts)}页" in text.replace(" ", "")
        if "逐户走访" in text:  # a page of the task list carries its header
            assert "整改措施" in text and "整改时限" in text, f"page {n}: the task list's header is not repeated"
    assert "编制单位（盖章）" in texts[-1]


def test_a_bad_date_or_number_keeps_the_defaults(client, rectification_data, personas):
    d = rectification_data[XINPU]
    url = f"/rectification/inspections/{d['inspection'].pk}/print/"
    for params in ({"date": "2026-13-45"}, {"number": "号" * 500}, {"date": "'; drop table", "authority": "<b>x</b>"}):
        resp = _get(client, personas["xinpu"], url, **params)
        html = resp.content.decode()
        assert resp.status_code == 200 and "整改“三张清单”" in html
        assert "<b>x</b>" not in html and "号" * 500 not in html.split('id="document"')[1]
