"""The messy town ledger of issue 3: title row, 填报单位 row, two-row merged header with units,
full-width digits, numbers as text with separators, a lower-case credit code, a wrong check character,
a code stored as a number, a missing land area, "/" for missing, blank rows, a 小计 row in the middle,
a duplicate row, a 合计 row and a 注 line at the bottom."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ledger_book import uscc, write_xlsx, wrong_check

from landcycle.rules.ledger import read_ledger

A, B, D = uscc(1), uscc(2), uscc(4)
C = "914403001922038216"  # 华为技术: all digits, so Excel happily stores it as a number

HEADER_TOP = [
    "序号",
    "统一社会信用代码",
    "企业名称",
    "年度",
    None,
    None,
    None,
    "主营业务收入（万元）",
    "实缴税收（元）",
    "综合能耗（吨标准煤）",
    "用电量（千瓦时）",
    "年平均职工人数",
]
HEADER_SUB = [None, None, None, None, "自有用地（亩）", "租赁用地（平方米）", "出租用地（亩）"]
MERGES = (
    [(0, 0, 0, 11, "2025年度新浦镇工业企业亩均效益基础数据表")]
    + [(2, c, 3, c, HEADER_TOP[c]) for c in (0, 1, 2, 3, 7, 8, 9, 10, 11)]
    + [(2, 4, 2, 6, "用地面积")]
)


def town_rows():
    return [
        [None] * 12,  # row 1: the title (merged)
        ["填报单位：新浦镇人民政府", None, None, None, None, None, None, None, "填报日期：2025年1月5日"],
        [None] * 12,  # row 3: the header's first row, written by the merges
        HEADER_SUB,  # row 4: sub-headers of the 用地面积 group
        [
            1,
            A.lower(),
            "慈溪甲机械有限公司",
            "2024",
            "１２.５",
            "1,234.5",
            "/",
            "3,456.78",
            1234567,
            "—",
            1500000,
            "120",
        ],  # row 5
        [
            2,
            wrong_check(B),
            "慈溪乙电器有限公司",
            2024.0,
            30,
            0,
            2,
            8000.0,
            "98,765.40",
            1234.5,
            "2,000,000",
            85.0,
        ],  # row 6
        [None] * 12,  # row 7 blank
        ["小计", None, None, None, 42.5, 1234.5, 2, 11456.78, None, 1234.5, 3500000, 205],  # row 8
        [3, float(C), "慈溪丙塑料有限公司", 2024, "8", None, None, "12..5", "abc", "/", "无", "3.5"],  # row 9
        [4, D, "慈溪丁纺织有限公司", 2024, "/", None, "—", "２，５００", 500000, "", 10000, "40人"],  # row 10
        [
            5,
            A,
            "慈溪甲机械有限公司",
            2024,
            "１２.５",
            "1,234.5",
            "/",
            "3,456.78",
            1234567,
            "—",
            1500000,
            "120",
        ],  # row 11 duplicate
        ["合计", None, None, None, 50.5, 1234.5, 2, 13956.78, None, 1234.5, 3510000, 245],  # row 12
        ["注：1. 税收为实际入库税收，含增值税、企业所得税。"],  # row 13
        ["2. 用地面积以不动产登记为准。"],  # row 14
    ]


@pytest.fixture
def town(tmp_path):
    path = write_xlsx(tmp_path / "新浦镇2025.xlsx", {"亩均数据": town_rows()}, {"亩均数据": MERGES})
    return read_ledger(path, "figures")


def test_header_found_below_title_and_flattened(town):
    assert town.header_row == 3 and town.header_rows == (3, 4)
    by_header = {c.header: c for c in town.columns}
    assert by_header["用地面积/自有用地（亩）"].field == "land_owned_mu"
    assert by_header["用地面积/租赁用地（平方米）"].field == "land_leased_mu"
    assert by_header["用地面积/租赁用地（平方米）"].unit == "平方米"
    assert by_header["用地面积/出租用地（亩）"].field == "land_let_mu"
    assert by_header["实缴税收（元）"].field == "tax" and by_header["实缴税收（元）"].unit == "元"
    assert by_header["序号"].field is None
    assert by_header["用电量（千瓦时）"].letter == "K"


def test_rows_typed_and_converted_exactly(town):
    assert [r["_row"] for r in town.rows] == [5, 6, 9, 10, 11]
    first = town.rows[0]
    assert first["_sheet"] == "亩均数据"
    assert first["uscc"] == A  # lower case upper-cased
    assert first["year"] == 2024 and isinstance(first["year"], int)
    assert first["land_owned_mu"] == Decimal("12.5")  # full-width digits
    assert first["land_leased_mu"] == Decimal("1.85175")  # 1,234.5 m² × 15 / 10000, exact
    assert first["land_let_mu"] is None  # "/" is missing, not zero
    assert first["revenue"] == Decimal("3456.78")
    assert first["tax"] == Decimal("123.4567")  # 1,234,567 元 in 万元
    assert first["energy_tce"] is None  # "—"
    assert first["electricity_10k_kwh"] == Decimal("150")  # 1,500,000 kWh
    assert first["staff"] == 120
    second = town.rows[1]
    assert second["year"] == 2024  # calamine's 2024.0
    assert second["land_leased_mu"] == Decimal("0")
    assert second["tax"] == Decimal("9.87654")
    assert second["electricity_10k_kwh"] == Decimal("200")
    assert second["staff"] == 85
    fourth = town.rows[3]
    assert fourth["land_owned_mu"] is None and fourth["revenue"] == Decimal("2500")
    assert fourth["staff"] == 40 and fourth["tax"] == Decimal("50")


def test_skipped_rows_reported_with_reasons(town):
    assert [(s.row, s.reason) for s in town.skipped] == [
        (7, "blank"),
        (8, "total"),
        (12, "total"),
        (13, "note"),
        (14, "note"),
    ]
    assert town.skipped[1].text.startswith("小计")


def test_every_problem_located_as_the_user_sees_it(town):
    got = [(p.sheet, p.row, p.column, p.rule) for p in town.problems]
    assert got == [
        ("亩均数据", 6, "统一社会信用代码", "uscc.check"),
        ("亩均数据", 9, "统一社会信用代码", "ledger.code_as_number"),
        ("亩均数据", 9, "主营业务收入（万元）", "ledger.not_number"),
        ("亩均数据", 9, "实缴税收（元）", "ledger.not_number"),
        ("亩均数据", 9, "年平均职工人数", "ledger.not_integer"),
        ("亩均数据", 11, "统一社会信用代码", "ledger.duplicate_key"),
    ]
    dup = town.problems[-1]
    assert "第5行" in dup.zh and "row 5" in dup.en and "整行相同" not in dup.zh  # 序号 differs
    assert town.problems[2].value == "12..5" and town.problems[3].value == "abc"
    by_rule = {p.rule: p for p in town.problems}
    assert by_rule["ledger.code_as_number"].value == float(C)
    assert by_rule["uscc.check"].en.startswith("Credit code check character is wrong")
    assert all(p.zh and p.en for p in town.problems)
