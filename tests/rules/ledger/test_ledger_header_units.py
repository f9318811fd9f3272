"""Header detection, two-row headers without merges, units from headers, unit rows and title lines,
parts of one group added up, and exact conversions."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger_book import uscc, write_xlsx

from landcycle.rules.ledger import LedgerSchema, LedgerUnusable, read_ledger
from landcycle.rules.ledger import units as U
from landcycle.rules.ledger.schema import FieldSpec, decimal, header_keys, text


def test_header_keys():
    assert header_keys("实缴税收（万元）") == [("实缴税收", "万元")]
    assert header_keys(" *企业\n名称 ") == [("企业名称", None)]
    assert header_keys("行业代码(GB/T 4754-2017)")[-1] == ("行业代码", None)
    assert header_keys("面积亩") == [("面积亩", None), ("面积", "亩")]
    assert header_keys("亩均税收（万元/亩）")[0] == ("亩均税收(万元/亩)", None)  # a rate is not a unit
    assert header_keys("plotRatioUP") == [("plotratioup", None)]
    assert header_keys("用电量【单位：万千瓦时】") == [("用电量", "单位:万千瓦时")]


def test_unit_factors_are_exact():
    assert U.factor("亩", "平方米") == Fraction(2000, 3)
    assert U.factor("公顷", "亩") == 15
    assert U.factor("公顷", "平方米") == 10000
    assert U.factor("平方米", "亩") == Fraction(3, 2000)
    assert U.factor("元", "万元") == Fraction(1, 10000)
    assert U.factor("千瓦时", "万千瓦时") == Fraction(1, 10000)
    assert U.factor("万吨标准煤", "吨标准煤") == 10000
    assert U.factor("㎡", "m²") == 1 and U.factor("KWH", "度") == 1
    with pytest.raises(ValueError):
        U.factor("亩", "万元")


def test_converter_rounds_only_what_does_not_terminate():
    to_m2 = U.Converter(U.factor("亩", "平方米"), 2)
    assert to_m2(Decimal(15)) == Decimal(10000)
    assert to_m2(Decimal(1)) == Decimal("666.67")
    to_mu = U.Converter(U.factor("平方米", "亩"), 2)
    assert to_mu(Decimal("1234.5")) == Decimal("1.85175")  # exact, more places than 2: kept


@given(st.decimals(min_value=0, max_value=Decimal("1e9"), places=6, allow_nan=False, allow_infinity=False))
def test_hectares_mu_square_metres_agree(ha):
    m2 = U.Converter(U.factor("公顷", "平方米"), 2)(ha)
    mu = U.Converter(U.factor("公顷", "亩"), 2)(ha)
    assert m2 == ha * 10000 and mu == ha * 15
    assert U.Converter(U.factor("平方米", "亩"), 2)(m2) == mu


def test_two_row_header_without_merges_and_parts_added_up(tmp_path):
    """A CSV cannot merge: the group text sits in its first cell; columns of one group whose children
    name no field of their own add up to the group's field, in a common unit."""
    csv = (
        "地块台账\n"
        "地块编号,所属园区,用地面积,,供地方式,备注\n"
        ",,自有用地（亩）,租赁用地（平方米）,,\n"
        "XP-001,YQ01,10,500,出让,\n"
        "XP-002,YQ01,15,,出让,\n"
        "XP-003,YQ01,/,—,出让,\n"
        "XP-004,YQ01,1.5,x,出让,\n"
    )
    result = read_ledger(csv.encode("gb18030"), "parcels", filename="p.csv")
    assert result.header_rows == (2, 3)
    parts = [c for c in result.columns if c.field == "area_m2"]
    assert [(c.header, c.unit, c.part) for c in parts] == [
        ("用地面积/自有用地（亩）", "亩", True),
        ("用地面积/租赁用地（平方米）", "平方米", True),
    ]
    areas = [r["area_m2"] for r in result.rows]
    assert areas == [Decimal("7166.67"), Decimal(10000), None, None]  # 10 mu + 500 m² = 21500/3 m²
    assert [(p.row, p.column, p.rule) for p in result.problems] == [
        (6, "用地面积", "ledger.required"),
        (7, "用地面积/租赁用地（平方米）", "ledger.not_number"),
    ]


def test_child_that_is_only_a_unit(tmp_path):
    rows = [["地块编号", "所属园区", "面积", "供地方式"], [None, None, "亩", None], ["XP-1", "YQ", 3, "出让"]]
    path = write_xlsx(tmp_path / "p.xlsx", {"地块": rows})
    result = read_ledger(path, "parcels")
    assert result.rows[0]["area_m2"] == Decimal(2000)
    assert [(c.header, c.unit) for c in result.columns if c.field == "area_m2"] == [("面积", "亩")]
    assert result.header_rows == (1,)  # a row of units under a one-row header, not a second header row


def test_units_row_and_column_numbers_row(tmp_path):
    rows = [
        ["统一社会信用代码", "年度", "实缴税收", "用电量"],
        ["", "", "（元）", "万千瓦时"],
        ["甲", "乙", 1, 2],
        [uscc(1), 2024, 500000, 12.5],
    ]
    path = write_xlsx(tmp_path / "f.xlsx", {"数据": rows})
    result = read_ledger(path, "figures")
    assert [(c.field, c.unit, c.unit_source) for c in result.columns][2:] == [
        ("tax", "元", "units_row"),
        ("electricity_10k_kwh", "万千瓦时", "units_row"),
    ]
    assert [(s.row, s.reason) for s in result.skipped] == [(3, "column_numbers")]
    assert result.rows[0]["tax"] == Decimal(50) and result.rows[0]["_row"] == 4


def test_units_declared_above_the_header(tmp_path):
    rows = [
        ["2025年度企业数据"],
        ["填报单位：新浦镇", None, "金额单位：万元  面积单位：亩"],
        ["统一社会信用代码", "年度", "实缴税收", "自有用地", "租赁用地（平方米）"],
        [uscc(1), "2024年", "1,234.5", 20, 6667],
    ]
    result = read_ledger(write_xlsx(tmp_path / "f.xlsx", {"数据": rows}), "figures")
    by_field = {c.field: c for c in result.columns}
    assert (by_field["tax"].unit, by_field["tax"].unit_source) == ("万元", "title")
    assert (by_field["land_owned_mu"].unit, by_field["land_owned_mu"].unit_source) == ("亩", "title")
    assert by_field["land_leased_mu"].unit_source == "header"
    row = result.rows[0]
    assert row["year"] == 2024 and row["tax"] == Decimal("1234.5") and row["land_leased_mu"] == Decimal("10.0005")


def test_a_missing_unit_is_reported_not_assumed(tmp_path):
    rows = [["统一社会信用代码", "年度", "实缴税收", "综合能耗（万元）", "用电量"], [uscc(1), 2024, 100, 5, "12亩"]]
    result = read_ledger(write_xlsx(tmp_path / "f.xlsx", {"数据": rows}), "figures")
    assert [(p.row, p.column, p.rule) for p in result.problems] == [
        (1, "实缴税收", "ledger.unit_missing"),
        (1, "综合能耗（万元）", "ledger.unit_mismatch"),
        (1, "用电量", "ledger.unit_missing"),
    ]
    assert "tax" not in result.rows[0] and "energy_tce" not in result.rows[0]
    assert [c.field for c in result.columns] == ["uscc", "year", None, None, None]


def test_a_unit_written_in_the_cell_wins_and_must_fit(tmp_path):
    rows = [
        ["地块编号", "所属园区", "面积（平方米）", "供地方式"],
        ["XP-1", "YQ", "15亩", "出让"],
        ["XP-2", "YQ", "0.5公顷", "出让"],
        ["XP-3", "YQ", "3万元", "出让"],
        ["XP-4", "YQ", "5%", "出让"],
    ]
    result = read_ledger(write_xlsx(tmp_path / "p.xlsx", {"Sheet1": rows}), "parcels")
    assert [r["area_m2"] for r in result.rows] == [Decimal(10000), Decimal(5000), None, None]
    assert [(p.row, p.rule) for p in result.problems] == [(4, "ledger.unit_mismatch"), (5, "ledger.not_number")]


def test_ratio_fields_take_percentages():
    schema = LedgerSchema(
        "shares",
        "比例",
        "Shares",
        fields=(
            text("name", "名称", required=True),
            FieldSpec("rnd_share", "decimal", ratio=True, aliases=("研发占比",)),
            decimal("tax", "万元", "税收"),
        ),
    )
    csv = "名称,研发占比,研发占比2,税收（元）\n甲,3.5%,,10000\n乙,0.035,,\n丙,35‰,,\n"
    result = read_ledger(csv.encode(), schema, filename="s.csv")
    assert [r["rnd_share"] for r in result.rows] == [Decimal("0.035")] * 3
    pct = read_ledger("名称,研发占比（%）\n甲,3.5\n乙,3.5%\n".encode(), schema, filename="s.csv")
    assert [r["rnd_share"] for r in pct.rows] == [Decimal("0.035")] * 2


def test_two_columns_for_one_field_are_ambiguous():
    csv = "地块编号,所属园区,面积（平方米）,用地面积（亩）,供地方式\nXP-1,YQ,100,1,出让\n"
    result = read_ledger(csv.encode(), "parcels", filename="p.csv")
    assert [(p.row, p.column, p.rule) for p in result.problems] == [(1, "用地面积（亩）", "ledger.column_ambiguous")]
    assert result.rows[0]["area_m2"] == Decimal(100)


def test_schema_rejects_an_alias_naming_two_fields():
    with pytest.raises(ValueError, match="names both"):
        LedgerSchema("x", "x", "x", fields=(text("a", "名称"), text("b", "名称")))


def test_the_sheet_with_the_ledger_is_found(tmp_path):
    sheets = {
        "说明": [["填表说明：请按模板填写"], ["1. 金额单位为万元"]],
        "Sheet2": [["园区编号", "园区名称"], ["x", "y"]],
        "地块清单": [["地块编号", "所属园区", "面积（亩）", "供地方式"], ["XP-1", "YQ", 1.5, "出让"]],
    }
    path = write_xlsx(tmp_path / "book.xlsx", sheets)
    result = read_ledger(path, "parcels")
    assert result.sheet == "地块清单" and result.rows[0]["area_m2"] == Decimal(1000)
    assert result.problems == [] and result.rows[0]["_sheet"] == "地块清单"
    with pytest.raises(LedgerUnusable) as exc:
        read_ledger(path, "parcels", sheet="Sheet9")
    assert exc.value.rule == "ledger.no_sheet" and "地块清单" in exc.value.zh
    with pytest.raises(LedgerUnusable) as exc:
        read_ledger(path, "parcels", sheet="说明")
    assert exc.value.rule == "ledger.no_header"


def test_repeated_header_and_signature_lines(tmp_path):
    rows = [
        ["园区编号", "园区名称", "园区类型", "所属镇街"],
        ["YQ01", "新浦工业园区", "工业园区", "新浦镇"],
        ["园区编号", "园区名称", "园区类型", "所属镇街"],
        ["YQ02", "桥头小微园", "小微企业园", "330282109"],
        ["YQ03", "横河老区块", "老厂房", "330282999"],
        [],
        ["填报人：张三", None, "审核人：李四"],
    ]
    result = read_ledger(write_xlsx(tmp_path / "parks.xlsx", {"园区": rows}), "parks")
    assert [(s.row, s.reason) for s in result.skipped] == [(3, "header"), (6, "blank"), (7, "signature")]
    assert [(r["code"], r["kind"], r["town"]) for r in result.rows] == [
        ("YQ01", "industrial", "新浦镇"),
        ("YQ02", "micro", "330282109"),
        ("YQ03", None, "330282999"),
    ]
    assert [(p.row, p.column, p.rule) for p in result.problems] == [
        (5, "园区类型", "ledger.bad_enum"),
        (5, "所属镇街", "division.unknown"),
    ]
