"""The real land-market export: 1,838 Guangdong contracts, GB18030, the crawler's English column names,
areas in hectares, prices in 万元, read through the mapping shipped with the product."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

from landcycle.rules.ledger import LedgerUnusable, load_mapping, mapping_path, read_ledger

DATA = Path(__file__).resolve().parents[2] / "data" / "land_supply_results_gd.csv"


@pytest.fixture(scope="module")
def source_rows():
    return list(csv.DictReader(io.StringIO(DATA.read_bytes().decode("gb18030"))))


@pytest.fixture(scope="module")
def result():
    return read_ledger(DATA, "land_supply", mapping=load_mapping(mapping_path("land_supply_gd")))


def test_every_contract_reads_cleanly(result):
    assert result.encoding == "gb18030" and result.header_row == 1
    assert len(result.rows) == 1838
    assert result.problems == [] and result.skipped == []
    assert [r["_row"] for r in result.rows[:3]] == [2, 3, 4] and result.rows[-1]["_row"] == 1839


def test_areas_converted_from_hectares_exactly(result, source_rows):
    for row, src in zip(result.rows, source_rows, strict=False):
        ha = Decimal(src["totalArea"])
        assert row["area_m2"] == ha * 10000  # 1 ha = 15 mu = 10000 m²
    first = result.rows[0]
    assert first["area_m2"] == Decimal("7564.7") and first["area_m2"] * 15 / 10000 == Decimal("0.75647") * 15
    area = next(c for c in result.columns if c.field == "area_m2")
    assert (area.header, area.unit, area.unit_source) == ("totalArea", "公顷", "mapping")


def test_industrial_contracts(result):
    assert sum("工业" in (r["land_use"] or "") for r in result.rows) == 508


def test_plot_ratios_ordered(result, source_rows):
    both = [r for r in result.rows if r["plot_ratio_lower"] is not None and r["plot_ratio_upper"] is not None]
    assert len(both) == 946
    assert all(r["plot_ratio_lower"] <= r["plot_ratio_upper"] for r in both)
    assert len(result.swapped) == 10  # the rows where the collector did not swap them
    row, lo, hi = result.swapped[0]
    src = source_rows[row - 2]
    assert Decimal(src["plotRatioUP"]) > Decimal(src["plotRatioLOWER"])
    swapped = result.rows[row - 2]
    assert swapped["plot_ratio_lower"] == Decimal(src["plotRatioLOWER"]) and (lo, hi) == (
        "plot_ratio_lower",
        "plot_ratio_upper",
    )


def test_types(result):
    row = result.rows[1]
    assert row["supply_type"] == "listing" and row["price"] == Decimal("93.6") and row["term_years"] == "40"
    assert row["contract_date"] == dt.date(2015, 7, 21) and row["agreed_start"] == dt.date(2020, 12, 27)
    assert row["actual_start"] is None and row["holder"] == "江门市新会区崖门国际游艇会有限公司"
    assert result.rows[0]["price"] == Decimal(0) and result.rows[0]["term_years"] is None
    assert {r["supply_type"] for r in result.rows} == {
        "listing",
        "agreement",
        "allocation",
        "auction",
        "lease",
        "tender",
    }
    assert sum(r["price"] is None for r in result.rows) == 259  # empty is missing, not zero


def test_without_the_swap_declaration_reversed_pairs_are_problems():
    mapping = load_mapping(mapping_path("land_supply_gd"))
    mapping = {k: v for k, v in mapping.items() if k != "swap_reversed"}
    result = read_ledger(DATA, "land_supply", mapping=mapping)
    assert {p.rule for p in result.problems} == {"ledger.range_reversed"}
    assert len(result.problems) == 10 and result.swapped == []
    assert all(p.column == "plotRatioUP" for p in result.problems)


def test_without_a_mapping_the_export_is_unusable():
    with pytest.raises(LedgerUnusable) as exc:
        read_ledger(DATA, "land_supply")
    assert exc.value.rule == "ledger.required_column" and "location" in exc.value.en


def test_without_the_units_the_area_is_not_guessed():
    mapping = load_mapping(mapping_path("land_supply_gd"))
    mapping = {k: v for k, v in mapping.items() if k != "units"}
    result = read_ledger(DATA, "land_supply", mapping=mapping)
    assert [(p.row, p.column, p.rule) for p in result.problems] == [
        (1, "totalArea", "ledger.unit_missing"),
        (1, "transferPrice", "ledger.unit_missing"),
    ]
    assert "area_m2" not in result.rows[0]
