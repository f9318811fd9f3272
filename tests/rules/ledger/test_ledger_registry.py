"""Enterprises, occupancy and parks from .xlsx: dates in every format, codes as numbers, enumerations,
code validity, required values, composite natural keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ledger_book import uscc, write_xlsx, wrong_check

from landcycle.rules.ledger import SCHEMAS, read_ledger

HEADER = ["序号", "统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "状态", "所属镇街"]
D = dt.date(2019, 11, 13)


def enterprises(tmp_path):
    rows = [
        ["慈溪市2025年企业基本信息表"],
        ["填报单位：桥头镇", None, None, None, None, "填报日期：2025-01-05"],
        HEADER,
        [1, uscc(31), "一号", 3311.0, "规上", "2019-11-13", "在营", "桥头镇"],
        [2, uscc(32), "二号", "3311", "规模以上", "2019/11/13", "存续", "330282109"],
        [3, uscc(33), "三号", "C3311", "规下", "2019.11.13", None, None],
        [4, uscc(34), "四号", 3311, "规下", "2019年11月13日", "停产", None],
        [5, uscc(35), "五号", 3311, "规下", 43782, None, None],
        [6, uscc(36), "六号", 3311, "规下", dt.datetime(2019, 11, 13, 9, 30), None, None],
        [7, uscc(37), "七号", 3311, "规下", D, None, None],
        [8, uscc(38), "八号", 3311, "规下", "20191113", None, None],
        [9, wrong_check(uscc(39)), "", "9999", "中型", "2019-13-45", "倒闭", "330282999"],
        [10, "ABC", "十号", None, None, None, None, None],
    ]
    return read_ledger(write_xlsx(tmp_path / "企业.xlsx", {"企业": rows}), "enterprises")


def test_enterprises(tmp_path):
    result = enterprises(tmp_path)
    assert result.header_row == 3 and [r["_row"] for r in result.rows] == list(range(4, 14))
    assert [r["registered_on"] for r in result.rows[:8]] == [D] * 8
    assert [r["industry_code"] for r in result.rows[:4]] == ["3311", "3311", "C3311", "3311"]
    assert [r["scale"] for r in result.rows[:3]] == ["above", "above", "below"]
    assert [r["status"] for r in result.rows[:4]] == ["operating", "operating", None, "suspended"]
    assert result.rows[1]["town"] == "330282109"
    got = [(p.row, p.column, p.rule) for p in result.problems]
    assert got == [
        (12, "统一社会信用代码", "uscc.check"),
        (12, "企业名称", "ledger.required"),
        (12, "行业代码", "industry.unknown"),
        (12, "规模", "ledger.bad_enum"),
        (12, "成立日期", "ledger.not_date"),
        (12, "状态", "ledger.bad_enum"),
        (12, "所属镇街", "division.unknown"),
        (13, "统一社会信用代码", "uscc.length"),
        (13, "行业代码", "ledger.required"),
        (13, "规模", "ledger.required"),
        (13, "成立日期", "ledger.required"),
    ]
    assert all(p.sheet == "企业" for p in result.problems)
    bad_date = result.problems[4]
    assert bad_date.value == "2019-13-45" and "2019-11-13" in bad_date.zh


def test_occupancy_composite_key(tmp_path):
    a, b = uscc(41), uscc(42)
    rows = [
        [
            "统一社会信用代码",
            "地块编号",
            "使用方式",
            "出租方统一社会信用代码",
            "使用面积（亩）",
            "起始日期",
            "终止日期",
        ],
        [a, "XP-001", "自有", None, 15, "2020-01-01", None],
        [b, "XP-001", "租赁", a, "1.5", "2021-03-01", "2026-02-28"],
        [b, "XP-001", "租赁", a, 3, "2021-03-01", "—"],
        [b, "XP-001", "租赁", wrong_check(a), 3, "2023-03-01", None],
        [b, "xp-002", "承租", None, -1, "2023-03-01", None],
    ]
    result = read_ledger(write_xlsx(tmp_path / "occ.xlsx", {"用地": rows}), "occupancy")
    assert [r["area_m2"] for r in result.rows] == [
        Decimal(10000),
        Decimal(1000),
        Decimal(2000),
        Decimal(2000),
        Decimal("-666.67"),
    ]
    assert result.rows[4]["parcel"] == "XP-002" and result.rows[4]["kind"] == "leased"
    assert result.rows[2]["end"] is None
    assert [(p.row, p.column, p.rule) for p in result.problems] == [
        (4, "统一社会信用代码", "ledger.duplicate_key"),
        (5, "出租方统一社会信用代码", "uscc.check"),
        (6, "使用面积（亩）", "ledger.negative"),
    ]
    assert "第3行" in result.problems[0].zh


def test_every_schema_has_a_key_and_unique_aliases():
    for schema in SCHEMAS.values():
        assert schema.key and all(schema.field(k) for k in schema.key)
        assert schema.required
        for spec in schema.fields:
            assert schema.lookup(spec.title)[0] is spec  # the template header reads back as its field
            assert schema.lookup(spec.name)[0] is spec


def test_ods_workbook_and_prenumbered_template_rows():
    from ledger_book import ods_bytes

    rows = [
        ["序号", "园区编号", "园区名称", "园区类型", "所属镇街"],
        [1, "YQ01", "新浦工业园区", "工业园区", 330282112],
        [2, None, None, None, None],
        [3, "YQ02", "桥头小微园", "小微园区", "桥头镇"],
        [4, None, None, None, None],
        [5, None, None, None, None],
    ]
    result = read_ledger(ods_bytes("园区", rows), "parks", filename="parks.ods")
    assert result.format == "ods" and result.sheet == "园区"
    assert [(r["_row"], r["code"], r["town"]) for r in result.rows] == [(2, "YQ01", "330282112"), (4, "YQ02", "桥头镇")]
    assert [(s.row, s.reason) for s in result.skipped] == [(3, "empty")]  # rows 5-6 trail: not reported
    assert result.problems == []
