"""Crafted workbooks never break a worker or the command line (issue 10, items 2, 3 and 9).

Each file is built here, small: an .xlsx with one cell in A1 and one in XFD1048576 (calamine sizes a grid of
512 GiB and aborts the process), the same span in an .ods, a sheet of many MB of one repeated cell (a zip
bomb, also with its inflated size hidden in the archive), an encrypted Office file (a compound file with
``EncryptionInfo`` and ``EncryptedPackage`` streams). Each is refused with a message naming the limit and its
setting: through the pure reader, through ``landcycle import / supervise / evaluate`` (exit 2), through the
upload page (the message on the page, never a 500), and in a separate process that must end normally.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from landcycle.ledgers.models import ImportBatch
from landcycle.rules.codes import make_uscc
from landcycle.rules.ledger import LedgerUnusable, ReadLimits, read_ledger
from landcycle.rules.ledger.sources import _workbook, open_source

SRC = str(Path(__file__).resolve().parents[2] / "src")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def xlsx(sheet_data: str | bytes, dimension: str | None = None) -> bytes:
    """A minimal .xlsx with one sheet named 企业 holding ``sheet_data`` (the XML inside <sheetData>)."""
    if isinstance(sheet_data, str):
        sheet_data = sheet_data.encode()
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    sheet = f'<worksheet xmlns="{MAIN}">'.encode() + dim + b"<sheetData>" + sheet_data + b"</sheetData></worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


CORNERS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>统一社会信用代码</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
)


def corner_xlsx(declared: bool = True) -> bytes:
    """One cell in A1, one in XFD1048576 (with or without the <dimension> that says so)."""
    return xlsx(CORNERS, "A1:XFD1048576" if declared else None)


def bomb_xlsx(megabytes: int = 40) -> bytes:
    """A sheet of ``megabytes`` MB of one repeated cell: a few tens of KB compressed."""
    cell = b'<c t="inlineStr"><is><t>x</t></is></c>'
    row = b"<row>" + cell * 1000 + b"</row>"
    return xlsx(row * (megabytes * 1024 * 1024 // len(row)))


def hide_size(data: bytes, member: str) -> bytes:
    """The archive with ``member``'s inflated size declared as 1 KB (local header and central directory):
    a reader that trusts the declared size counts 1 KB and inflates everything."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    struct.pack_into("<I", out, info.header_offset + 22, 1024)
    cd = out.rfind(b"PK\x01\x02" + out[info.header_offset + 4 : info.header_offset + 6], 0)
    while cd != -1:
        (name_len,) = struct.unpack_from("<H", out, cd + 28)
        if out[cd + 46 : cd + 46 + name_len] == member.encode():
            struct.pack_into("<I", out, cd + 24, 1024)
            break
        cd = out.rfind(b"PK\x01\x02", 0, cd)
    return bytes(out)


def ods(table_body: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
            ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        z.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
            '<office:spreadsheet><table:table table:name="企业">'
            + table_body
            + "</table:table></office:spreadsheet></office:body></office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buf.getvalue()


ODS_CELL = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


def corner_ods() -> bytes:
    return ods(
        "<table:table-row>" + ODS_CELL + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="16383"/>' + ODS_CELL + "</table:table-row>"
    )


def libreoffice_ods() -> bytes:
    """What LibreOffice writes: a small table followed by a million empty repeated rows and columns."""
    return ods(
        "<table:table-row>" + ODS_CELL + '<table:table-cell table:number-columns-repeated="16383"/>'
        '</table:table-row><table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )


def encrypted_office() -> bytes:
    """A compound file (CFB v3, 512-byte sectors) whose directory holds the two streams of an encrypted
    .xlsx: sector 0 is the FAT, sector 1 the directory (root, EncryptionInfo, EncryptedPackage)."""
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 72, 0)  # DIFAT[0]: the FAT is sector 0
    struct.pack_into("<108I", header, 76, *([free] * 108))
    fat = struct.pack("<128I", fat_sect, end, *([free] * 126))

    def entry(name: str, kind: int, child: int = free, left: int = free, right: int = free) -> bytes:
        e = bytearray(128)
        raw = name.encode("utf-16-le") + b"\x00\x00"
        e[: len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1)
        struct.pack_into("<III", e, 68, left, right, child)
        struct.pack_into("<II", e, 116, end, 0)
        return bytes(e)

    directory = (
        entry("Root Entry", 5, child=1)
        + entry("EncryptionInfo", 2, right=2)
        + entry("EncryptedPackage", 2)
        + bytes(128)
    )
    return bytes(header) + fat + directory


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def xls(cells: list[tuple[int, int, float]]) -> bytes:
    """A minimal BIFF8 workbook (one sheet 企业 of NUMBER cells at (row, column)) in a compound file whose
    Workbook stream is above the 4096-byte mini-stream cutoff (padded with ignorable INTERFACEEND records)."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    head = _record(0x0809, bof) + _record(0x0042, struct.pack("<H", 1200)) + _record(0x00E2) * 1100
    name = "企业".encode("utf-16-le")

    def boundsheet(pos: int) -> bytes:
        return _record(0x0085, struct.pack("<IBBBB", pos, 0, 0, 2, 1) + name)

    stream = head + boundsheet(len(head) + len(boundsheet(0)) + 4) + _record(0x000A)
    stream += _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
    stream += b"".join(_record(0x0203, struct.pack("<HHHd", r, c, 0, v)) for r, c, v in cells) + _record(0x000A)
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    n = -(-len(stream) // 512)
    fat = [fat_sect, end, *range(3, 2 + n), end]
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 72, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))

    def entry(label: str, kind: int, start: int = end, size: int = 0, child: int = free) -> bytes:
        e = bytearray(128)
        raw = label.encode("utf-16-le") + b"\x00\x00"
        e[: len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1)
        struct.pack_into("<III", e, 68, free, free, child)
        struct.pack_into("<II", e, 116, start, size)
        return bytes(e)

    directory = entry("Root Entry", 5, child=1) + entry("Workbook", 2, 2, len(stream)) + bytes(256)
    return (
        bytes(header)
        + struct.pack("<128I", *fat, *([free] * (128 - len(fat))))
        + directory
        + stream
        + bytes(n * 512 - len(stream))
    )


def enterprises_xlsx() -> bytes:
    head = "".join(
        f'<c t="inlineStr"><is><t>{h}</t></is></c>'
        for h in ("统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "所属镇街")
    )
    body = "".join(
        f'<c t="inlineStr"><is><t>{v}</t></is></c>'
        for v in (make_uscc("91", "330282", "MA2H4K7D"), "某公司", "3311", "规下", "2019-11-13", "新浦镇")
    )
    return xlsx(f"<row>{head}</row><row>{body}</row>")


CRAFTED = {
    "corner.xlsx": (corner_xlsx, "ledger.too_many_cells", "LANDCYCLE_UPLOAD_MAX_CELLS"),
    "corner-undeclared.xlsx": (
        lambda: corner_xlsx(declared=False),
        "ledger.too_many_cells",
        "LANDCYCLE_UPLOAD_MAX_CELLS",
    ),
    "bomb.xlsx": (bomb_xlsx, "ledger.compression_ratio", "LANDCYCLE_UPLOAD_MAX_RATIO"),
    "bomb-hidden.xlsx": (
        lambda: hide_size(bomb_xlsx(), "xl/worksheets/sheet1.xml"),
        "ledger.compression_ratio",
        "LANDCYCLE_UPLOAD_MAX_RATIO",
    ),
    "corner.xls": (
        lambda: xls([(0, 0, 1.0), (65535, 65535, 2.0)]),
        "ledger.too_many_cells",
        "LANDCYCLE_UPLOAD_MAX_CELLS",
    ),
    "corner.ods": (corner_ods, "ledger.too_many_cells", "LANDCYCLE_UPLOAD_MAX_CELLS"),
    "locked.xlsx": (encrypted_office, "ledger.encrypted", "设有打开密码"),
}


# --- the pure reader ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CRAFTED))
def test_the_reader_refuses_each_crafted_file_with_the_limit_named(name):
    build, rule, words = CRAFTED[name]
    data = build()
    assert len(data) < 200_000  # small files, every one
    with pytest.raises(LedgerUnusable) as caught:
        read_ledger(data, "enterprises", filename=name)
    assert caught.value.rule == rule and words in caught.value.message and name in caught.value.message


def test_the_declared_and_the_actual_span_are_both_counted():
    with pytest.raises(LedgerUnusable, match="声明的范围") as declared:
        open_source(corner_xlsx(), "a.xlsx")
    assert "1,048,576行×16,384列" in declared.value.zh and "declares a range of 1,048,576 rows" in declared.value.en
    with pytest.raises(LedgerUnusable, match="单元格分布在") as spanned:
        open_source(corner_xlsx(declared=False), "b.xlsx")
    assert "17,179,869,184" in spanned.value.zh and "企业" in spanned.value.zh  # the sheet's own name


@pytest.mark.parametrize(
    "far",
    [
        '<c s="0" r="XFD1048576"><v>1</v></c>',  # the reference not first
        '<x:c xmlns:x="%s" r="XFD1048576"><x:v>1</x:v></x:c>' % MAIN,  # a namespace prefix
        '<c\nr="XFD1048576"><v>1</v></c>',  # a line break after the tag name
    ],
)
def test_a_far_cell_written_any_way_is_counted(far):
    data = xlsx('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">' + far + "</row>")
    with pytest.raises(LedgerUnusable, match="单元格分布在1,048,576行×16,384列"):
        open_source(data, "far.xlsx")


def test_cells_without_references_are_counted_by_position():
    data = xlsx("<row>" + "<c><v>1</v></c>" * 30 + "</row>" * 1 + "<row><c><v>2</v></c></row>")
    with pytest.raises(LedgerUnusable, match="2行×30列"):
        open_source(data, "implied.xlsx", limits=ReadLimits(max_cells=59))
    assert open_source(data, "implied.xlsx", limits=ReadLimits(max_cells=60)).load("企业", None).rows[1][0] == 2


def test_limits_are_arguments_and_a_file_within_them_reads():
    data = enterprises_xlsx()
    result = read_ledger(data, "enterprises", filename="ok.xlsx")
    assert result.rows[0]["name"] == "某公司" and not result.problems
    with pytest.raises(LedgerUnusable) as size:
        read_ledger(data, "enterprises", filename="ok.xlsx", limits=ReadLimits(max_bytes=1000))
    assert size.value.rule == "ledger.too_large" and "LANDCYCLE_UPLOAD_MAX_BYTES" in size.value.message
    with pytest.raises(LedgerUnusable) as cells:
        read_ledger(data, "enterprises", filename="ok.xlsx", limits=ReadLimits(max_cells=11))
    assert cells.value.rule == "ledger.too_many_cells" and "2行×6列" in cells.value.zh
    assert read_ledger(data, "enterprises", limits=ReadLimits(max_cells=12)).rows
    with pytest.raises(LedgerUnusable) as total:
        open_source(bomb_xlsx(3), "big.xlsx", limits=ReadLimits(max_uncompressed=2 * 1024 * 1024, max_ratio=10**6))
    assert total.value.rule == "ledger.too_large_uncompressed" and "LANDCYCLE_UPLOAD_MAX_UNCOMPRESSED" in total.value.en
    csv = ("统一社会信用代码,企业名称\n" * 200).encode()
    with pytest.raises(LedgerUnusable, match="LANDCYCLE_UPLOAD_MAX_BYTES"):
        open_source(csv, "big.csv", limits=ReadLimits(max_bytes=1000))


def test_a_generous_limit_lets_a_compressible_sheet_through():
    src = open_source(bomb_xlsx(2), "ok.xlsx", limits=ReadLimits(max_ratio=10**6))
    assert src.format == "xlsx" and src.sheet_names == ["企业"]


def test_the_loaded_grid_is_checked_before_it_becomes_python_rows():
    """The guard behind the archive checks (for .xls, whose grid calamine sizes from BIFF records)."""
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in "ABCDE") + "</row>" for r in range(1, 6)
    )
    src = _workbook(xlsx(rows), "xlsx", "grid.xlsx", ReadLimits(max_cells=24))
    with pytest.raises(LedgerUnusable, match="5行×5列") as caught:
        src.load("企业", None)
    assert caught.value.rule == "ledger.too_many_cells"


def test_an_xls_is_counted_off_its_workbook_stream():
    assert open_source(xls([(0, 0, 1.0), (1, 1, 2.0)]), "ok.xls").load("企业", None).rows == [[1.0, ""], ["", 2.0]]
    with pytest.raises(LedgerUnusable, match="3行×3列"):
        open_source(xls([(0, 0, 1.0), (2, 2, 2.0)]), "ok.xls", limits=ReadLimits(max_cells=8))


def test_libreoffice_trailing_empty_rows_are_not_counted():
    src = open_source(libreoffice_ods(), "lo.ods")
    assert src.format == "ods" and src.load("企业", None).rows == [["x"]]


def test_a_zip_that_is_not_a_workbook_or_is_damaged_is_unusable_not_a_crash():
    data = bytearray(enterprises_xlsx())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename)
    data[start : start + 40] = b"\xff" * 40  # the deflate stream of the sheet is broken
    with pytest.raises(LedgerUnusable) as caught:
        open_source(bytes(data), "broken.xlsx")
    assert caught.value.rule == "ledger.not_spreadsheet"


def test_a_binary_workbook_is_refused_since_its_sheets_cannot_be_counted():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
        z.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    with pytest.raises(LedgerUnusable, match="xlsb") as caught:
        open_source(buf.getvalue(), "b.xlsx")
    assert caught.value.rule == "ledger.not_spreadsheet"


def test_an_ordinary_ole_file_is_not_taken_for_an_encrypted_one():
    data = encrypted_office().replace("EncryptionInfo".encode("utf-16-le"), "WorkbookStream".encode("utf-16-le"))
    with pytest.raises(LedgerUnusable) as caught:
        open_source(data, "book.xls")
    assert caught.value.rule == "ledger.not_spreadsheet"


# --- a separate process: it must end normally with the message, never on a signal ---------------------------

READ = """
import sys
from landcycle.rules.ledger import LedgerUnusable, read_ledger
try:
    read_ledger(sys.argv[1], "enterprises")
except LedgerUnusable as exc:
    print(exc.rule)
    print(exc.message)
"""


def test_no_crafted_file_kills_the_process_that_reads_it(tmp_path):
    for name, (build, rule, words) in CRAFTED.items():
        path = tmp_path / name
        path.write_bytes(build())
        done = subprocess.run(
            [sys.executable, "-c", READ, str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            env=dict(os.environ, PYTHONPATH=SRC),
        )
        assert done.returncode == 0, (name, done.returncode, done.stderr[-2000:])
        assert done.stdout.splitlines()[0] == rule and words in done.stdout


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite run covers it")
def test_the_stand_alone_commands_exit_2_with_the_message(tmp_path):
    """``landcycle supervise`` and ``landcycle evaluate`` as real processes: exit 2, the message, no signal."""
    env = dict(os.environ, PYTHONPATH=SRC, LANDCYCLE_HOME=str(tmp_path))
    corner = tmp_path / "corner.xlsx"
    corner.write_bytes(corner_xlsx())
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(encrypted_office())
    cli = [sys.executable, "-m", "landcycle.cli"]
    for args in (
        ["supervise", str(corner), "--as-of", "2025-12-31", "--out", str(tmp_path / "r.json")],
        ["evaluate", str(corner), "--out", str(tmp_path / "r.xlsx")],
    ):
        done = subprocess.run(cli + args, capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 2, (args, done.returncode, done.stderr[-2000:])
        assert "ledger.too_many_cells" in done.stderr and "LANDCYCLE_UPLOAD_MAX_CELLS" in done.stderr
    done = subprocess.run(
        cli + ["supervise", str(locked), "--as-of", "2025-12-31", "--out", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 2 and "设有打开密码" in done.stderr and "password-protected" in done.stderr


# --- the command line and the upload page, with the database ------------------------------------------------


def run(*args) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        return 0, out.getvalue()
    except CommandError as exc:
        return exc.returncode, str(exc)


@pytest.mark.django_db
def test_landcycle_import_exits_2_with_the_message(registry_data, tmp_path, settings):
    for name, (build, rule, words) in CRAFTED.items():
        path = tmp_path / name
        path.write_bytes(build())
        code, message = run("import", "enterprises", str(path), "--dry-run", "-v0")
        assert code == 2 and rule in message and words in message, (name, code, message)
    settings.LANDCYCLE_UPLOAD_MAX_BYTES = 100  # checked on the file's size, before it is read
    path = tmp_path / "big.csv"
    path.write_bytes(b"x," * 100)
    code, message = run("import", "enterprises", str(path), "--dry-run", "-v0")
    assert code == 2 and "ledger.too_large" in message and "LANDCYCLE_UPLOAD_MAX_BYTES" in message
    settings.LANDCYCLE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    settings.LANDCYCLE_UPLOAD_MAX_CELLS = 11  # the settings reach the reader
    path = tmp_path / "ok.xlsx"
    path.write_bytes(enterprises_xlsx())
    code, message = run("import", "enterprises", str(path), "--dry-run", "-v0")
    assert code == 2 and "超过单元格上限11" in message


def upload(client, data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("ledger_import_new"), {"kind": "enterprises", "file": SimpleUploadedFile(name, data)}, follow=True
    )


@pytest.mark.django_db
def test_the_upload_page_answers_each_crafted_file_with_the_message(client, registry_data, personas, settings):
    client.force_login(personas["admin"])
    for name, (build, rule, words) in CRAFTED.items():
        response = upload(client, build(), name)
        body = response.content.decode()
        assert response.status_code == 200, (name, response.status_code)
        batch = ImportBatch.objects.filter(actor=personas["admin"]).latest("id")
        assert batch.status == "refused" and batch.problems[0]["rule"] == rule, name
        assert words in body and batch.problems[0]["zh"] in body.replace("&#x27;", "'"), name  # the reader's language
    settings.LANDCYCLE_UPLOAD_MAX_RATIO = 10**6
    settings.LANDCYCLE_UPLOAD_MAX_UNCOMPRESSED = 10 * 1024 * 1024
    upload(client, bomb_xlsx(), "bomb.xlsx")
    batch = ImportBatch.objects.filter(actor=personas["admin"]).latest("id")
    assert batch.problems[0]["rule"] == "ledger.too_large_uncompressed"
    assert "解压后超过10 MB" in batch.problems[0]["zh"]
