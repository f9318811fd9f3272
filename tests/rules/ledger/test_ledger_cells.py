"""Cleaning single cells: numbers, missing markers, codes, dates, booleans, enums (with properties)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from landcycle.rules.ledger.cells import (
    CellError,
    clean_bool,
    clean_code,
    clean_date,
    clean_enum,
    clean_int,
    clean_text,
    is_missing,
    parse_number,
)

FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@pytest.mark.parametrize(
    "raw, expected",
    [
        (1.0, Decimal(1)),
        (1234.5, Decimal("1234.5")),
        (7, Decimal(7)),
        ("12", Decimal(12)),
        (" 12.50 ", Decimal("12.50")),
        ("1,234.5", Decimal("1234.5")),
        ("1,234,567", Decimal(1234567)),
        ("１２.５", Decimal("12.5")),
        ("１，２３４．５", Decimal("1234.5")),
        ("-3", Decimal(-3)),
        ("1 234", Decimal(1234)),
        ("1.5e3", Decimal("1.5e3")),
        (0.1, Decimal("0.1")),
    ],
)
def test_numbers(raw, expected):
    value, unit, percent = parse_number(raw)
    assert value == expected and unit is None and not percent


@pytest.mark.parametrize("raw", ["", "/", "／", "—", "——", "-", "--", "无", " ", "\u3000", "N/A", "null"])
def test_missing_markers_are_none_not_zero(raw):
    assert is_missing(raw)
    assert parse_number(raw)[0] is None if raw.strip() else True
    assert clean_int(raw) is None and clean_date(raw) is None and clean_text(raw) is None
    assert clean_code(raw) is None


@pytest.mark.parametrize(
    "raw", ["abc", "12..5", "1,23", "1,2345", "NaN", "inf", "1_000", "#DIV/0!", True, dt.date(2020, 1, 1)]
)
def test_not_numbers(raw):
    with pytest.raises(CellError) as exc:
        parse_number(raw)
    assert exc.value.rule in ("ledger.not_number", "ledger.cell_error")
    assert exc.value.zh and exc.value.en


def test_units_and_percent_written_in_the_cell():
    assert parse_number("3.5%") == (Decimal("3.5"), "%", True)
    assert parse_number("12亩") == (Decimal(12), "亩", False)
    assert parse_number("1,200万元") == (Decimal(1200), "万元", False)
    assert parse_number("2024年", suffixes=("年",)) == (Decimal(2024), None, False)
    assert clean_int("40人", ("人",)) == 40
    with pytest.raises(CellError):
        clean_int("3.5")


def test_codes():
    assert clean_code(" 91330282 mA2h4x1k5q ") == "91330282MA2H4X1K5Q"
    assert clean_code("９１３３０２８２ＭＡ２Ｈ") == "91330282MA2H"
    assert clean_code(3311.0) == "3311"  # an industry code typed as a number is fine
    for lost in (9.14403001922038e17, 914403001922038216, "9.14403E+17", 12.5):
        with pytest.raises(CellError) as exc:
            clean_code(lost)
        assert exc.value.rule == "ledger.code_as_number"


@pytest.mark.parametrize(
    "raw",
    [
        "2019-11-13",
        "2019/11/13",
        "2019.11.13",
        "2019年11月13日",
        "2019 年 11 月 13 日",
        "2019-11-13 08:30:00",
        "2019/11/13 8:30",
        "20191113",
        20191113,
        43782,
        43782.0,
        43782.75,
        "43782",
        dt.date(2019, 11, 13),
        dt.datetime(2019, 11, 13, 10, 5),
        "２０１９－１１－１３",
    ],
)
def test_dates_in_every_form(raw):
    assert clean_date(raw) == dt.date(2019, 11, 13)


def test_single_digit_month_and_day():
    assert clean_date("2019-1-3") == clean_date("2019年1月3日") == clean_date("2019.1.3") == dt.date(2019, 1, 3)
    assert clean_date("2019/11/1 18:30") == dt.date(2019, 11, 1)


@pytest.mark.parametrize(
    "raw", ["2019-13-01", "2019-02-30", "2019年", "2019", 2019, "11/13/2019", "明天", -5, dt.time(12, 0), "2019.11"]
)
def test_not_dates(raw):
    with pytest.raises(CellError) as exc:
        clean_date(raw)
    assert exc.value.rule == "ledger.not_date"


def test_text_and_bool_and_enum():
    assert clean_text("  慈溪甲机械有限公司 ") == "慈溪甲机械有限公司"
    assert clean_text(1.0) == "1" and clean_text(2.5) == "2.5"
    assert clean_text(dt.datetime(2020, 1, 2)) == "2020-01-02"
    assert clean_bool("是") is True and clean_bool("否") is False and clean_bool("√") is True
    assert clean_bool(True) is True and clean_bool("") is None
    with pytest.raises(CellError):
        clean_bool("也许")
    table = {"规上": "above", "规下": "below", "above": "above", "below": "below"}
    assert clean_enum(" 规上 ", table, ("规上", "规下")) == "above"
    with pytest.raises(CellError) as exc:
        clean_enum("中型", table, ("规上", "规下"))
    assert "规上、规下" in exc.value.zh


# ---------------------------------------------------------------- properties
decimals = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False, allow_infinity=False
)


@given(decimals)
def test_number_text_round_trip(d):
    assert parse_number(str(d))[0] == d
    assert parse_number(format(d, ",f"))[0] == d  # thousands separators
    assert parse_number(format(d, ",f").translate(FULL_WIDTH))[0] == d  # full-width digits and separators


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False))
def test_float_cells_keep_their_shortest_repr(x):
    assert parse_number(x)[0] == Decimal(repr(x))


@given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_forms_agree(d):
    serial = (d - dt.date(1899, 12, 30)).days
    forms = [
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month:02d}.{d.day:02d}",
        f"{d.year}年{d.month}月{d.day}日",
        d.strftime("%Y%m%d"),
        float(serial),
        serial,
        dt.datetime(d.year, d.month, d.day, 13, 45),
    ]
    assert {clean_date(f) for f in forms} == {d}
