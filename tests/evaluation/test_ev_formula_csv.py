"""``landcycle evaluate --out OUT.csv`` never writes a live formula (issue 10, item 4): an enterprise name that
starts like a formula gets the leading quote, numbers (negative ones too) are untouched."""

from __future__ import annotations

import csv

from test_ev_cli import firm, run, write_ledger


def test_the_evaluation_csv_quotes_formula_like_names(tmp_path):
    planted = [firm(70), firm(71), firm(72)]
    planted[0][1], planted[1][1], planted[2][1] = "@SUM(A1:A9)", '＝HYPERLINK("http://x")', "-1+1 有限公司"
    ledger = write_ledger(tmp_path / "亩均台账.xlsx", planted)
    out = tmp_path / "out.csv"
    run(ledger, "--out", out)
    rows = list(csv.reader(out.read_text("utf-8-sig").splitlines()))
    names = [r[rows[0].index("name")] for r in rows[1:]]
    assert {"'@SUM(A1:A9)", '\'＝HYPERLINK("http://x")', "'-1+1 有限公司"} <= set(names)
    assert not any(n[:1] in "=+-@＝＋－＠" for n in names if n)
    rows_col = [r[rows[0].index("row")] for r in rows[1:]]
    assert all(v.isdigit() for v in rows_col)  # numbers stay numbers
