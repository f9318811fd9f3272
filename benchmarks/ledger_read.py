"""Read and validate a generated 100,000-row, 14-column yearly-figures ledger (.xlsx) and print JSON.

    .venv/bin/python benchmarks/ledger_read.py [ROWS]

The file is written with xlsxwriter into a temporary directory: a title row, a 填报单位 row, a header
with units, valid credit codes, numbers mostly as numbers and one column in ten typed as text.
"""

from __future__ import annotations

import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from landcycle.rules.codes import make_uscc
from landcycle.rules.ledger import read_ledger

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "主营业务收入（万元）",
    "实缴税收（万元）",
    "工业增加值（万元）",
    "综合能耗（吨标准煤）",
    "主要污染物排放（吨）",
    "研发经费（万元）",
    "年平均职工人数",
    "用电量（万千瓦时）",
    "自有用地（亩）",
    "租赁用地（平方米）",
    "出租用地（亩）",
]


def write(path: Path, n: int) -> None:
    rnd = random.Random(42)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("亩均数据")
    ws.write_string(0, 0, "2025年度工业企业亩均效益基础数据表")
    ws.write_string(1, 0, "填报单位：某县经信局")
    for c, h in enumerate(HEADER):
        ws.write_string(2, c, h)
    for i in range(n):
        r = i + 3
        ws.write_string(r, 0, make_uscc("91", "330282", f"{i:08d}"))
        ws.write_string(r, 1, f"企业{i:06d}有限公司")
        ws.write_number(r, 2, 2024)
        for c in range(3, 14):
            v = round(rnd.uniform(0, 50000), 2) if c != 9 else rnd.randint(1, 2000)
            if (i + c) % 10 == 0:
                ws.write_string(r, c, f"{v:,}")
            else:
                ws.write_number(r, c, v)
    wb.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "figures.xlsx"
        t0 = time.perf_counter()
        write(path, n)
        t1 = time.perf_counter()
        result = read_ledger(path, "figures")
        t2 = time.perf_counter()
        size = os.path.getsize(path)
    print(
        json.dumps(
            {
                "benchmark": "ledger_read",
                "rows": n,
                "columns": len(HEADER),
                "file_bytes": size,
                "write_s": round(t1 - t0, 2),
                "read_validate_s": round(t2 - t1, 2),
                "rows_read": len(result.rows),
                "problems": len(result.problems),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
