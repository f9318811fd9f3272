"""Checking a workbook before it is read, so that no upload can make the reader exhaust memory.

python-calamine sizes a sheet's grid from the cells it finds (rows x columns of their bounding box, 32 bytes
a cell) and aborts the whole process (SIGABRT, not an exception) when that allocation fails: one cell in A1
and one in XFD1048576 ask for 512 GiB. A zip bomb makes it inflate gigabytes. So before calamine sees a
file, ``check_workbook`` looks at it with bounded memory:

* every format: the file size (``max_bytes``);
* .xlsx / .xlsm / .ods (zip archives): each member is inflated as a stream (never whole into memory, the
  sizes declared in the archive are not trusted) and stopped as soon as the total passes ``max_uncompressed``
  or a member inflates more than ``max_ratio`` times its compressed size; each sheet's declared
  ``<dimension>`` and the bounding box of the cells it actually holds (counted off the stream) must stay within
  ``max_cells``;
* .xls and other OLE containers: an encrypted Office file (``EncryptionInfo`` + ``EncryptedPackage``
  streams) is named as such; the legacy .xls grid is at most 65,536 x 256 by format, and the loaded grid is
  checked against ``max_cells`` before it is turned into Python rows (``check_grid``).

Every refusal is a ``LedgerUnusable`` naming the limit and its setting, in both languages.
Pure Python: the limits come in as a ``ReadLimits`` (Django settings are turned into one by the caller).
"""

from __future__ import annotations

import copy
import html
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from .result import LedgerUnusable

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """What an uploaded workbook may be. Defaults are the product's defaults (``LANDCYCLE_UPLOAD_*`` settings)."""

    max_bytes: int = 50 * MB  # the file as sent
    max_uncompressed: int = 500 * MB  # all members of a zip (.xlsx/.ods) inflated
    max_ratio: int = 100  # a zip member's inflated size over its compressed size (members above 1 MB)
    max_cells: int = 10_000_000  # rows x columns of a sheet's grid (declared, or as the cells span it)

    @classmethod
    def from_env(cls, environ=None) -> ReadLimits:
        """The limits as the ``LANDCYCLE_UPLOAD_*`` environment variables set them (what settings.py reads too),
        for the stand-alone commands that start without Django."""
        env = os.environ if environ is None else environ
        return cls(
            **{
                field: int(env[f"LANDCYCLE_UPLOAD_{field.upper()}"])
                for field in ("max_bytes", "max_uncompressed", "max_ratio", "max_cells")
                if env.get(f"LANDCYCLE_UPLOAD_{field.upper()}")
            }
        )


DEFAULT_LIMITS = ReadLimits()
RATIO_FLOOR = 1 * MB  # small members may compress as well as they like
_CHUNK = 1 << 20


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n} B"


def _refuse(zh: str, en: str, rule: str) -> LedgerUnusable:
    return LedgerUnusable(zh, en, rule=rule)


def check_size(size: int, name: str, limits: ReadLimits) -> None:
    if size > limits.max_bytes:
        raise _refuse(
            f"{name} 有{size / MB:.1f} MB，超过文件大小上限{_mb(limits.max_bytes)}"
            "（设置 LANDCYCLE_UPLOAD_MAX_BYTES）；请按镇街或年度拆分后分别上传",
            f"{name} is {size / MB:.1f} MB, more than the file size limit of {_mb(limits.max_bytes)} "
            "(setting LANDCYCLE_UPLOAD_MAX_BYTES): split it by town or year",
            "ledger.too_large",
        )


def _too_many_cells(
    name: str, sheet: str, rows: int, cols: int, how_zh: str, how_en: str, limits: ReadLimits
) -> LedgerUnusable:
    return _refuse(
        f"{name} 的工作表“{sheet}”{how_zh}{rows:,}行×{cols:,}列（{rows * cols:,}个单元格），"
        f"超过单元格上限{limits.max_cells:,}（设置 LANDCYCLE_UPLOAD_MAX_CELLS）；"
        "请删除多余的行列（或按镇街、年度拆分）后再上传",
        f"Sheet '{sheet}' of {name} {how_en} {rows:,} rows x {cols:,} columns ({rows * cols:,} cells), more "
        f"than the cell limit of {limits.max_cells:,} (setting LANDCYCLE_UPLOAD_MAX_CELLS): delete the "
        "unused rows and columns (or split the file by town or year)",
        "ledger.too_many_cells",
    )


def check_grid(name: str, sheet: str, rows: int, cols: int, limits: ReadLimits) -> None:
    """A loaded sheet's grid, before it is turned into Python rows."""
    if rows * cols > limits.max_cells:
        raise _too_many_cells(name, sheet, rows, cols, "有", "has", limits)


# --- OLE (compound file): .xls, and every encrypted Office file --------------------------------------------


def _ole_names(data: bytes) -> set[str]:
    """Names in the compound file's directory. Directory entries are 128 bytes, sector-aligned: a name
    (UTF-16LE, 64 bytes) at a multiple of 128 followed by its length in bytes (with the NUL) at +64."""
    names = set()
    for target in ("EncryptionInfo", "EncryptedPackage"):
        needle = target.encode("utf-16-le") + b"\x00\x00"
        start = 512
        while (i := data.find(needle, start)) != -1:
            start = i + 1
            if i % 128 == 0 and len(data) >= i + 66:
                (length,) = struct.unpack_from("<H", data, i + 64)
                if length == len(needle):
                    names.add(target)
                    break
    return names


def is_encrypted_ole(data: bytes) -> bool:
    """An encrypted .xlsx/.docx (ECMA-376 agile or standard encryption) is a compound file holding an
    ``EncryptionInfo`` and an ``EncryptedPackage`` stream instead of a zip."""
    try:
        return {"EncryptionInfo", "EncryptedPackage"} <= _Cfb(data).entries.keys()
    except (ValueError, struct.error, IndexError):
        return _ole_names(data) == {"EncryptionInfo", "EncryptedPackage"}


class _Cfb:
    """Just enough of a compound file (MS-CFB) to read one stream: the FAT and mini-FAT chains, the directory."""

    END = 0xFFFFFFFE

    def __init__(self, data: bytes):
        self.data = data
        self.shift, self.mini_shift = struct.unpack_from("<HH", data, 30)
        if not (7 <= self.shift <= 16 and 1 <= self.mini_shift < self.shift):
            raise ValueError("bad sector size")
        self.size = 1 << self.shift
        n_fat, self.first_dir, _tx, self.cutoff, first_mini, n_mini, first_difat, n_difat = struct.unpack_from(
            "<IIIIIIII", data, 44
        )
        fat_sectors = [x for x in struct.unpack_from("<109I", data, 76) if x < self.END]
        per = self.size // 4 - 1
        sect, seen = first_difat, 0
        while sect < self.END and seen <= n_difat and len(fat_sectors) < n_fat:
            ids = struct.unpack_from(f"<{per + 1}I", self._sector(sect))
            fat_sectors += [x for x in ids[:per] if x < self.END]
            sect, seen = ids[per], seen + 1
        self.fat = b"".join(self._sector(x) for x in fat_sectors[:n_fat])
        self.entries: dict = {}
        directory = self._chain(self.fat, self.first_dir, self._sector)
        for off in range(0, len(directory) - 127, 128):
            (length,) = struct.unpack_from("<H", directory, off + 64)
            kind = directory[off + 66]
            if kind in (1, 2, 5) and 2 <= length <= 64:
                name = directory[off : off + length - 2].decode("utf-16-le", "replace")
                start, size = struct.unpack_from("<II", directory, off + 116)
                self.entries.setdefault(name if kind != 5 else "\0root", (start, size))
        self.minifat = self._chain(self.fat, first_mini, self._sector) if n_mini else b""

    def _sector(self, n: int) -> bytes:
        off = (n + 1) << self.shift
        if off + self.size > len(self.data) + self.size:  # the last sector may be short
            raise ValueError("sector outside the file")
        return self.data[off : off + self.size]

    def _chain(self, fat: bytes, start: int, read, limit: int | None = None) -> bytes:
        out, seen = [], 0
        most = len(self.data) // 64 + 1  # more links than that is a loop
        while start < self.END and start * 4 + 4 <= len(fat) and seen < most:
            out.append(read(start))
            (start,) = struct.unpack_from("<I", fat, start * 4)
            seen += 1
            if limit is not None and seen * len(out[0]) >= limit:
                break
        return b"".join(out)

    def stream(self, name: str) -> bytes | None:
        if name not in self.entries:
            return None
        start, size = self.entries[name]
        if size < self.cutoff and "\0root" in self.entries:
            mini = self._chain(self.fat, self.entries["\0root"][0], self._sector)
            msize = 1 << self.mini_shift
            return self._chain(self.minifat, start, lambda n: mini[n * msize : (n + 1) * msize], size)[:size]
        return self._chain(self.fat, start, self._sector, size)[:size]


_BIFF_CELLS = {
    0x0203,
    0x00FD,
    0x0204,
    0x027E,
    0x0205,
    0x0006,
    0x0201,
    0x00D6,
    0x0002,
    0x0003,
    0x0004,
    0x0005,
    0x0007,
    0x0406,
    0x0206,
}
_BIFF_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column ... last column


def check_xls(data: bytes, name: str, limits: ReadLimits) -> None:
    """The cells of every sheet of an .xls (BIFF5/8) counted off its Workbook stream: calamine sizes a sheet's
    grid from its cells' row and column (16-bit each), so two cells can ask for 65,536 x 65,536."""
    try:
        cfb = _Cfb(data)
        stream = cfb.stream("Workbook") or cfb.stream("Book")
    except (ValueError, struct.error, IndexError):
        return  # not a compound file we understand: calamine says what it is
    if not stream:
        return
    sheets: dict[int, str] = {}
    pos, start, rows, cols, n = 0, 0, 0, 0, 0
    while pos + 4 <= len(stream):
        typ, ln = struct.unpack_from("<HH", stream, pos)
        rec = stream[pos + 4 : pos + 4 + ln]
        if typ == 0x0085 and len(rec) >= 8:  # BOUNDSHEET: where a sheet starts, and its name
            cch, high = rec[6], rec[7] if len(rec) > 7 else 0
            raw = rec[8 : 8 + cch * (2 if high & 1 else 1)]
            sheets[struct.unpack_from("<I", rec)[0]] = raw.decode("utf-16-le" if high & 1 else "latin-1", "replace")
        elif typ in (0x0809, 0x0409, 0x0209, 0x0009):  # BOF
            start, rows, cols, n = pos, 0, 0, n + 1
        elif (typ in _BIFF_CELLS or typ in _BIFF_MULTI) and len(rec) >= 4:
            row, col = struct.unpack_from("<HH", rec)
            if typ in _BIFF_MULTI and len(rec) >= 6:
                col = max(col, struct.unpack_from("<H", rec, len(rec) - 2)[0])
            rows, cols = max(rows, row + 1), max(cols, col + 1)
            if rows * cols > limits.max_cells:
                sheet = sheets.get(start, f"#{n - 1}")
                raise _too_many_cells(name, sheet, rows, cols, "的单元格分布在", "has cells spanning", limits)
        pos += 4 + ln


# --- zip (.xlsx, .xlsm, .ods) -------------------------------------------------------------------------------

_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(c|row|dimension)(?=[\s/>])([^>]*)>")
_FAST_ROW = re.compile(rb'<c r="[A-Za-z]{1,4}([0-9]{1,8})"')  # literal prefixes: re searches them fast
_ODD_CELL = re.compile(rb'<c(?:[>/\t\r\n]| (?!r="))|:c[\s>/]')
_FAST_COL = re.compile(rb'<c r="([A-Za-z]{1,4})[0-9]')
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*>")
_ATTR_R = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([A-Za-z]*)([0-9]*)[\"']")
_ATTR_REF = re.compile(rb"(?:^|\s)ref\s*=\s*[\"']([^\"']*)[\"']")
_ODS_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ODS_REPEAT = {
    b"table-row": re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d+)[\"']"),
    b"cell": re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d+)[\"']"),
}
_ODS_NAME = re.compile(rb"(?:^|\s)(?:[\w.-]+:)?name\s*=\s*[\"']([^\"']*)[\"']")
_ODS_VALUE = re.compile(rb"value-type\s*=")


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _ref(ref: bytes) -> tuple[int, int] | None:
    m = re.fullmatch(rb"\$?([A-Za-z]{1,4})\$?([0-9]{1,8})", ref.strip())
    return (int(m.group(2)), _col(m.group(1))) if m else None


class _XlsxSheet:
    """Counts one worksheet's cells off its XML stream: the declared dimension and the cells' bounding box."""

    def __init__(self):
        self.declared: tuple[int, int] | None = None
        self.row = 0
        self.col = 0
        self.max_row = self.max_col = 0
        self.cells = 0

    def feed(self, chunk: bytes) -> None:
        """Cells with their reference (``r="B7"``, as every spreadsheet program writes them) are counted in C
        (regex findall); a chunk with cells whose position is implied goes through ``_walk``, tag by tag."""
        if b"dimension" in chunk:
            for m in _DIMENSION.finditer(chunk):
                self._walk(m.group(0))
        rows = _FAST_ROW.findall(chunk)
        if (len(rows) != chunk.count(b"<c") or b":c" in chunk) and _ODD_CELL.search(chunk):  # cells without
            # a reference, or written otherwise (a namespace prefix, a line break after the tag name)
            self._walk(chunk)
            return
        if not rows:
            return
        self.cells += len(rows)
        self.max_col = max(self.max_col, max(_col(c) for c in set(_FAST_COL.findall(chunk))))
        self.max_row = max(self.max_row, max(int(r) for r in set(rows)))
        last = chunk.rfind(b"<c r=")
        self._walk(chunk[last : chunk.find(b">", last) + 1])
        last_row = chunk.rfind(b"<row")
        if last_row > last:
            self._walk(chunk[last_row:])

    def _walk(self, chunk: bytes) -> None:
        for m in _XLSX_TAG.finditer(chunk):
            tag, attrs = m.group(1), m.group(2)
            if tag == b"c":
                r = _ATTR_R.search(attrs)
                if r and r.group(1) and r.group(2):
                    self.row, self.col = max(int(r.group(2)), 1), _col(r.group(1))
                else:
                    self.col += 1
                    self.row = max(self.row, 1)
                self.cells += 1
                self.max_row, self.max_col = max(self.max_row, self.row), max(self.max_col, self.col)
            elif tag == b"row":
                if attrs.rstrip().endswith(b"/"):  # <row/> holds no cells
                    r = _ATTR_R.search(attrs)
                    self.row = int(r.group(2)) if r and r.group(2) else self.row + 1
                    continue
                r = _ATTR_R.search(attrs)
                self.row = int(r.group(2)) if r and r.group(2) else self.row + 1
                self.col = 0
            elif tag == b"dimension":
                ref = _ATTR_REF.search(attrs)
                if ref:
                    ends = [_ref(p) for p in ref.group(1).split(b":")]
                    first, last = (ends[0], ends[-1]) if ends else (None, None)
                    if first is not None and last is not None and all(ends):
                        (r0, c0), (r1, c1) = first, last
                        self.declared = (abs(r1 - r0) + 1, abs(c1 - c0) + 1)

    def check(self, name: str, sheet: str, limits: ReadLimits) -> None:
        if self.declared and self.declared[0] * self.declared[1] > limits.max_cells:
            raise _too_many_cells(
                name, sheet, *self.declared, "声明的范围（dimension）为", "declares a range of", limits
            )
        if self.max_row * self.max_col > limits.max_cells:
            raise _too_many_cells(
                name, sheet, self.max_row, self.max_col, "的单元格分布在", "has cells spanning", limits
            )


class _OdsContent:
    """Counts every table of an .ods ``content.xml``: the bounding box of the cells that hold something,
    with repeated rows and columns expanded arithmetically (never materialised)."""

    def __init__(self, name: str, limits: ReadLimits):
        self.name, self.limits = name, limits
        self.table = ""
        self.row = self.col = 0
        self.max_row = self.max_col = 0
        self.row_repeat = 1
        self.row_max_col = 0

    def _end_table(self) -> None:
        if self.max_row * self.max_col > self.limits.max_cells:
            raise _too_many_cells(
                self.name, self.table, self.max_row, self.max_col, "的单元格分布在", "has cells spanning", self.limits
            )

    def feed(self, chunk: bytes) -> None:
        for m in _ODS_TAG.finditer(chunk):
            closing, tag, attrs = m.group(1), m.group(2), m.group(3)
            empty_elem = attrs.rstrip().endswith(b"/")
            if tag == b"table":
                if closing:
                    self._end_table()
                else:
                    n = _ODS_NAME.search(attrs)
                    self.table = n.group(1).decode("utf-8", "replace") if n else "?"
                    self.row = self.col = self.max_row = self.max_col = 0
            elif tag == b"table-row":
                if closing:
                    self._end_row()
                else:
                    rep = _ODS_REPEAT[b"table-row"].search(attrs)
                    self.row_repeat = int(rep.group(1)) if rep else 1
                    self.col, self.row_max_col = 0, 0
                    if empty_elem:
                        self._end_row()
            elif not closing:  # a cell (or covered cell)
                cell_rep = _ODS_REPEAT[b"cell"].search(attrs)
                count = int(cell_rep.group(1)) if cell_rep else 1
                if not empty_elem or _ODS_VALUE.search(attrs):
                    self.row_max_col = self.col + count
                self.col += count

    def _end_row(self) -> None:
        if self.row_max_col:
            self.max_row = self.row + self.row_repeat
            self.max_col = max(self.max_col, self.row_max_col)
            if self.max_row * self.max_col > self.limits.max_cells:
                self._end_table()
        self.row += self.row_repeat
        self.row_repeat = 1


def _sheet_paths(archive: zipfile.ZipFile, limits: ReadLimits) -> dict[str, str]:
    """Worksheet part -> sheet name, from xl/workbook.xml and its relationships (best effort, for messages)."""
    try:
        wb = _read_small(archive, "xl/workbook.xml", limits)
        rels = _read_small(archive, "xl/_rels/workbook.xml.rels", limits)
    except KeyError:
        return {}
    targets = {}
    for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        rid = re.search(rb"\bId\s*=\s*[\"']([^\"']*)", m.group(1))
        tgt = re.search(rb"\bTarget\s*=\s*[\"']([^\"']*)", m.group(1))
        if rid and tgt:
            t = tgt.group(1).decode("utf-8", "replace")
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    out = {}
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", wb):
        nm = re.search(rb"\bname\s*=\s*[\"']([^\"']*)", m.group(1))
        rid = re.search(rb"\b\w+:id\s*=\s*[\"']([^\"']*)", m.group(1))
        if nm and rid and rid.group(1) in targets:
            out[targets[rid.group(1)]] = _unescape(nm.group(1).decode("utf-8", "replace"))
    return out


def _unescape(s: str) -> str:
    return html.unescape(s)


def _read_small(archive: zipfile.ZipFile, member: str, limits: ReadLimits, cap: int = 16 * MB) -> bytes:
    info = archive.getinfo(member)
    out = bytearray()
    for chunk in _inflate(archive, info):
        out += chunk
        if len(out) > cap:
            break
    return bytes(out)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """A member's bytes in chunks, as many as its compressed data really inflate to: the size the archive
    declares is not trusted (zipfile would cut the stream there; another reader would not)."""
    real = copy.copy(info)
    real.file_size = 1 << 62  # read to the end of the compressed data, whatever was declared
    with archive.open(real) as stream:
        stream._expected_crc = None  # type: ignore[attr-defined]  # a cut-off declared size would otherwise be "checked" on the cut data
        while chunk := stream.read(_CHUNK):
            yield chunk


def _unusable_zip(name: str, exc: Exception) -> LedgerUnusable:
    return _refuse(
        f"{name} 无法作为电子表格打开（压缩包已损坏：{exc}）",
        f"{name} cannot be opened as a workbook (the archive is damaged: {exc})",
        "ledger.not_spreadsheet",
    )


def check_zip(data: bytes, fmt: str, name: str, limits: ReadLimits) -> None:
    """Inflate every member of an .xlsx/.ods as a stream and count: refuses a bomb or an absurd grid."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        sheets = _sheet_paths(archive, limits) if fmt == "xlsx" else {}
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        ValueError,
        EOFError,
        KeyError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise _unusable_zip(name, exc) from None
    if fmt == "xlsx" and any(
        i.filename.lower().endswith(".bin")
        and i.filename.lower().startswith("xl/worksheets/")
        or i.filename.lower() == "xl/workbook.bin"
        for i in infos
    ):
        # a binary workbook (.xlsb): its sheets are not XML and cannot be counted; calamine would read them
        raise _refuse(
            f"{name} 是 Excel 二进制工作簿（.xlsb），请用 Excel 或 WPS 打开后另存为 .xlsx",
            f"{name} is an Excel binary workbook (.xlsb): open it in Excel or WPS and save it as .xlsx",
            "ledger.not_spreadsheet",
        )
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        member = info.filename
        is_sheet = fmt == "xlsx" and (
            member in sheets or (member.startswith("xl/worksheets/") and member.endswith(".xml"))
        )
        counter = (
            _XlsxSheet()
            if is_sheet
            else _OdsContent(name, limits)
            if fmt == "ods" and member == "content.xml"
            else None
        )
        size, tail = 0, b""
        try:
            for chunk in _inflate(archive, info):
                size += len(chunk)
                total += len(chunk)
                if total > limits.max_uncompressed:
                    raise _refuse(
                        f"{name} 解压后超过{_mb(limits.max_uncompressed)}（设置 LANDCYCLE_UPLOAD_MAX_UNCOMPRESSED）；"
                        "请删除多余的工作表、图片和空白行列后再上传",
                        f"{name} inflates to more than {_mb(limits.max_uncompressed)} (setting "
                        "LANDCYCLE_UPLOAD_MAX_UNCOMPRESSED): delete unused sheets, pictures and empty "
                        "rows and columns",
                        "ledger.too_large_uncompressed",
                    )
                if size > RATIO_FLOOR and size > limits.max_ratio * max(info.compress_size, 1):
                    raise _refuse(
                        f"{name} 中的“{member}”解压后超过压缩大小的{limits.max_ratio}倍（设置 "
                        "LANDCYCLE_UPLOAD_MAX_RATIO），不像正常的表格文件；请用 Excel 或 WPS 打开后另存为 .xlsx",
                        f"'{member}' in {name} inflates to more than {limits.max_ratio} times its compressed "
                        "size (setting LANDCYCLE_UPLOAD_MAX_RATIO), which no ordinary workbook does: open it "
                        "in Excel or WPS and save it again as .xlsx",
                        "ledger.compression_ratio",
                    )
                if counter is not None:
                    buf = tail + chunk
                    cut = buf.rfind(b"<")
                    if cut != -1 and buf.find(b">", cut) == -1:
                        buf, tail = buf[:cut], buf[cut:]
                        if len(tail) > _CHUNK:  # one tag longer than a megabyte: not a sheet anyone wrote
                            raise _unusable_zip(name, ValueError(f"{member}: malformed XML"))
                    else:
                        tail = b""
                    counter.feed(buf)
        except LedgerUnusable:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            NotImplementedError,
            OSError,
            ValueError,
            EOFError,
            RuntimeError,
        ) as exc:
            raise _unusable_zip(name, exc) from None
        if isinstance(counter, _XlsxSheet):
            counter.check(name, sheets.get(member, member), limits)
        elif isinstance(counter, _OdsContent):
            counter._end_table()


def check_workbook(data: bytes, fmt: str, name: str, limits: ReadLimits | None = None) -> None:
    """Refuse, before calamine is asked, a workbook that would exhaust memory (see the module docstring)."""
    limits = limits or DEFAULT_LIMITS
    check_size(len(data), name, limits)
    if fmt in ("xlsx", "ods"):
        check_zip(data, fmt, name, limits)
    elif fmt == "xls":
        check_xls(data, name, limits)
