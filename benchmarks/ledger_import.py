"""Read, validate and import a 100,000-row, 14-column enterprise ledger (.xlsx); print JSON.

    .venv/bin/python benchmarks/ledger_import.py [ROWS] [--repeat N]

1. Writes the ledger with XlsxWriter (a title row, a 填报单位 row, a header with units; valid credit codes;
   enterprise columns and yearly-figure columns; one number in ten typed as text with separators).
2. Reads and validates it as the enterprise ledger and as the figures ledger, with our reader (calamine)
   and with an openpyxl-based reader of the same file: ``load_workbook(read_only=True)`` feeding the same
   header search, binding and conversions. Medians of ``--repeat`` runs (default 3).
3. Imports it into SQLite in a fresh temporary LANDCYCLE_HOME: the enterprises (100,000 created), their
   figures (100,000 created), the same enterprise file again (all unchanged), and a file where every
   enterprise changed one field (100,000 updated).
4. Peak memory of the process (``resource.getrusage(...).ru_maxrss``) after each step (``*_rss_mb``: a peak
   so far, so a step's figure includes every step before it). ``--import-only`` skips step 2.

openpyxl is a benchmark-only dependency (``pip install openpyxl==3.1.5``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

HOME = tempfile.mkdtemp(prefix="landcycle-bench-")
os.environ["LANDCYCLE_HOME"] = HOME
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402

from landcycle.rules.codes import make_uscc  # noqa: E402
from landcycle.rules.ledger import read as read_module  # noqa: E402
from landcycle.rules.ledger import read_ledger  # noqa: E402
from landcycle.rules.ledger.sources import SheetData, Source  # noqa: E402

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "行业代码",
    "规模",
    "成立日期",
    "状态",
    "所属镇街",
    "年度",
    "主营业务收入（万元）",
    "实缴税收（万元）",
    "工业增加值（万元）",
    "综合能耗（吨标准煤）",
    "年平均职工人数",
    "用电量（万千瓦时）",
]
TOWNS = ["新浦镇", "桥头镇", "横河镇", "观海卫镇", "周巷镇", "330282112", "330282109"]
INDUSTRIES = ["3851", "2929", "3311", "3484", "1713", "3130"]


def write(path: Path, n: int, name_suffix: str = "") -> None:
    rnd = random.Random(42)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("企业亩均数据")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    import datetime as dt

    ws.write_string(0, 0, "2025年度工业企业基本信息及亩均效益基础数据表")
    ws.write_string(1, 0, "填报单位：慈溪市经信局")
    for c, h in enumerate(HEADER):
        ws.write_string(2, c, h)
    for i in range(n):
        r = i + 3
        ws.write_string(r, 0, make_uscc("91", "330282", f"{i:08d}"))
        ws.write_string(r, 1, f"慈溪市企业{i:06d}有限公司{name_suffix}")
        ws.write_string(r, 2, INDUSTRIES[i % len(INDUSTRIES)])
        ws.write_string(r, 3, "规上" if i % 3 == 0 else "规下")
        ws.write_datetime(r, 4, dt.datetime(2000 + i % 24, 1 + i % 12, 1 + i % 28), date_fmt)
        ws.write_string(r, 5, "在营")
        ws.write_string(r, 6, TOWNS[i % len(TOWNS)])
        ws.write_number(r, 7, 2024)
        for c in range(8, 14):
            v = round(rnd.uniform(0, 50000), 2) if c != 12 else rnd.randint(1, 2000)
            if (i + c) % 10 == 0:
                ws.write_string(r, c, f"{v:,}")
            else:
                ws.write_number(r, c, v)
    wb.close()


def openpyxl_source(source, filename=None) -> Source:
    """The reference: the same pipeline fed by openpyxl instead of calamine."""
    from openpyxl import load_workbook

    wb = load_workbook(source, read_only=True, data_only=True)
    names = list(wb.sheetnames)

    def load(name, nrows):
        ws = wb[name]
        rows = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if nrows is not None and i >= nrows:
                break
            rows.append(["" if v is None else v for v in row])
        return SheetData(name, rows, None)

    return Source("xlsx", names, load)


def rss_mb() -> int:
    """Peak resident memory of the process so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        out = None  # let the previous result go before the next run
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def reference(path: Path, schema: str, repeat: int) -> tuple[float, int, int]:
    """(median seconds, rows, peak MB) of the openpyxl-fed pipeline, run in a child process."""
    read_module.open_source = openpyxl_source
    took, result = timed(lambda: read_ledger(path, schema), repeat)
    return took, len(result.rows), rss_mb()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    from django.core.management import call_command

    from landcycle.accounts.services import system_user
    from landcycle.audit.models import AuditEntry
    from landcycle.audit.services import audit_verify
    from landcycle.ledgers.services import ledger_import
    from landcycle.registry.models import Enterprise
    from landcycle.registry.regions import regions_load

    out: dict = {"benchmark": "ledger_import", "rows": n, "columns": len(HEADER), "repeat": repeat}
    tmp = Path(HOME)
    path = tmp / "enterprises.xlsx"
    t = time.perf_counter()
    write(path, n)
    out["write_s"] = round(time.perf_counter() - t, 2)
    out["file_bytes"] = path.stat().st_size

    schemas = () if "--import-only" in sys.argv else ("enterprises", "figures")
    for schema in schemas:
        ours, result = timed(lambda: read_ledger(path, schema), repeat)
        assert len(result.rows) == n, len(result.rows)
        out[f"read_validate_{schema}_s"] = round(ours, 2)
        out[f"problems_{schema}"] = len(result.problems)
        del result
    out["read_rss_mb"] = rss_mb()
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        out["openpyxl"] = "not installed: pip install openpyxl==3.1.5 for the reference reader"
        schemas = ()
    for schema in schemas:  # the reference runs in a child process: its memory is not counted as ours
        with multiprocessing.get_context("fork").Pool(1) as pool:
            ref, rows, peak = pool.apply(reference, (path, schema, repeat))
        assert rows == n, rows
        out[f"read_validate_{schema}_openpyxl_s"] = round(ref, 2)
        out[f"speedup_{schema}"] = round(ref / out[f"read_validate_{schema}_s"], 1)
        out[f"openpyxl_{schema}_rss_mb"] = peak
    call_command("migrate", verbosity=0, interactive=False)
    actor = system_user()
    regions_load(actor=actor, county="330282")
    audit0 = AuditEntry.objects.count()

    def run(kind, file, key):
        t = time.perf_counter()
        report = ledger_import(actor=actor, kind=kind, source=file)
        out[f"{key}_s"] = round(time.perf_counter() - t, 2)
        out[f"{key}_counts"] = report.counts()
        assert report.ok, report.problems[:3]
        out[f"{key}_rss_mb"] = rss_mb()

    run("enterprises", path, "import_enterprises")
    run("figures", path, "import_figures")
    run("enterprises", path, "reimport_enterprises")
    changed = tmp / "enterprises-renamed.xlsx"
    write(changed, n, name_suffix="（更名）")
    run("enterprises", changed, "update_enterprises")
    out["enterprises_in_db"] = Enterprise.objects.count()
    out["audit_entries"] = AuditEntry.objects.count() - audit0
    t = time.perf_counter()
    out["audit_chain_ok"] = audit_verify().ok
    out["audit_verify_s"] = round(time.perf_counter() - t, 2)
    out["peak_rss_mb"] = rss_mb()
    out.update(
        {
            "sqlite": __import__("sqlite3").sqlite_version,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        }
    )
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    try:
        main()
    finally:
        import shutil

        shutil.rmtree(HOME, ignore_errors=True)
