"""The supervision pages: board, contract list and page, warning page, town page, map GeoJSON coloured
by warnings — each scoped (a 新浦镇 officer sees nothing of 桥头镇 and gets 404 on its pages), the
county administrator's refresh and actions by POST, bad form input shown bilingually with nothing
written."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.supervision.models import Contract, Warning

pytestmark = pytest.mark.django_db


def _body(resp) -> str:
    return (b"".join(resp.streaming_content) if resp.streaming else resp.content).decode()


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_board_shows_kpis_filters_and_only_the_officers_town(client, supervision_data, personas):
    client.force_login(personas["xinpu"])
    html = _body(client.get(reverse("warning_board")))
    mine, other = supervision_data[XINPU], supervision_data[QIAOTOU]
    assert mine["contract"].number in html and other["contract"].number not in html
    assert other["owner"].name not in html and "重新计算预警" not in html  # officers do not refresh
    for query in (f"?town={QIAOTOU}", f"?park={other['park'].pk}", f"?q={other['contract'].number}"):
        rows = client.get(reverse("warning_board") + query).context["rows"]
        assert {r["town_code"] for r in rows} <= {XINPU}, query
    rows = client.get(reverse("warning_board")).context["rows"]
    assert {r["town_code"] for r in rows} == {XINPU}
    csv = _body(client.get(reverse("warning_board") + "?export=csv"))
    assert mine["contract"].number in csv and other["contract"].number not in csv


def test_officer_gets_404_on_the_other_towns_pages(client, supervision_data, personas):
    client.force_login(personas["xinpu"])
    other = supervision_data[QIAOTOU]
    for url in (
        reverse("contract_detail", args=[other["contract"].pk]),
        reverse("warning_detail", args=[other["warning"].pk]),
        reverse("town_detail", args=[other["town"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    mine = supervision_data[XINPU]
    for url in (
        reverse("contract_detail", args=[mine["contract"].pk]),
        reverse("warning_detail", args=[mine["warning"].pk]),
        reverse("town_detail", args=[mine["town"].pk]),
    ):
        assert client.get(url).status_code == 200, url
    html = _body(client.get(reverse("contract_list")))
    assert mine["contract"].number in html and other["contract"].number not in html


def test_map_geojson_is_scoped_and_coloured_by_warnings(client, supervision_data, personas):
    client.force_login(personas["xinpu"])
    data = json.loads(_body(client.get(reverse("parcel_geojson"))))
    numbers = {f["properties"]["number"]: f["properties"]["warning"] for f in data["features"]}
    assert set(numbers) == {p.number for p in supervision_data[XINPU]["parcels"]}
    contract_parcel = supervision_data[XINPU]["parcels"][1].number
    owner_parcel = supervision_data[XINPU]["parcels"][0].number
    assert numbers[contract_parcel] == "red"  # idle two years
    assert numbers[owner_parcel] == "red"  # the owner's tax per mu is under 80 % of the park minimum
    client.force_login(personas["admin"])
    data = json.loads(_body(client.get(reverse("parcel_geojson"))))
    assert len(data["features"]) == 4
    html = _body(client.get(reverse("parcel_map") + "?colour=warning"))
    assert "按预警着色" in html and 'class="on" data-colour-by="warning"' in html
    # the stages above add their own colourings by registering (exits: vacating cases, renewal: projects)
    assert 'data-colour-by="exits">按腾退着色' in html and 'data-colour-by="renewal">按改造着色' in html


def test_contract_page_has_timeline_commitments_and_warnings(client, supervision_data, personas):
    client.force_login(personas["leader"])
    c = supervision_data[XINPU]["contract"]
    html = _body(client.get(reverse("contract_detail", args=[c.pk])))
    assert '<div class="timeline"><svg role="img" aria-label="约定日期与实际日期对照"' in html  # kit.charts
    assert "基准日 2026-11-29" in html and "<title>约定交地 2024-02-01</title>" in html
    assert "2026-12-31" in html and "原约定 2026-06-30" in html  # the extended completion and the original date
    assert "亩均税收" in html and "待考核" in html
    assert "闲置满两年（可无偿收回）" in html and "96.00万元" in html
    assert "编辑合同" not in html  # the leader reads only


def test_admin_refreshes_from_the_board_and_others_cannot(client, supervision_data, personas, run_tasks):
    client.force_login(personas["leader"])
    assert client.post(reverse("warning_board"), {"as_of": "2026-11-30"}).status_code == 404
    client.force_login(personas["admin"])
    html = _body(client.get(reverse("warning_board")))
    assert "重新计算预警" in html
    resp = client.post(reverse("warning_board"), {"as_of": "2026-11-30"}, follow=True)
    html = _body(resp)
    assert "已开始按 2026-11-30 重新计算预警" in html and "正在按 2026-11-30 重新计算预警（排队中）" in html
    assert '<meta http-equiv="refresh"' in html  # the board refreshes itself until the run is done
    assert run_tasks() == 1
    html = _body(client.get(reverse("warning_board")))
    assert "已按 2026-11-30 重新计算" in html and '<meta http-equiv="refresh"' not in html
    assert set(Warning.objects.values_list("checked_on", flat=True)) == {__import__("datetime").date(2026, 11, 30)}
    resp = client.post(reverse("warning_board"), {"as_of": "30/11/2026"}, follow=True)
    assert "不是日期" in _body(resp)


def test_warning_actions_by_post(client, supervision_data, personas):
    w = supervision_data[XINPU]["warning"]
    url = reverse("warning_detail", args=[w.pk])
    client.force_login(personas["leader"])
    assert client.post(url, {"action": "verify", "answer": "confirm"}).status_code == 404
    client.force_login(personas["xinpu"])
    assert client.post(url, {"action": "accept"}).status_code == 404  # the county's step: not the town's
    client.post(url, {"action": "verify", "answer": "confirm", "reason": "现场核实属实"})
    resp = client.post(url, {"action": "handle", "measures": "", "assignee": personas["xinpu"].pk, "due": "2027-06-30"})
    assert resp.status_code == 200 and "请填写处置措施" in _body(resp)  # refused, shown on the page
    w.refresh_from_db()
    assert w.status == "confirmed"
    client.force_login(personas["admin"])
    resp = client.post(url, {"action": "close", "reason": ""})
    assert resp.status_code == 200 and "仍在触发" in _body(resp)
    html = _body(client.get(url))
    assert "核实属实" in html and "自动复核" in html and "completion.overdue" not in html


def test_bad_contract_form_is_refused_in_the_users_language_and_writes_nothing(client, supervision_data, personas):
    client.force_login(personas["admin"])
    d = supervision_data[XINPU]
    before = (Contract.objects.count(), AuditEntry.objects.count())
    resp = client.post(
        reverse("contract_create"),
        {
            "number": "HT-FORM-1",
            "kind": "grant",
            "parcels": d["parcels"][0].number,
            "holder": "",
            "holder_name": "宁波测试有限公司",
            "price_wan": "abc",
            "signed_on": "2025-05-01",
            "agreed_start": "2025-06-01",
            "agreed_completion": "2025-05-20",
        },
    )
    html = _body(resp)
    assert resp.status_code == 200 and "未保存" in html
    assert "不是数字" in html and "is not a number" not in html  # the user's language only (issue 13)
    assert "早于" in html and "is before" not in html
    assert (Contract.objects.count(), AuditEntry.objects.count()) == before
    resp = client.post(
        reverse("contract_create"),
        {
            "number": "HT-FORM-1",
            "kind": "grant",
            "parcels": d["parcels"][0].number,
            "holder_name": "宁波测试有限公司",
            "price_wan": "120",
            "signed_on": "2025-05-01",
            "agreed_start": "2025-09-01",
            "developed_area_share": "",
            "investment_share": "",
        },
    )
    c = Contract.objects.get(number="HT-FORM-1")
    assert resp.status_code == 302 and resp["Location"] == reverse("contract_detail", args=[c.pk])
    assert Warning.objects.filter(subject_type="contract", subject_id=c.pk).exists()  # refreshed on save


def test_town_page_and_english(client, supervision_data, personas):
    client.force_login(personas["admin"])
    town = supervision_data[XINPU]["town"]
    html = _body(client.get(reverse("town_detail", args=[town.pk])))
    assert "新浦镇" in html and supervision_data[XINPU]["contract"].number in html
    assert supervision_data[QIAOTOU]["contract"].number not in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = _body(client.get(reverse("warning_board")))
    assert "Warnings board" in html and "Red" in html
    html = _body(client.get(reverse("contract_detail", args=[supervision_data[XINPU]["contract"].pk])))
    assert "may be taken back without compensation" in html


@pytest.mark.parametrize("nxt", ["https://evil.example/phish", "//evil.example/", "/\\evil.example/"])
def test_an_off_site_next_on_the_warning_actions_is_refused(client, supervision_data, personas, nxt):
    """Acting on a warning and refreshing the board go back to the posted ``next`` only when it is on this site
    (accounts.redirects.safe_next); elsewhere they stay on the warning's page or the board."""
    w = supervision_data[XINPU]["warning"]
    url = reverse("warning_detail", args=[w.pk])
    client.force_login(personas["admin"])
    resp = client.post(url, {"action": "verify", "answer": "confirm", "next": nxt})
    assert resp.status_code == 302 and resp["Location"] == url
    resp = client.post(reverse("warning_board"), {"as_of": "2026-11-30", "next": nxt})
    assert resp.status_code == 302 and resp["Location"] == reverse("warning_board")
    board = reverse("warning_board") + "?colour=red"
    resp = client.post(
        url,
        {"action": "handle", "measures": "约谈", "assignee": personas["xinpu"].pk, "due": "2027-06-30", "next": board},
    )
    assert resp.status_code == 302 and resp["Location"] == board  # a next on this site is followed
