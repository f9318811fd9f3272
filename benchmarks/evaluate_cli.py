"""`landcycle evaluate` on a generated 100,000-row yearly-figures ledger (.xlsx) to .csv, end to end, and
print JSON.

    .venv/bin/python benchmarks/evaluate_cli.py [ROWS] [--repeat 5]

The ledger is written with XlsxWriter into a temporary directory: a title row, then a header with units
(统一社会信用代码, 企业名称, 年度, 所属镇街, 行业代码, 规模, 成立日期, eight figures, 自有/租赁/出租用地 in 亩),
~30 % 规上, ~10 % tenants without land of their own, gaps in emissions, and rows that cannot be evaluated
(a tax typed as text, no land, a duplicated credit code). The command runs as a user types it, in a fresh
process whose only database is Django's dummy backend (any query would fail): the time is the wall time
of the whole process — start-up, reading and checking the ledger, the evaluation, writing the CSV. The
same steps are then timed inside one process (read / evaluate / write) to show where the time goes.

The reference (``benchmarks/evaluate_reference.py``) is the same evaluation as a plain calamine → polars →
CSV pipeline in its own process: the columns taken by position, numbers that are not numbers left empty,
no header search, units, per-cell checks or problem report. Ours and the reference alternate, each
repeat; the JSON gives both medians and their ratio (aim: ours ≤ 1.5 × the reference, issue 11), and
checks that both score and class every evaluated firm alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import xlsxwriter

from landcycle.rules.codes import make_uscc, manufacturing_classes

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "所属镇街",
    "行业代码",
    "规模",
    "成立日期",
    "主营业务收入（万元）",
    "实缴税收（万元）",
    "工业增加值（万元）",
    "综合能耗（吨标准煤）",
    "主要污染物排放（吨）",
    "研发经费（万元）",
    "年平均职工人数",
    "用电量（万千瓦时）",
    "自有用地（亩）",
    "租赁用地（亩）",
    "出租用地（亩）",
]
TOWNS = ["新浦镇", "桥头镇", "横河镇", "观海卫镇", "周巷镇", "宗汉街道"]


def write_ledger(path: Path, n: int, seed: int = 11) -> dict:
    rng = np.random.default_rng(seed)
    classes = [c.code for c in manufacturing_classes()]
    above = rng.random(n) < 0.3
    tenant = ~above & (rng.random(n) < 0.1)
    owned = np.where(tenant, 0.0, np.round(rng.lognormal(np.log(np.where(above, 30, 6)), 0.9), 2))
    leased = np.where(tenant, np.round(rng.lognormal(np.log(2.5), 0.7), 2), 0.0)
    revenue = np.where(
        above, 2000 + rng.lognormal(np.log(12000), 1.1, n), np.minimum(rng.lognormal(np.log(500), 0.9, n), 1999)
    )
    tax = revenue * rng.lognormal(np.log(0.035), 0.6, n)
    va = revenue * rng.lognormal(np.log(0.22), 0.3, n)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("亩均数据")
    ws.write_string(0, 0, "2025年度工业企业亩均效益基础数据表")
    for c, h in enumerate(HEADER):
        ws.write_string(1, c, h)
    bad = {"text_tax": 0, "no_land": 0, "duplicate": 0}
    for i in range(n):
        r = i + 2
        code = make_uscc("91", "330282", f"{i:08d}")
        if i % 5000 == 4999:  # a duplicated credit code
            code = make_uscc("91", "330282", f"{i - 1:08d}")
            bad["duplicate"] += 1
        ws.write_string(r, 0, code)
        ws.write_string(r, 1, f"慈溪市企业{i:06d}有限公司")
        ws.write_number(r, 2, 2025)
        ws.write_string(r, 3, TOWNS[i % len(TOWNS)])
        ws.write_string(r, 4, classes[i % len(classes)])
        ws.write_string(r, 5, "规上" if above[i] else "规下")
        ws.write_string(r, 6, f"{1990 + i % 30}-{1 + i % 12:02d}-{1 + i % 28:02d}")
        figures = [
            revenue[i],
            tax[i],
            va[i],
            va[i] / rng.lognormal(1.0, 0.6),
            va[i] / rng.lognormal(8.5, 1.0),
            revenue[i] * 0.025,
            max(1, round(va[i] / 18)),
            max(tax[i], 1.0) / 1.5,
        ]
        for c, v in enumerate(figures, 7):
            if c == 11 and i % 12 == 0:
                continue  # no emission data: the group's average score
            ws.write_number(r, c, round(float(v), 2))
        if i % 4000 == 1:
            ws.write_string(r, 8, "约一千万")
            bad["text_tax"] += 1
        if i % 7000 == 3 and above[i]:  # no land at all (规上: see the report on 规下 rows without land)
            bad["no_land"] += 1
            continue
        if owned[i]:
            ws.write_number(r, 15, float(owned[i]))
        if leased[i]:
            ws.write_number(r, 16, float(leased[i]))
    wb.close()
    return bad


def nodb_env(tmp: Path) -> dict:
    (tmp / "nodb_settings.py").write_text(
        "from landcycle.settings import *  # noqa\nDATABASES = {'default': {'ENGINE': 'django.db.backends.dummy'}}\n",
        "utf-8",
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nodb_settings",
        "LANDCYCLE_HOME": str(tmp / "home"),
        "PYTHONPATH": os.pathsep.join([str(tmp), os.environ.get("PYTHONPATH", "")]),
    }


def in_process(ledger: Path, out: Path) -> dict:
    from landcycle.evaluation.ledger import read_evaluation_ledger
    from landcycle.evaluation.output import write
    from landcycle.rules.evaluation import evaluate, load_policy

    t0 = time.perf_counter()
    policy = load_policy()
    read = read_evaluation_ledger(ledger, policy)
    t1 = time.perf_counter()
    result = evaluate(read.frame, policy, year=2025)
    t2 = time.perf_counter()
    write(out, result, read)
    t3 = time.perf_counter()
    return {
        "read_s": round(t1 - t0, 2),
        "evaluate_s": round(t2 - t1, 2),
        "write_csv_s": round(t3 - t2, 2),
        "evaluated": result.frame.height,
        "problem_rows": len({p.row for p in read.problems} | {p.row for p in result.problems}),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ledger", type=Path, help="reuse a ledger this script wrote before (same ROWS, same seed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        ledger, out = tmp / "figures.xlsx", tmp / "result.csv"
        t = time.perf_counter()
        if args.ledger:
            ledger.write_bytes(args.ledger.read_bytes())
            bad = "reused"
        else:
            bad = write_ledger(ledger, args.rows)
        written = time.perf_counter() - t
        exe = Path(sys.executable).with_name("landcycle")
        env = nodb_env(tmp)
        times, ref_times = [], []
        reference = [
            sys.executable,
            str(Path(__file__).with_name("evaluate_reference.py")),
            str(ledger),
            str(tmp / "reference.csv"),
        ]
        for i in range(args.repeat):
            for which in (0, 1) if i % 2 == 0 else (1, 0):
                t = time.perf_counter()
                if which == 0:
                    p = subprocess.run(
                        [str(exe), "evaluate", str(ledger), "--out", str(out)],
                        env=env,
                        capture_output=True,
                        text=True,
                        timeout=600,
                    )
                    times.append(time.perf_counter() - t)
                    if p.returncode != 0:
                        raise SystemExit(f"landcycle evaluate failed ({p.returncode}): {p.stderr}")
                    summary = p.stdout.strip()
                else:
                    r = subprocess.run(reference, env=env, capture_output=True, text=True, timeout=600)
                    ref_times.append(time.perf_counter() - t)
                    if r.returncode != 0:
                        raise SystemExit(f"reference failed ({r.returncode}): {r.stderr}")
        lines = out.read_bytes().count(b"\n") - 1
        import polars as pl

        ours = pl.read_csv(out, infer_schema_length=0).filter(pl.col("outcome") == "evaluated")
        ref = pl.read_csv(tmp / "reference.csv", infer_schema_length=0)
        joined = ours.select("row", "score", "class").join(
            ref.select(pl.col("_row").alias("row"), "score", "class"), on="row", how="full", coalesce=True
        )
        same = (
            ours.height == ref.height
            and joined.filter(
                (pl.col("score") != pl.col("score_right"))
                | (pl.col("class") != pl.col("class_right"))
                | pl.col("score").is_null()
                | pl.col("score_right").is_null()
            ).height
            == 0
        )
        print(
            json.dumps(
                {
                    "benchmark": "landcycle evaluate LEDGER.xlsx --out OUT.csv (end to end, no database)",
                    "rows": args.rows,
                    "ledger_mb": round(ledger.stat().st_size / 1e6, 1),
                    "bad_rows_planted": bad,
                    "ledger_written_s": round(written, 1),
                    "wall_s": [round(x, 2) for x in times],
                    "median_s": round(statistics.median(times), 2),
                    "aim_s": 10,
                    "csv_rows": lines,
                    "reference_wall_s": [round(x, 2) for x in ref_times],
                    "reference_median_s": round(statistics.median(ref_times), 2),
                    "ratio_to_reference": round(statistics.median(times) / statistics.median(ref_times), 2),
                    "ratio_aim": 1.5,
                    "same_scores_and_classes_as_reference": same,
                    "evaluated": ours.height,
                    "load_average": os.getloadavg(),
                    "summary": summary,
                    "in_process": in_process(ledger, tmp / "again.csv"),
                    "machine": {
                        "python": platform.python_version(),
                        "cpus": os.cpu_count(),
                        "platform": platform.platform(),
                    },
                },
                ensure_ascii=False,
                indent=1,
            )
        )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    main()
