"""The rectification pages: the ledger by inspection and by town (colours, filters, a check recorded from the
page), the county summary generated from the data, the round page, and the two .xlsx exports (Chinese
headers, widths, a frozen header, red/yellow/green fills only on the warning colour)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from conftest import COUNTY, QIAOTOU, XINPU
from landcycle.rectification.models import Inspection
from landcycle.rectification.services.ledger import inspection_create, suggestion_create, task_create
from landcycle.rectification.services.rounds import round_item_review
from landcycle.rectification.summary import county_summary

pytestmark = pytest.mark.django_db
D = dt.date


def _body(resp) -> bytes:
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


def _overdue_task(rectification_data, personas):
    """A 桥头镇 task past its deadline (red)."""
    d = rectification_data[QIAOTOU]
    return task_create(
        actor=personas["supervisor"],
        finding=d["finding"],
        town=d["town"],
        title="盘活存量工业用地",
        measures="收回低效用地",
        deadline=D(2026, 10, 30),
        assigned_on=D(2026, 9, 15),
    )


def test_ledger_by_inspection_and_by_town_with_filters(client, rectification_data, personas):
    late = _overdue_task(rectification_data, personas)
    client.force_login(personas["leader"])
    url = reverse("rectification_ledger")
    resp = client.get(url)
    html = resp.content.decode()
    assert resp.status_code == 200 and "新浦镇老旧工业区块改造提升监督检查" in html and 'class="group"' in html
    rows = resp.context["page_obj"].object_list
    assert {t.title for t in rows} == {"新浦镇低效企业腾退", "桥头镇低效企业腾退", "盘活存量工业用地"}
    assert next(t for t in rows if t.pk == late.pk).tc.colour == "red"
    by_town = client.get(url + "?view=town").content.decode()
    assert by_town.index("桥头镇低效企业腾退") < by_town.index("新浦镇低效企业腾退")  # 330282109 before 330282112
    red = client.get(url + "?colour=red").context["page_obj"].object_list
    assert [t.pk for t in red] == [late.pk]
    overdue = client.get(url + "?status=overdue").context["page_obj"].object_list
    assert [t.pk for t in overdue] == [late.pk]
    town = client.get(url + f"?town={XINPU}").context["page_obj"].object_list
    assert [t.town.code for t in town] == [XINPU]
    found = client.get(url + "?q=盘活").context["page_obj"].object_list
    assert [t.pk for t in found] == [late.pk]
    csv = _body(client.get(url + "?export=csv")).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("序号,检查,问题,任务编号") and "盘活存量工业用地" in csv


def test_a_check_is_recorded_from_the_ledger_page(client, rectification_data, personas):
    client.force_login(personas["supervisor"])
    page = client.get(reverse("rectification_ledger")).content.decode()
    assert "记录一次监督检查" in page and f'action="{reverse("check_create")}"' in page
    before = Inspection.objects.filter(kind="check").count()
    resp = client.post(
        reverse("check_create"),
        {
            "held_on": "2026-11-27",
            "region": rectification_data[XINPU]["town"].pk,
            "body": "慈溪市纪委市监委",
            "title": "",
            "next": reverse("rectification_ledger") + "?view=town",
        },
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("rectification_ledger") + "?view=town"
    check = Inspection.objects.filter(kind="check").latest("pk")
    assert Inspection.objects.filter(kind="check").count() == before + 1
    assert (check.title, check.started_on, check.recorded_by) == ("监督检查", D(2026, 11, 27), personas["supervisor"])
    resp = client.post(reverse("check_create"), {"held_on": "2026-13-01", "body": "", "next": "https://evil.example/"})
    assert resp.status_code == 200 and Inspection.objects.filter(kind="check").count() == before + 1
    client.force_login(personas["leader"])
    assert "记录一次监督检查" not in client.get(reverse("rectification_ledger")).content.decode()


def test_the_summary_is_generated_from_the_data(client, rectification_data, personas):
    _overdue_task(rectification_data, personas)
    suggestion_create(
        actor=personas["supervisor"],
        inspection=rectification_data[QIAOTOU]["inspection"],
        text="建立园区企业台账",
        made_on=D(2026, 9, 10),
    )
    s = county_summary(personas["leader"], D(2026, 11, 29))
    assert s["sentence_zh"].startswith("累计开展监督检查2次，监督发现问题2个，提出意见建议3条。交办整改任务3项")
    assert "逾期1项" in s["sentence_zh"] and s["sentence_en"].startswith("2 supervision checks held, 2 problems found")
    rows = {r["label"]: r for r in s["rows"]}
    assert (rows["桥头镇"]["tasks"], rows["桥头镇"]["overdue"], rows["桥头镇"]["red"]) == (2, 1, 1)
    client.force_login(personas["xinpu"])  # a town officer: their own town's tasks
    html = client.get(reverse("rectification_summary")).content.decode()
    assert "累计开展监督检查1次，监督发现问题1个，提出意见建议1条。交办整改任务1项" in html and "桥头镇" not in html
    english = "1 supervision check held, 1 problem found and 1 suggestion made. 1 rectification task assigned"
    assert english not in html  # the reader's language only (issue 13)
    client.cookies["django_language"] = "en"
    assert english in client.get(reverse("rectification_summary")).content.decode()


def test_the_round_page_shows_who_submitted_and_what_was_challenged(client, rectification_data, personas):
    d, q = rectification_data[XINPU], rectification_data[QIAOTOU]
    round_item_review(actor=personas["supervisor"], item=q["round_item"], decision="challenged", note="佐证材料不全")
    client.force_login(personas["supervisor"])
    resp = client.get(reverse("round_detail", args=[d["round"].pk]))
    html = resp.content.decode()
    assert [u["label"] for u in resp.context["units"]] == ["桥头镇", "新浦镇"]
    assert all(u["submitted"] == 1 for u in resp.context["units"])
    assert 'data-state="challenged"' in html and "佐证材料不全" in html and 'data-state="pending"' in html
    assert "结束本轮对账" in html and reverse("round_item_review", args=[d["round_item"].pk]) in html
    client.force_login(personas["xinpu"])
    html = client.get(reverse("round_detail", args=[d["round"].pk])).content.decode()
    assert reverse("round_item_submit", args=[d["round_item"].pk]) in html and "结束本轮对账" not in html


def _sheet(resp):
    wb = openpyxl.load_workbook(io.BytesIO(_body(resp)))
    return wb, wb.worksheets[0]


def test_the_official_ledger_as_xlsx(client, rectification_data, personas):
    late = _overdue_task(rectification_data, personas)
    client.force_login(personas["supervisor"])
    resp = client.get(reverse("rectification_ledger") + "?export=xlsx")
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb, ws = _sheet(resp)
    assert ws.title == "整改台账" and "巡视巡察整改任务台账" in ws["A1"].value
    header = [c.value for c in ws[3]]
    assert header[:6] == ["序号", "检查", "问题", "任务编号", "整改任务", "整改措施"] and "预警颜色" in header
    assert ws.freeze_panes == "A4" and ws.column_dimensions["F"].width > 30
    colour_col = header.index("预警颜色") + 1
    fills = {}
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            rgb = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
            if rgb:
                fills.setdefault(cell.column, set()).add((cell.value, rgb))
    assert set(fills) == {colour_col}  # only the warning colour column is filled
    assert ("红", "FFFFC7CE") in fills[colour_col] and ("绿", "FFC6EFCE") in fills[colour_col]
    titles = [ws.cell(row=r, column=5).value for r in range(4, ws.max_row + 1)]
    assert late.title in titles


def test_a_rounds_report_as_xlsx(client, rectification_data, personas):
    d = rectification_data[XINPU]
    client.force_login(personas["leader"])
    resp = client.get(reverse("round_export", args=[d["round"].pk]))
    wb, ws = _sheet(resp)
    assert [s.title for s in wb.worksheets] == ["对账事项", "报送情况"]
    header = [c.value for c in ws[3]]
    assert header[:4] == ["序号", "任务编号", "问题", "整改任务"] and "审核结果" in header and ws.freeze_panes == "A4"
    assert ws.max_row == 5 and {ws.cell(row=r, column=10).value for r in (4, 5)} == {75}
    units = wb.worksheets[1]
    assert [c.value for c in units[3]] == ["责任单位", "对账事项", "已报送", "已确认", "被质询", "未报送"]
    client.force_login(personas["xinpu"])  # a town officer's report holds their items only
    wb, ws = _sheet(client.get(reverse("round_export", args=[d["round"].pk])))
    assert ws.max_row == 4 and ws.cell(row=4, column=5).value == "新浦镇"


def test_inspection_page_lists_findings_tasks_and_suggestions(client, rectification_data, personas, regions):
    d = rectification_data[XINPU]
    client.force_login(personas["supervisor"])
    html = client.get(reverse("inspection_detail", args=[d["inspection"].pk])).content.decode()
    assert "问题1：新浦镇低效企业腾退迟缓" in html and "引入司法调解推动腾退" in html and "新浦镇低效企业腾退" in html
    assert reverse("task_create", args=[d["finding"].pk]) in html
    listing = client.get(reverse("inspection_list") + "?kind=check")
    assert listing.context["page_obj"].paginator.count == 2
    county_wide = inspection_create(
        actor=personas["supervisor"],
        kind="revisit",
        title="回头看",
        body="省委巡视组",
        started_on=D(2026, 2, 24),
        regions=[regions[COUNTY]],
    )
    client.force_login(personas["xinpu"])  # a county-wide inspection concerns every town of the county
    assert client.get(reverse("inspection_detail", args=[county_wide.pk])).status_code == 200
    assert (
        client.get(reverse("inspection_detail", args=[rectification_data[QIAOTOU]["inspection"].pk])).status_code == 404
    )


def test_pages_in_english(client, rectification_data, personas):
    client.force_login(personas["supervisor"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("rectification_ledger")).content.decode()
    assert "Rectification ledger" in html and "Supervision check" in html and "By inspection" in html
    html = client.get(reverse("rectification_summary")).content.decode()
    assert "2 supervision checks held" in html


def test_the_view_tabs_link_to_their_view_keeping_the_filters(client, rectification_data, personas):
    """The 按检查 / 按镇街 tabs: one "?" each (Django's querystring tag writes its own), the filters kept, the page
    dropped; following the 按镇街 link shows the ledger by town."""
    client.force_login(personas["leader"])
    url = reverse("rectification_ledger")
    html = client.get(url + f"?town={XINPU}&page=1").content.decode()
    assert "??" not in html
    assert f'href="?town={XINPU}&amp;view=town"' in html
    by_town = client.get(url + f"?town={XINPU}&view=town")
    assert by_town.context["by_town"] is True
    tabs = by_town.content.decode()
    assert f'href="?town={XINPU}" class=""' in tabs  # back to 按检查, the town filter kept
