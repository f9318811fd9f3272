"""Mapping files: a county binds a new layout without code (field = "source header", [units],
[swap_reversed]); bad mappings fail with a bilingual message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ledger_book import uscc

from landcycle.rules.ledger import MappingError, load_mapping, mapping_path, read_ledger

A = uscc(21)


def write(tmp_path, text: str, name: str = "m.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_mapping_is_valid():
    data = load_mapping(mapping_path("land_supply_gd"))
    assert data["schema"] == "land_supply" and data["area_m2"] == "totalArea"
    assert data["units"] == {"totalArea": "公顷", "transferPrice": "万元"}


def test_mapping_binds_a_new_layout_and_wins_over_aliases(tmp_path):
    mapping = load_mapping(
        write(
            tmp_path,
            """
schema = "figures"
uscc = "纳税人识别号"
tax = "税收合计"          # the file also has a 税收 column, which the alias table would pick
year = "Year"
land_owned_mu = ["自有土地", "自有厂房占地"]

[units]
"税收合计" = "元"
"自有土地" = "亩"
"自有厂房占地" = "平方米"
""",
        ),
        "figures",
    )
    csv = f"纳税人识别号,Year,税收（万元）,税收合计,自有土地,自有厂房占地\n{A},2024,1,20000,2,1500\n"
    result = read_ledger(csv.encode("gb18030"), "figures", mapping=mapping, filename="f.csv")
    row = result.rows[0]
    assert row["uscc"] == A and row["year"] == 2024
    assert row["tax"] == Decimal(2)  # from 税收合计 in 元, not the aliased 税收（万元）
    assert row["land_owned_mu"] == Decimal("4.25")  # 2 mu + 1500 m² (= 2.25 mu)
    by_header = {c.header: c for c in result.columns}
    assert by_header["税收（万元）"].field is None
    assert (by_header["税收合计"].unit, by_header["税收合计"].unit_source) == ("元", "mapping")
    assert result.problems == []


def test_a_mapped_header_that_is_not_there_is_a_problem():
    mapping = {"uscc": "统一社会信用代码", "year": "年度", "rnd": "研发费用"}
    result = read_ledger(f"统一社会信用代码,年度\n{A},2024\n".encode(), "figures", mapping=mapping, filename="f.csv")
    assert [(p.row, p.column, p.rule) for p in result.problems] == [(1, "研发费用", "ledger.mapping_missing")]
    parts = {"uscc": "统一社会信用代码", "year": "年度", "land_owned_mu": ["自有（亩）", "自有（平方米）"]}
    result = read_ledger(
        f"统一社会信用代码,年度,自有（亩）\n{A},2024,3\n".encode(), "figures", mapping=parts, filename="f.csv"
    )
    assert [(p.column, p.rule, p.field) for p in result.problems] == [
        ("自有（平方米）", "ledger.mapping_missing", "land_owned_mu")
    ]


def test_unit_conflict_between_header_and_mapping():
    mapping = {"tax": "税收", "units": {"税收": "万元"}}
    result = read_ledger(
        f"统一社会信用代码,年度,税收（元）\n{A},2024,5\n".encode(), "figures", mapping=mapping, filename="f.csv"
    )
    assert [(p.column, p.rule) for p in result.problems] == [("税收（元）", "ledger.unit_conflict")]


@pytest.mark.parametrize(
    "text, where",
    [
        ('schema = "figures"\nuscc = "代码"\nprofit = "利润"\nhappiness = "幸福"\n', "profit"),
        ('uscc = "代码"\nwidget = "x"\n', "widget"),
        ('schema = "figures"\nuscc = 5\n', "uscc"),
        ('schema = "figures"\n[units]\n"税收" = "斤"\n', "斤"),
        ('schema = "land_supply"\n[swap_reversed]\nagreed_start = "agreed_completion"\n', "agreed_start"),
        ('uscc = "代码\n', "TOML"),
    ],
)
def test_bad_mappings_fail_clearly(tmp_path, text, where):
    with pytest.raises(MappingError) as exc:
        load_mapping(write(tmp_path, text))
    assert where in exc.value.en and exc.value.zh and exc.value.en


def test_unknown_fields_named_in_both_languages(tmp_path):
    with pytest.raises(MappingError) as exc:
        load_mapping(write(tmp_path, 'profit = "利润"\n'), "figures")
    assert "未知字段：profit" in exc.value.zh and "unknown fields: profit" in exc.value.en
    assert "tax" in exc.value.en  # the known fields are listed


def test_mapping_for_another_ledger(tmp_path):
    with pytest.raises(MappingError) as exc:
        load_mapping(mapping_path("land_supply_gd"), "figures")
    assert "land_supply" in exc.value.en
    with pytest.raises(MappingError):
        read_ledger(b"a,b\n", "parcels", mapping={"schema": "figures"})
    with pytest.raises(MappingError):
        read_ledger(b"a,b\n", "parcels", mapping={"profit": "x"})


def test_missing_mapping_file(tmp_path):
    with pytest.raises(MappingError) as exc:
        load_mapping(tmp_path / "nope.toml")
    assert "not found" in exc.value.en
