"""The supervision result as a workbook a clerk can read: 监管结果 (one row per contract, the colour cell
coloured), 预警明细 (one row per rule that fired), 问题 (rows not supervised), 说明 (date, policy, counts).
Chinese headers, set widths, frozen header, filters."""

from __future__ import annotations

import datetime as dt
import io

from landcycle.kit.sheets import workbook, write_cell

FILL = {
    "red": ("#FFC7CE", "#9C0006", "红"),
    "yellow": ("#FFEB9C", "#9C5700", "黄"),
    "green": ("#C6EFCE", "#006100", "绿"),
    "blue": ("#DDEBF7", "#1F4E78", "提醒"),
    "grey": ("#E7E6E6", "#3A3838", "未能判定"),
}

RESULT_COLUMNS = [  # (header, key, width, kind)
    ("行号", "row", 7, "int"),
    ("合同编号", "number", 16, "text"),
    ("土地使用权人", "holder", 30, "text"),
    ("项目名称", "project", 26, "text"),
    ("宗地坐落", "location", 30, "text"),
    ("土地用途", "land_use", 12, "text"),
    ("合同类型", "kind_zh", 9, "text"),
    ("成交价格（万元）", "price_wan", 13, "money"),
    ("面积（平方米）", "area_m2", 13, "money"),
    ("约定开工日期", "agreed_start", 12, "date"),
    ("实际开工日期", "actual_start", 12, "date"),
    ("约定竣工日期", "agreed_completion", 12, "date"),
    ("实际竣工日期", "actual_completion", 12, "date"),
    ("预警颜色", "colour", 9, "colour"),
    ("逾期天数", "days_overdue", 9, "int"),
    ("闲置土地", "idle", 9, "bool"),
    ("闲置费（万元）", "idle_fee_wan", 13, "money"),
    ("可无偿收回", "take_back", 10, "bool"),
    ("政府原因免责", "exempt", 11, "bool"),
    ("预警原因", "reasons_zh", 70, "wrap"),
    ("Reasons (English)", "reasons_en", 70, "wrap"),
]
FINDING_COLUMNS = [
    ("行号", 7),
    ("土地使用权人", 30),
    ("规则", 20),
    ("颜色", 7),
    ("预警原因", 70),
    ("Reason (English)", 70),
    ("逾期天数", 9),
    ("闲置费（万元）", 13),
    ("可无偿收回", 10),
    ("政府原因免责", 11),
]
PROBLEM_COLUMNS = [("工作表", 14), ("行号", 7), ("列", 22), ("值", 16), ("规则", 30), ("问题说明", 60), ("Message", 60)]


def _date(v):
    return dt.date.fromisoformat(v) if v else None


def _result_cell(ws, r: int, c: int, v, kind: str, fmt: dict, colour: dict) -> None:
    if kind == "colour":
        ws.write_string(r, c, FILL[v][2], colour[v])
    elif kind == "money":
        ws.write_number(r, c, float(v), fmt["money"]) if v not in (None, "") else ws.write_blank(
            r, c, None, fmt["money"]
        )
    elif kind == "date":
        ws.write_datetime(r, c, _date(v), fmt["date"]) if v else ws.write_blank(r, c, None, fmt["date"])
    elif kind == "bool":
        ws.write_string(r, c, "是" if v else "", fmt["bool"])
    elif kind == "int":
        ws.write_number(r, c, v, fmt["int"]) if v is not None else ws.write_blank(r, c, None, fmt["int"])
    else:
        write_cell(ws, r, c, "" if v is None else str(v), fmt[kind])


def _results_sheet(wb, d: dict, head, fmt: dict, colour: dict) -> None:
    ws = wb.add_worksheet("监管结果")
    for c, (title, _k, width, _kind) in enumerate(RESULT_COLUMNS):
        ws.write_string(0, c, title, head)
        ws.set_column(c, c, width)
    for r, x in enumerate(d["contracts"], start=1):
        x = {
            **x,
            "reasons_zh": "\n".join(f"[{f['rule']}] {f['reason_zh']}" for f in x["findings"]),
            "reasons_en": "\n".join(f"[{f['rule']}] {f['reason_en']}" for f in x["findings"]),
        }
        for c, (_t, key, _w, kind) in enumerate(RESULT_COLUMNS):
            _result_cell(ws, r, c, x.get(key), kind, fmt, colour)
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, max(len(d["contracts"]), 1), len(RESULT_COLUMNS) - 1)


def _findings_sheet(wb, d: dict, head, fmt: dict, colour: dict) -> None:
    wf = wb.add_worksheet("预警明细")
    for c, (title, width) in enumerate(FINDING_COLUMNS):
        wf.write_string(0, c, title, head)
        wf.set_column(c, c, width)
    r = 0
    for x in d["contracts"]:
        for f in x["findings"]:
            r += 1
            wf.write_number(r, 0, x["row"], fmt["int"])
            write_cell(wf, r, 1, x["holder"] or "", fmt["text"])
            wf.write_string(r, 2, f["rule"], fmt["text"])
            wf.write_string(r, 3, FILL[f["colour"]][2], colour[f["colour"]])
            wf.write_string(r, 4, f["reason_zh"], fmt["wrap"])
            wf.write_string(r, 5, f["reason_en"], fmt["wrap"])
            write_cell(wf, r, 6, f["days_overdue"], fmt["int"])
            wf.write_number(r, 7, float(f["fee_wan"]), fmt["money"]) if f["fee_wan"] else wf.write_blank(r, 7, None)
            wf.write_string(r, 8, "是" if f["take_back"] else "", fmt["bool"])
            wf.write_string(r, 9, "是" if f["exempt"] else "", fmt["bool"])
    wf.freeze_panes(1, 0)
    wf.autofilter(0, 0, max(r, 1), len(FINDING_COLUMNS) - 1)


def _problems_sheet(wb, d: dict, head, fmt: dict) -> None:
    wp = wb.add_worksheet("问题")
    for c, (title, width) in enumerate(PROBLEM_COLUMNS):
        wp.write_string(0, c, title, head)
        wp.set_column(c, c, width)
    for r, p in enumerate(d["problems"], start=1):
        for c, v in enumerate(
            (p["sheet"], p["row"], p["column"], p["value"], p["rule"], p["message_zh"], p["message_en"])
        ):
            wp.write_number(r, c, v, fmt["int"]) if c == 1 else write_cell(wp, r, c, str(v or ""), fmt["wrap"])
    wp.freeze_panes(1, 0)
    wp.autofilter(0, 0, max(len(d["problems"]), 1), len(PROBLEM_COLUMNS) - 1)


def _notes_sheet(wb, d: dict, head) -> None:
    wn = wb.add_worksheet("说明")
    wn.set_column(0, 0, 22)
    wn.set_column(1, 1, 70)
    s = d["summary"]
    lines = [
        ("监管基准日", d["as_of"]),
        ("预警规则版本", f"{d['policy']['name']} {d['policy']['version']}（{d['policy']['hash']}）"),
        ("来源文件", d["source"].get("file", "")),
        ("筛选", d["selection"]),
        ("读入合同", s["rows_read"]),
        ("筛选后", s["selected"]),
        ("已监管", s["supervised"]),
        ("未监管（见“问题”）", s["not_supervised"]),
        ("红色", s["red"]),
        ("黄色", s["yellow"]),
        ("绿色", s["green"]),
        ("提醒（约定日期临近）", s["blue"]),
        ("未能判定", s["grey"]),
        ("闲置土地", s["idle"]),
        ("其中政府原因免责", s["idle_exempt"]),
        ("可无偿收回", s["take_back"]),
        ("应征闲置费（万元）", s["fees_wan"]),
        ("价款未知、闲置费无法计算", s["fee_unknown"]),
    ]
    lines += [("说明", n["zh"]) for n in d["notes"]]
    for r, (k, v) in enumerate(lines):
        wn.write_string(r, 0, k, head)
        write_cell(wn, r, 1, v)  # the source file's name is the user's text: never a formula


def report_xlsx(d: dict) -> bytes:
    """The standalone supervision report (``rules.supervision.serialise.report_dict``) as a workbook: results,
    findings, problems and notes, one sheet each."""
    buf = io.BytesIO()
    wb = workbook(buf, in_memory=True)
    wb.set_properties({"title": f"土地供后监管三色预警 {d['as_of']}", "comments": f"policy {d['policy']['version']}"})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    fmt = {
        "text": wb.add_format({"valign": "top"}),
        "int": wb.add_format({"valign": "top"}),
        "money": wb.add_format({"num_format": "#,##0.00", "valign": "top"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "bool": wb.add_format({"valign": "top", "align": "center"}),
    }
    colour = {
        k: wb.add_format(
            {"bg_color": bg, "font_color": fg, "bold": True, "align": "center", "valign": "top", "border": 1}
        )
        for k, (bg, fg, _) in FILL.items()
    }

    _results_sheet(wb, d, head, fmt, colour)
    _findings_sheet(wb, d, head, fmt, colour)
    _problems_sheet(wb, d, head, fmt)
    _notes_sheet(wb, d, head)
    wb.close()
    return buf.getvalue()
