"""The two .xlsx exports read back with openpyxl as a clerk would open them: a title, Chinese headers, widths
that fit, dates that are dates (sortable, shown 2026-11-29), percentages that are numbers, the warning
colours as fills, the linked objects, and a sheet that prints on A4 landscape with its header repeated."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from conftest import QIAOTOU, XINPU
from landcycle.rectification.services.edit import task_links_update
from landcycle.rectification.services.rounds import round_close, round_item_review

pytestmark = pytest.mark.django_db
D = dt.date


def _book(resp):
    data = b"".join(resp.streaming_content) if resp.streaming else resp.content
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws):
    header = [c.value for c in ws[3]]
    return header, [{h: c for h, c in zip(header, row, strict=False)} for row in ws.iter_rows(min_row=4)]


def test_the_ledger_reads_as_a_clerk_would(client, supervision_data, rectification_data, personas):
    d = rectification_data[XINPU]
    task_links_update(
        actor=personas["xinpu"],
        task=d["task"],
        version=d["task"].version,
        parks=[d["park"]],
        parcels=[d["parcels"][0]],
        enterprises=[d["owner"]],
        contracts=[d["contract"]],
    )
    client.force_login(personas["supervisor"])
    ws = _book(client.get(reverse("rectification_ledger") + "?export=xlsx")).worksheets[0]
    assert ws["A1"].value.endswith("巡视巡察整改任务台账") and ws["A2"].value.startswith("截至")
    header, rows = _rows(ws)
    assert header == [
        "序号",
        "检查",
        "问题",
        "任务编号",
        "整改任务",
        "整改措施",
        "责任单位",
        "责任人",
        "交办日期",
        "整改时限",
        "完成进度（%）",
        "状态",
        "预警颜色",
        "预警原因",
        "最近报送",
        "销号日期",
        "关联园区、地块、企业、合同",
    ]
    row = next(r for r in rows if r["整改任务"].value == d["task"].title)
    for name, day in (("交办日期", D(2026, 9, 15)), ("整改时限", D(2026, 12, 31)), ("最近报送", D(2026, 11, 20))):
        cell = row[name]
        assert cell.is_date and cell.value.date() == day and cell.number_format == "yyyy-mm-dd", name
    assert row["销号日期"].value in (None, "")
    assert row["完成进度（%）"].value == 75 and isinstance(row["序号"].value, int)
    assert row["责任单位"].value == "新浦镇" and row["状态"].value == "整改中"
    assert row["预警颜色"].value == "绿" and row["预警颜色"].fill.fgColor.rgb == "FFC6EFCE"
    linked = row["关联园区、地块、企业、合同"].value
    assert f"园区：{d['park'].name}" in linked and d["parcels"][0].number in linked and d["contract"].number in linked
    widths = {h: ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i, h in enumerate(header, 1)}
    assert widths["整改措施"] >= 40 and widths["整改时限"] >= 11 and widths["序号"] <= 8
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$3:$3" and ws.sheet_properties.pageSetUpPr.fitToPage
    # the CSV of the same ledger writes dates as text 2026-09-15
    csv = b"".join(client.get(reverse("rectification_ledger") + "?export=csv").streaming_content).decode("utf-8-sig")
    assert "2026-09-15" in csv and "2026-09-15 00:00" not in csv


def test_a_closed_rounds_report_reads_as_a_clerk_would(client, rectification_data, personas):
    sup, d, q = personas["supervisor"], rectification_data[XINPU], rectification_data[QIAOTOU]
    round_item_review(actor=sup, item=d["round_item"], decision="confirmed")
    round_item_review(actor=sup, item=q["round_item"], decision="challenged", note="佐证材料不全")
    round_close(actor=sup, round=d["round"], on=D(2026, 11, 30))
    client.force_login(personas["leader"])
    wb = _book(client.get(reverse("round_export", args=[d["round"].pk])))
    ws = wb["对账事项"]
    assert "对账报告" in ws["A1"].value and "2026年11月下半月" in ws["A1"].value and "已结束" in ws["A2"].value
    header, rows = _rows(ws)
    assert header[-2:] == ["未报送", "期末颜色"] and "期初颜色" in header
    by_unit = {r["责任单位"].value: r for r in rows}
    assert set(by_unit) == {"新浦镇", "桥头镇"}
    x, c = by_unit["新浦镇"], by_unit["桥头镇"]
    assert x["整改时限"].is_date and x["整改时限"].value.date() == D(2026, 12, 31)
    assert x["报送日期"].is_date and x["报送日期"].value.date() == D(2026, 11, 20)
    assert x["报送进度（%）"].value == 75 and x["佐证材料（份）"].value == 1 and x["审核结果"].value == "已确认"
    # opened with nothing reported at 58 % of the time to the deadline (red, behind plan), closed on track
    assert (x["期初颜色"].value, x["期末颜色"].value) == ("红", "绿")
    assert c["审核结果"].value == "质询" and c["审核意见"].value == "佐证材料不全"
    assert c["期末颜色"].value == "黄" and c["期末颜色"].fill.fgColor.rgb == "FFFFEB9C"  # challenged
    units = wb["报送情况"]
    assert [c.value for c in units[4]][:3] in (["桥头镇", 1, 1], ["新浦镇", 1, 1])
    assert units.page_setup.orientation == "landscape"


def test_the_command_line_exports_the_same_workbooks(rectification_data, tmp_path, capsys):
    from django.core.management import call_command

    out = tmp_path / "台账.xlsx"
    call_command("rectification", "export", "--out", str(out), "--as-of", "2026-11-29")
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws["A1"].value == "慈溪市巡视巡察整改任务台账" and ws.max_row == 5 and ws["J4"].is_date
    report = tmp_path / "对账.xlsx"
    call_command("rectification", "export", "--out", str(report), "--round", str(rectification_data[XINPU]["round"].pk))
    assert openpyxl.load_workbook(report)["对账事项"].max_row == 5
    call_command("rectification", "summary", "--as-of", "2026-11-29")
    assert "累计开展监督检查2次，监督发现问题2个，提出意见建议2条" in capsys.readouterr().out
