"""Every spreadsheet the product writes goes through kit.sheets (the one writer that keeps text from becoming a
formula): no other module opens an XlsxWriter workbook or a csv writer of its own."""

import re
from pathlib import Path

import landcycle

SRC = Path(landcycle.__file__).parent
WRITERS = re.compile(r"xlsxwriter\.Workbook\(|csv\.writer\(|import xlsxwriter|from xlsxwriter")


def test_only_kit_sheets_opens_a_workbook_or_a_csv_writer():
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        if path.relative_to(SRC).as_posix() != "kit/sheets.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WRITERS.search(line)
    ]
    assert found == []
