"""kit.sheets, the one spreadsheet writer: a text that would start a formula is written as text in .xlsx and
with a leading quote in CSV, whichever export writes it (ledger exports, lists without a ledger)."""

from __future__ import annotations

import csv
import io

from import_books import read_book, sheet_xml

from landcycle.kit import sheets
from landcycle.kit.listing import table_response

FORMULA = '=HYPERLINK("http://evil.example","点此")'


def _xlsx(rows) -> bytes:
    buf = io.BytesIO()
    wb = sheets.workbook(buf, constant_memory=True)
    ws = wb.add_worksheet("s")
    sheets.write_header(ws, ["名称", "数"], wb.add_format(sheets.HEADER), widths=[20, 10])
    for r, row in enumerate(rows, 1):
        sheets.write_row(ws, r, row)
    wb.close()
    return buf.getvalue()


def test_xlsx_writes_a_formula_like_text_as_text():
    data = _xlsx([[FORMULA, 1], ["+1+1", -2], ["@SUM(A1)", None]])
    xml = sheet_xml(data)
    assert "<f>" not in xml
    assert 'pane ySplit="1"' in xml  # the header row is frozen
    assert read_book(data)["s"][1:] == [[FORMULA, 1.0], ["+1+1", -2.0], ["@SUM(A1)", ""]]


def test_csv_quotes_a_formula_like_text_and_leaves_numbers():
    data = sheets.csv_bytes(["名称", "数"], [[FORMULA, -2], ["-", 3]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["名称", "数"], ["'" + FORMULA, "-2"], ["'-", "3"]]
    streamed = "".join(sheets.csv_lines(["名称"], [[FORMULA]]))
    assert list(csv.reader(io.StringIO(streamed.lstrip("\ufeff")))) == [["名称"], ["'" + FORMULA]]


def test_a_list_without_a_ledger_writes_text_as_text():
    xlsx = table_response("xlsx", "t", ["名称"], [[FORMULA]])
    data = b"".join(xlsx.streaming_content)
    assert "<f>" not in sheet_xml(data)
    assert read_book(data)["t"][1] == [FORMULA]
    text = b"".join(table_response("csv", "t", ["名称"], [[FORMULA]]).streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1] == "\"'" + FORMULA.replace('"', '""') + '"'
