"""CSV in UTF-8 (with or without BOM) and GB18030, detected strictly; files that are not ledgers at all."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from ledger_book import uscc, wrong_check

from landcycle.rules.ledger import LedgerUnusable, read_ledger

A, B = uscc(11), uscc(12)

CSV_TEXT = (
    "2025年度企业台账\n"
    "统一社会信用代码,企业名称,行业代码,规模,成立日期,所属镇街\n"
    f"{A},慈溪甲机械有限公司,3311,规上,2019/11/13,新浦镇\n"
    f"{wrong_check(B)},“乙”电器（慈溪）有限公司,3311,规下,2019年11月13日,330282112\n"
    ",,,,,\n"
    f"{A},慈溪甲机械有限公司,3311,规上,2019-11-13,新浦镇\n"
    "合计,3家,,,,\n"
)


@pytest.mark.parametrize(
    "encoding, expected", [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("gb18030", "gb18030"), ("gbk", "gb18030")]
)
def test_encodings_detected_and_recorded(encoding, expected):
    result = read_ledger(CSV_TEXT.encode(encoding), "enterprises", filename="台账.csv")
    assert result.encoding == expected and result.format == "csv"
    assert result.header_row == 2
    assert [r["_row"] for r in result.rows] == [3, 4, 6]  # line numbers, header line = 2 here
    assert result.rows[1]["name"] == "“乙”电器（慈溪）有限公司"  # never a replaced character
    assert result.rows[0]["_sheet"] == "台账.csv"
    assert [(s.row, s.reason) for s in result.skipped] == [(5, "blank"), (7, "total")]
    assert [(p.row, p.column, p.rule) for p in result.problems] == [
        (4, "统一社会信用代码", "uscc.check"),
        (6, "统一社会信用代码", "ledger.duplicate_key"),
    ]
    assert "整行相同" not in result.problems[1].zh  # the date is written differently
    assert result.rows[1]["town"] == "330282112"


def test_header_on_line_one_is_line_one(tmp_path):
    path = tmp_path / "parcels.csv"
    path.write_text(
        '地块编号,所属园区,面积（亩）,供地方式\nXP-001,YQ01,15,出让\nXP-002,YQ01,"1,500",划拨\n', encoding="utf-8-sig"
    )
    result = read_ledger(path, "parcels")
    assert result.header_row == 1 and [r["_row"] for r in result.rows] == [2, 3]
    assert result.rows[0]["area_m2"] == Decimal(10000)  # 15 mu is 10000 m² exactly
    assert result.rows[1]["area_m2"] == Decimal("1000000")
    assert result.rows[1]["tenure"] == "allocated" and result.encoding == "utf-8-sig"


def test_tab_separated_and_file_objects():
    text = "地块编号\t所属园区\t面积（平方米）\t供地方式\nXP-001\tYQ01\t2,000.5\t出让\n"
    result = read_ledger(io.BytesIO(text.encode("gb18030")), "parcels", filename="x.txt")
    assert result.rows[0]["area_m2"] == Decimal("2000.5")


def test_quoted_newlines_count_as_one_row():
    text = '地块编号,所属园区,面积（平方米）,供地方式,坐落\nXP-001,YQ01,100,出让,"新浦镇\n工业路1号"\nXP-002,YQ01,-5,出让,\n'
    result = read_ledger(text.encode(), "parcels", filename="p.csv")
    assert [r["_row"] for r in result.rows] == [2, 3]
    assert result.rows[0]["address"] == "新浦镇\n工业路1号"
    assert [(p.row, p.rule) for p in result.problems] == [(3, "ledger.negative")]


def test_undecodable_bytes_are_unusable():
    data = "统一社会信用代码,企业名称\n".encode() + b"\x81\x20\xff\xfe\n"
    with pytest.raises(LedgerUnusable) as exc:
        read_ledger(data, "enterprises", filename="bad.csv")
    assert exc.value.rule == "ledger.encoding" and "GB18030" in exc.value.en and "编码" in exc.value.zh


@pytest.mark.parametrize(
    "data, rule",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "ledger.not_spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ledger.not_spreadsheet"),
        (b"\x00\x01\x02\x03binary\x00junk" * 10, "ledger.not_spreadsheet"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "ledger.not_spreadsheet"),
        (b"", "ledger.empty"),
        (b"just some words\nthat are not a ledger\n", "ledger.no_header"),
    ],
)
def test_not_a_spreadsheet(data, rule):
    with pytest.raises(LedgerUnusable) as exc:
        read_ledger(data, "enterprises", filename="upload.xlsx")
    assert exc.value.rule == rule
    assert exc.value.zh and exc.value.en and str(exc.value) == f"{exc.value.zh} / {exc.value.en}"


def test_a_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(LedgerUnusable) as exc:
        read_ledger(buf.getvalue(), "enterprises", filename="x.xlsx")
    assert exc.value.rule == "ledger.not_spreadsheet"


def test_missing_required_columns_are_unusable():
    with pytest.raises(LedgerUnusable) as exc:
        read_ledger("统一社会信用代码,企业名称\n".encode(), "enterprises", filename="e.csv")
    assert exc.value.rule == "ledger.required_column"
    assert "行业代码" in exc.value.zh and "industry_code" in exc.value.en and "registered_on" in exc.value.en


def test_missing_path():
    with pytest.raises(LedgerUnusable) as exc:
        read_ledger("/nonexistent/ledger.xlsx", "parks")
    assert exc.value.rule == "ledger.unreadable"


def test_unknown_ledger_kind():
    with pytest.raises(LedgerUnusable) as exc:
        read_ledger(b"a,b\n", "widgets")
    assert exc.value.rule == "ledger.kind" and "enterprises" in exc.value.en
