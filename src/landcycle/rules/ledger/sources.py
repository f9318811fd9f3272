"""Opening what a town sends: .xlsx / .xlsm / .xls / .ods through python-calamine, .csv in UTF-8 (with or
without BOM) or GB18030 (which covers GBK and GB2312), UTF-16 text from Excel's "Unicode text".

The format is read off the content, not the name. Encodings are tried strictly, in order
(utf-8-sig, gb18030): the one that decodes the whole file is recorded; nothing is ever replaced.
Rows keep their sheet position: ``rows[i]`` is what Excel shows as row ``i + 1``.

A workbook is checked against ``ReadLimits`` (``limits.py``: file size, inflated size, compression ratio,
cells per sheet) before calamine reads it, and an encrypted Office file is named as such: no file can make
the reader abort the process or exhaust its memory.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from landcycle.rules.formula_guard import csv_restore

from .limits import DEFAULT_LIMITS, ReadLimits, check_grid, check_size, check_workbook, is_encrypted_ole
from .result import LedgerUnusable

_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"Rar!": "RAR",
    b"\x1f\x8b": "gzip",
    b"7z\xbc\xaf": "7z",
    b"{\\rtf": "RTF",
}
_ODS = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


@dataclass
class SheetData:
    name: str
    rows: list[list]
    merges: list[tuple[tuple[int, int], tuple[int, int]]] | None = None


class Source:
    """An opened file: its format, sheet names, the CSV encoding, and sheets loaded on demand."""

    def __init__(self, fmt: str, names: list[str], loader, encoding: str | None = None):
        self.format, self.sheet_names, self.encoding = fmt, names, encoding
        self._loader = loader

    def load(self, name: str, nrows: int | None = None) -> SheetData:
        return self._loader(name, nrows)


def _unusable_format(name: str, what: str, what_zh: str | None = None) -> LedgerUnusable:
    return LedgerUnusable(
        f"{name} 不是电子表格（是{what_zh or what}文件），请上传 .xlsx、.xls 或 .csv",
        f"{name} is not a spreadsheet (it is a {what} file): upload .xlsx, .xls or .csv",
        rule="ledger.not_spreadsheet",
    )


def _encrypted(name: str) -> LedgerUnusable:
    return LedgerUnusable(
        f"{name} 设有打开密码，请取消密码后再上传",
        f"{name} is password-protected: remove the password and upload it again",
        rule="ledger.encrypted",
    )


def open_source(
    source: str | os.PathLike | bytes | bytearray | BinaryIO,
    filename: str | None = None,
    *,
    limits: ReadLimits | None = None,
) -> Source:
    """Open a ledger file. ``limits`` bound what a workbook may be (``ReadLimits()`` when not given)."""
    limits = limits or DEFAULT_LIMITS
    path = None
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        filename = filename or path.name
        try:
            check_size(path.stat().st_size, filename, limits)  # before reading it into memory
            data = path.read_bytes()
        except OSError as exc:
            raise LedgerUnusable(
                f"无法读取文件 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}", rule="ledger.unreadable"
            ) from None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read()
    else:
        raise TypeError(f"cannot read a ledger from {type(source).__name__}")
    name = filename or "upload"
    check_size(len(data), name, limits)
    if not data.strip():
        raise LedgerUnusable(f"{name} 是空文件", f"{name} is empty", rule="ledger.empty")
    head = data[:8]
    if head.startswith(_ZIP) or head.startswith(_OLE):
        fmt = "xls" if head.startswith(_OLE) else "ods" if data[30 : 30 + len(_ODS)] == _ODS else "xlsx"
        if fmt == "xls" and is_encrypted_ole(data):
            raise _encrypted(name)
        check_workbook(data, fmt, name, limits)
        return _workbook(data, fmt, name, limits)
    for magic, what in _BINARY.items():
        if head.startswith(magic):
            raise _unusable_format(name, what)
    return _csv(data, name)


def _workbook(data: bytes, fmt: str, name: str, limits: ReadLimits) -> Source:
    from python_calamine import CalamineWorkbook, PasswordError  # noqa: PLC0415 -- a native library, loaded on the first spreadsheet only (CSV needs none)

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise _encrypted(name) from None
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise LedgerUnusable(
            f"{name} 无法作为电子表格打开（{exc}）",
            f"{name} cannot be opened as a workbook ({exc})",
            rule="ledger.not_spreadsheet",
        ) from None
    visible = [m.name for m in book.sheets_metadata if getattr(m.visible, "name", "Visible") == "Visible"]
    names = visible or list(book.sheet_names)

    opened: dict = {}  # calamine parses a whole sheet when it is opened: open each once

    def load(sheet: str, nrows: int | None) -> SheetData:
        try:
            sh = opened.get(sheet) or opened.setdefault(sheet, book.get_sheet_by_name(sheet))
            check_grid(name, sheet, sh.height, sh.width, limits)
            rows = sh.to_python(skip_empty_area=False, nrows=nrows)
            merges = sh.merged_cell_ranges
        except LedgerUnusable:
            raise
        except Exception as exc:
            raise LedgerUnusable(
                f"无法读取工作表“{sheet}”（{exc}）",
                f"Cannot read sheet '{sheet}' ({exc})",
                rule="ledger.not_spreadsheet",
            ) from None
        return SheetData(sheet, rows, merges)

    return Source(fmt, names, load)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-16 by its BOM, else utf-8-sig, else gb18030 — each strictly."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise LedgerUnusable(
            f"无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK（第 {exc.start} 字节）",
            f"Cannot decode the file: it is neither UTF-8 nor GB18030/GBK (byte {exc.start})",
            rule="ledger.encoding",
        ) from None


def _delimiter(text: str) -> str:
    sample = text[:20000].splitlines()[:20]
    best, score = ",", 0
    for d in (",", "\t", ";", "|"):
        counts = [line.count(d) for line in sample if line.strip()]
        s = sum(counts)
        if s > score:
            best, score = d, s
    return best


def _csv(data: bytes, name: str) -> Source:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _unusable_format(name, "binary", "二进制")
    text, encoding = decode(data)
    stripped = text.lstrip()[:200].lower()
    if stripped.startswith(("<html", "<!doctype", "<?xml", "<table")):
        raise LedgerUnusable(
            f"{name} 是网页（HTML/XML）文件，不是表格；请用 Excel 打开后另存为 .xlsx",
            f"{name} is an HTML/XML page, not a spreadsheet: open it in Excel and save as .xlsx",
            rule="ledger.not_spreadsheet",
        )
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise LedgerUnusable(
            f"{name} 不是有效的 CSV（{exc}）", f"{name} is not a valid CSV ({exc})", rule="ledger.not_spreadsheet"
        ) from None
    width = max((len(r) for r in rows), default=0)
    for i, r in enumerate(rows):
        if len(r) < width:
            r.extend([""] * (width - len(r)))
        if any(v[:1] == "'" for v in r):  # '=… is how our exports keep a formula-like text as text
            rows[i] = [csv_restore(v) for v in r]
    sheet = SheetData(name, rows, None)
    return Source("csv", [name], lambda _n, nrows: sheet if nrows is None else SheetData(name, rows[:nrows]), encoding)
