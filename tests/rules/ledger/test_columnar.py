"""Columns converted as columns (issue 11): the polars pass and the per-distinct-value cleaning give the
values and the problems (rule, message, row, column) the cell-by-cell functions give, and
``read_ledger(frame=True)`` holds the same values as its rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from landcycle.rules.ledger import cells as C
from landcycle.rules.ledger import read_ledger
from landcycle.rules.ledger.bind import Bound
from landcycle.rules.ledger.convert import Sink, convert
from landcycle.rules.ledger.schema import FieldSpec, code, date, enum, integer, text

MESSY = [
    "91330282MA2AB0CD1X",
    "  abc123 ",
    "na",
    "NA",
    "1E5",
    "1e5",
    "3311.0",
    3311.0,
    3311.5,
    1.5e17,
    "ＡＢ１２",
    "",
    None,
    "—",
    "无",
    "null",
    "Null",
    "长文本名称有限公司一二三",
    " 长文本名称有限公司一二三 ",
    "新浦镇",
    "新浦镇 ",
    "规上",
    "规下",
    "是",
    "否",
    "x",
    True,
    False,
    1.0,
    0.0,
    2025.0,
    "2025",
    "2025年度",
    "2025.5",
    -3.0,
    "2019-11-13",
    "2019/11/13",
    "2019年11月13日",
    "20191113",
    43782.0,
    "43782",
    dt.date(2020, 1, 2),
    dt.datetime(2020, 1, 2, 3, 4),
    "2019-02-30",
    "\x1c新浦镇",
    "N/A",
    "#N/A",
]
SPECS = [
    code("c"),
    text("t"),
    enum("e", {"规上": "above", "规下": "below"}),
    integer("i", nonnegative=True),
    date("d"),
    FieldSpec("b", "bool"),
]


def _cell_by_cell(spec: FieldSpec, raw) -> tuple[list, list]:
    fn = {
        "code": C.clean_code,
        "text": C.clean_text,
        "date": C.clean_date,
        "bool": C.clean_bool,
        "int": lambda v: int(v) if type(v) is float and v.is_integer() else C.clean_int(v),
        "enum": lambda v: C.clean_enum(v, spec.enum_table, spec.enum_labels),
    }[spec.kind]
    out, errors = [], []
    for j, v in enumerate(raw):
        if spec.kind != "text" and (v == "" or v is None):
            out.append(None)
            continue
        try:
            out.append(fn(v))
        except C.CellError as e:
            out.append(None)
            errors.append((j + 2, e.rule, e.zh))
    return out, errors


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.kind)
def test_every_kind_gives_what_the_cell_functions_give(spec):
    raw = tuple(MESSY * 3)
    sink = Sink("表", list(range(2, len(raw) + 2)))
    values, bad = convert(Bound(spec, [(0, 1, "列")], "列"), [raw], sink)
    expected, errors = _cell_by_cell(spec, raw)
    assert values == expected
    assert [(r, p.rule, p.zh) for r, _c, p in sink.items if p.rule != "ledger.negative"] == errors
    assert bad == {r - 2 for r, _rule, _zh in errors}


def test_the_frame_holds_what_the_rows_hold(tmp_path):
    path = tmp_path / "figures.csv"
    lines = ["统一社会信用代码,企业名称,年度,实缴税收（万元）,自有用地（亩）,租赁用地（平方米）,用电量（万千瓦时）"]
    lines += [
        "91330282MA2AB0CD1X,甲公司,2025,12.5,3,2000,1.5",
        '91330282MA2AB0CD1X,乙,2025年,"1,234.5",无,,-2',
        "913302,丙有限公司,2025,约一千,3.25亩,1公顷,５",
        "x,丁,2025.5,5%,-1,,7千瓦时",
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    rows = read_ledger(path, "figures")
    framed = read_ledger(path, "figures", frame=True)
    assert framed.rows == [] and framed.problems == rows.problems
    frame = framed.frame
    assert frame["_row"].to_list() == [r["_row"] for r in rows.rows]
    for name in rows.fields:
        want = [float(r[name]) if isinstance(r[name], Decimal) else r[name] for r in rows.rows]
        got = frame[name].to_list()
        if frame.schema[name] == pl.Float64:
            assert (
                got == pytest.approx(want, nan_ok=True)
                if None not in want
                else [g is None for g in got] == [w is None for w in want]
                and [g for g in got if g is not None] == pytest.approx([w for w in want if w is not None])
            )
        else:
            assert got == want, name


def test_rows_told_apart_as_columns_as_row_by_row(monkeypatch):
    from landcycle.rules.ledger import rows as R

    header = ["统一社会信用代码", "企业名称", "实缴税收"]
    body = [["1", "2", "3"], ["91330282MA2AB0CD1X", "甲", 1.0]]
    body += [[f"9133028{i:011d}", f"企业{i}", float(i)] for i in range(5)]
    body += [
        ["合计", "", 10.0],
        ["", "小 计", 3.0],
        ["x", "Total", 1.0],
        ["注：单位为万元", "", ""],
        ["续注释", "", ""],
        ["填报人：张三", "", ""],
        ["统一社会信用代码", "企业名称", "实缴税收"],
        [" ", "", ""],
        ["\x1c", "乙", 2.0],
        ["Note 1: x", "", ""],
        ["统一社会信用代码\n", "企业名称", "实缴税收"],
        [3.0, "丙", 2.0],
        ["  9133028200000000XX", "丁", 1.0],
        ["", "", ""],
        ["9133028200000000YY", "戊", "累计"],
    ]
    body += [[f"9133029{i:011d}", f"企业{i}", float(i)] for i in range(3)] + [["", "", ""]]
    rows = [["2025年度某表", "", ""], header, *body]
    fast = R.classify(rows, 2, header, "表")
    monkeypatch.setattr(R, "_plain_rows", lambda rows, start, key: [False] * (len(rows) - start))
    assert fast == R.classify(rows, 2, header, "表")
