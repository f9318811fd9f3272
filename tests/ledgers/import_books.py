"""Helpers for the import/export tests: write .xlsx files with XlsxWriter, fill a template's first sheet the
way a user would (rows typed under the header), read a workbook back, make credit codes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter
from python_calamine import CalamineWorkbook

from landcycle.rules.codes import make_uscc

XINPU, QIAOTOU, COUNTY = "330282112", "330282109", "330282"


def uscc(n: int, prefix: str = "91") -> str:
    """A valid 统一社会信用代码, different for every n."""
    return make_uscc(prefix, "330282", f"LC{n:06d}")


def wrong_check(code: str) -> str:
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last


def write_xlsx(
    sheets: dict[str, list[list]], merges: dict[str, list[tuple]] | None = None, path: Path | None = None
) -> bytes:
    """``sheets``: name -> rows (row 0 is Excel row 1); ``merges``: name -> [(r0, c0, r1, c1, text)]. Strings
    stay strings, numbers numbers, dates real dates."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"strings_to_numbers": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
        for r0, c0, r1, c1, text in (merges or {}).get(name, []):
            ws.merge_range(r0, c0, r1, c1, text)
    wb.close()
    data = buf.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


def _col(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def fill_first_sheet(xlsx: bytes, rows: list[list], start_row: int = 2) -> bytes:
    """Type ``rows`` into the first worksheet from Excel row ``start_row`` on, keeping everything else of the
    workbook (formats, dropdowns, other sheets) as it is: what a user filling in a template does."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode("utf-8")
                cells = []
                for i, row in enumerate(rows):
                    r = start_row + i
                    parts = []
                    for c, v in enumerate(row):
                        ref = f"{_col(c)}{r}"
                        if v is None or v == "":
                            continue
                        if isinstance(v, (int, float)) and not isinstance(v, bool):
                            parts.append(f'<c r="{ref}"><v>{v}</v></c>')
                        else:
                            parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
                    cells.append(f'<row r="{r}">{"".join(parts)}</row>')
                xml = xml.replace("</sheetData>", "".join(cells) + "</sheetData>", 1)
                xml = re.sub(r'<dimension ref="[^"]*"/>', "", xml)
                data = xml.encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def read_book(data: bytes) -> dict[str, list[list]]:
    """Every visible sheet's rows as calamine returns them."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def sheet_xml(data: bytes, n: int = 1) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/sheet{n}.xml").decode("utf-8")


def zip_text(data: bytes, pattern: str) -> str:
    z = zipfile.ZipFile(io.BytesIO(data))
    return "".join(z.read(n).decode("utf-8") for n in z.namelist() if re.search(pattern, n))
