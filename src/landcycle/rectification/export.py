"""The official ledger (整改任务台账) and a round's report (对账报告) as .xlsx: a title row, Chinese headers
(frozen, filterable, repeated on every printed page), column widths, dates as dates (yyyy-mm-dd),
numbers as numbers, A4 landscape one page wide; red, yellow and green fills only for the warning colours."""

from __future__ import annotations

import datetime as dt
import io

from landcycle.kit.listing import file_response
from landcycle.kit.sheets import workbook, write_cell

WARN_FILL = {"red": ("#FFC7CE", "#9C0006"), "yellow": ("#FFEB9C", "#9C5700"), "green": ("#C6EFCE", "#006100")}
COLOUR_ZH = {"red": "红", "yellow": "黄", "green": "绿"}


class Sheet:
    """A worksheet with a title row, a note row, one header row (frozen) and typed cells."""

    def __init__(self, wb, name: str, title: str, note: str, columns: list[tuple[str, int]]):
        self.wb, self.ws = wb, wb.add_worksheet(name[:31])
        self.f_title = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        self.f_note = wb.add_format({"font_color": "#555555"})
        self.f_head = wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.f_text = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        self.f_num = wb.add_format({"border": 1, "valign": "top", "num_format": "0"})
        self.f_date = wb.add_format({"border": 1, "valign": "top", "align": "left", "num_format": "yyyy-mm-dd"})
        self.f_warn = {
            c: wb.add_format(
                {"border": 1, "valign": "top", "align": "center", "bold": True, "bg_color": bg, "font_color": fg}
            )
            for c, (bg, fg) in WARN_FILL.items()
        }
        last = len(columns) - 1
        self.ws.merge_range(0, 0, 0, last, title, self.f_title)
        self.ws.set_row(0, 26)
        self.ws.merge_range(1, 0, 1, last, note, self.f_note)
        for c, (head, width) in enumerate(columns):
            self.ws.write_string(2, c, head, self.f_head)
            self.ws.set_column(c, c, width)
        self.ws.set_row(2, 30)
        self.ws.freeze_panes(3, 0)
        self.ws.autofilter(2, 0, 2, last)
        # printed as the county files it: A4 landscape, one page wide, the header on every page
        self.ws.set_paper(9)
        self.ws.set_landscape()
        self.ws.fit_to_pages(1, 0)
        self.ws.repeat_rows(2)
        self.ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        self.ws.set_footer("&C第 &P 页，共 &N 页")
        self.row = 3

    def add(self, values: list, colours: dict[int, str] | None = None) -> None:
        """One row; ``colours``: column -> warning colour, written as 红/黄/绿 on its fill."""
        colours = colours or {}
        for c, v in enumerate(values):
            if colours.get(c) in self.f_warn:
                self.ws.write_string(self.row, c, COLOUR_ZH[colours[c]], self.f_warn[colours[c]])
            elif isinstance(v, dt.date):
                self.ws.write_datetime(self.row, c, dt.datetime.combine(v, dt.time()), self.f_date)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                self.ws.write_number(self.row, c, v, self.f_num)
            else:
                write_cell(self.ws, self.row, c, "" if v is None else str(v), self.f_text)
        self.row += 1


def _workbook():
    buf = io.BytesIO()
    return buf, workbook(buf, default_date_format="yyyy-mm-dd")


LEDGER_COLUMNS = [
    ("序号", 6),
    ("检查", 22),
    ("问题", 30),
    ("任务编号", 9),
    ("整改任务", 28),
    ("整改措施", 40),
    ("责任单位", 14),
    ("责任人", 9),
    ("交办日期", 12),
    ("整改时限", 12),
    ("完成进度（%）", 9),
    ("状态", 9),
    ("预警颜色", 8),
    ("预警原因", 36),
    ("最近报送", 12),
    ("销号日期", 12),
    ("关联园区、地块、企业、合同", 30),
]
LEDGER_COLOUR_COL = 12


def linked_text(t) -> str:
    """园区：…；地块：…；企业：…；合同：… (the task's links, prefetched or not)."""
    parts = [
        ("园区", [p.name for p in t.parks.all()]),
        ("地块", [p.number for p in t.parcels.all()]),
        ("企业", [e.name for e in t.enterprises.all()]),
        ("合同", [c.number for c in t.contracts.all()]),
    ]
    return "；".join(f"{label}：{'、'.join(names)}" for label, names in parts if names)


def ledger_values(i: int, t, en: bool = False) -> list:
    """One task's row; dates as dates (the CSV writes them as 2026-11-29)."""
    f = t.finding
    return [
        i,
        f.inspection.title,
        f"问题{f.number}：{f.summary}",
        t.number,
        t.title,
        t.measures,
        t.unit,
        t.person,
        t.assigned_on,
        t.deadline,
        t.percent_done,
        t.get_status_display(),
        COLOUR_ZH.get(t.tc.colour, "") if t.is_open else "",
        (t.tc.en if en else t.tc.zh) if t.is_open else "",
        t.last_report_on,
        t.closed_on,
        linked_text(t),
    ]


def _text(v):
    return v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)


def ledger_rows(tasks, en: bool = False) -> tuple[list[str], list[list]]:
    return [h for h, _w in LEDGER_COLUMNS], [
        [_text(v) for v in ledger_values(i, t, en)] for i, t in enumerate(tasks, 1)
    ]


def _county_name(user) -> str:
    region = getattr(user, "region", None)
    return region.name if region is not None else ""


def ledger_xlsx(tasks, as_of, county_name: str = "") -> tuple[str, bytes]:
    """(title, workbook bytes) of the official ledger of ``tasks`` (each with ``.tc``, its colour)."""
    buf, wb = _workbook()
    title = f"{county_name}巡视巡察整改任务台账"
    s = Sheet(
        wb,
        "整改台账",
        title,
        f"截至{as_of.isoformat()} · 共{len(tasks)}项 · 预警颜色：红＝逾期或连续未报送，"
        f"黄＝临近时限或被质询，绿＝按期推进（已销号任务不标颜色）",
        LEDGER_COLUMNS,
    )
    for i, t in enumerate(tasks, 1):
        s.add(ledger_values(i, t), colours={LEDGER_COLOUR_COL: t.tc.colour if t.is_open else ""})
    wb.close()
    return title, buf.getvalue()


def ledger_workbook(tasks, as_of, user):
    title, data = ledger_xlsx(tasks, as_of, _county_name(user))
    return file_response(data, title, "xlsx")


ROUND_COLUMNS = [
    ("序号", 6),
    ("任务编号", 9),
    ("问题", 28),
    ("整改任务", 28),
    ("责任单位", 14),
    ("整改时限", 12),
    ("期初进度（%）", 9),
    ("期初颜色", 8),
    ("报送日期", 12),
    ("报送进度（%）", 9),
    ("进展情况", 40),
    ("佐证材料（份）", 9),
    ("审核结果", 9),
    ("审核意见", 30),
    ("未报送", 8),
    ("期末颜色", 8),
]
UNIT_COLUMNS = [("责任单位", 20), ("对账事项", 10), ("已报送", 10), ("已确认", 10), ("被质询", 10), ("未报送", 10)]


def round_xlsx(rnd, items, units) -> tuple[str, bytes]:
    """(title, workbook bytes) of a round's report: its items against their snapshots, and who submitted."""
    buf, wb = _workbook()
    title = f"{rnd.county.name}整改任务对账报告 {rnd.label_zh}"
    state = "已结束" if not rnd.is_open else "对账中"
    note = (
        f"周期 {rnd.period_start.isoformat()} 至 {rnd.period_end.isoformat()} · 报送截止 {rnd.due_on.isoformat()} · "
        f"{state} · 共{len(items)}项 · 期初颜色为开启时的快照，期末颜色为结束时冻结的结果"
    )
    s = Sheet(wb, "对账事项", title, note, ROUND_COLUMNS)
    for n, i in enumerate(items, 1):
        snap = i.snapshot
        evidence = len(i.report.evidence.all()) if i.report_id else 0
        final = i.final or {}
        s.add(
            [
                n,
                snap["number"],
                snap["finding"],
                snap["title"],
                snap["unit"],
                dt.date.fromisoformat(snap["deadline"]),
                snap["percent_done"],
                "",
                i.submitted_on,
                i.percent_reported if i.percent_reported is not None else "",
                i.update_text,
                evidence,
                i.get_decision_display() if i.submitted or i.decision != "pending" else "",
                i.review_note,
                "是" if (i.flagged or (not rnd.is_open and not i.submitted)) else "",
                "" if rnd.is_open else "—",
            ],
            colours={7: snap.get("colour", ""), 15: final.get("colour", "")},
        )
    u = Sheet(wb, "报送情况", title, note, UNIT_COLUMNS)
    for row in units:
        u.add([row["label"], row["items"], row["submitted"], row["confirmed"], row["challenged"], row["missing"]])
    wb.close()
    return title, buf.getvalue()


def round_workbook(rnd, items, units):
    title, data = round_xlsx(rnd, items, units)
    return file_response(data, title, "xlsx")
