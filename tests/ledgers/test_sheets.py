"""kit.sheets, the one spreadsheet writer: a text that would start a formula is written as text in .xlsx and
with a leading quote in CSV, whichever export writes it (ledger exports, lists without a ledger)."""

from __future__ import annotations

import csv
import io

import pytest
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


def _core(data: bytes) -> str:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode("utf-8")


def test_the_same_data_gives_the_same_xlsx_bytes_whenever_it_is_written():
    """Issue 18: a backup restored exports the same files byte for byte; XlsxWriter writes the moment of writing
    into docProps/core.xml unless told otherwise, the one writer fixes it (also after ``set_properties``)."""
    import datetime as dt
    import zipfile

    first = _xlsx([["甲", 1], ["乙", 2.5]])
    assert ">1980-01-01T00:00:00Z</dcterms:created>" in _core(first)
    assert dt.date.today().isoformat() not in _core(first)
    dates = {i.date_time for i in zipfile.ZipFile(io.BytesIO(first)).infolist()}
    assert len(dates) == 1 and dates.pop()[:1] == (1980,)  # XlsxWriter's own fixed date for the zip entries
    assert _xlsx([["甲", 1], ["乙", 2.5]]) == first
    assert _xlsx([["甲", 1], ["乙", 2.6]]) != first

    def titled(created=None) -> bytes:
        buf = io.BytesIO()
        wb = sheets.workbook(buf, created=created)
        wb.set_properties({"title": "标题"})
        wb.add_worksheet("s").write_string(0, 0, "x")
        wb.close()
        return buf.getvalue()

    assert titled() == titled() and "<dc:title>标题</dc:title>" in _core(titled())
    assert "1980-01-01T00:00:00Z" in _core(titled())
    when = dt.datetime(2026, 11, 29, 8, 30, tzinfo=dt.UTC)
    assert "2026-11-29T08:30:00Z" in _core(titled(when)) and titled(when) == titled(when)


@pytest.mark.django_db
def test_a_ledger_export_gives_the_same_bytes_twice(registry_data, personas):
    from landcycle.ledgers.export import ledger_export

    for kind in ("enterprises", "parcels", "figures"):
        assert ledger_export(user=personas["admin"], kind=kind) == ledger_export(user=personas["admin"], kind=kind)
