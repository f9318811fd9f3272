"""``landcycle generate --enterprises N`` on PostgreSQL, end to end, as a user runs it; print JSON.

    .venv/bin/python benchmarks/generate_cli.py N --database-url postgres://…/DB [--repeat R] [--src DIR …]

The database named in ``--database-url`` is DROPPED and created again before every run (use a scratch database of
your own). Each run is the command in a fresh process (``python -m landcycle.cli generate --enterprises N``, the
empty database's migrations included, as in a first run); reported per run: the wall clock and the time the
command reports (without the interpreter's start), the process's CPU time (user + sys, PostgreSQL's own CPU not in
it), the command's own split (plan / write / evaluate), the audit entries and the load average (1 min) before and
after — the machine may be shared; with ``--verify``, what ``landcycle audit verify`` said of the chain and its
time. ``--src`` (repeatable): run each of these source trees (a folder holding ``src/landcycle``, e.g. an older
commit exported with ``git archive``) in turn, alternating, to compare them under the same load; default: this
checkout. Medians per tree over R repeats (default 1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
REPORT = re.compile(r"plan_s ([\d.]+), write_s ([\d.]+), evaluate_s ([\d.]+)")


def _psql(url, sql: str) -> None:
    subprocess.run(
        ["psql", "-q", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
        + ["-d", "postgres", "-c", sql],
        check=True,
    )


def one_run(src: Path, n: int, database_url: str, home: str, verify: bool) -> dict:
    url = urlparse(database_url)
    name = url.path.lstrip("/")
    _psql(url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(url, f'CREATE DATABASE "{name}"')
    checkpoints = Path(home) / "audit-checkpoints"
    checkpoints.unlink(missing_ok=True)  # a new database: the checkpoints of the one before are not its own
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LANDCYCLE_HOME": home,
        "LANDCYCLE_AUDIT_CHECKPOINTS": str(checkpoints),
        "PYTHONPATH": str(src / "src"),
    }
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "landcycle.cli", "generate", "--enterprises", str(n)],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = REPORT.search(out)
    entries = re.search(r"audit_entries (\d+)", out)
    own = re.search(r"generated in ([\d.]+) s", out)
    out = {
        "src": str(src),
        "wall_s": round(wall, 1),
        "command_s": float(own.group(1)) if own else None,  # what the command says it took (no start-up)
        "cpu_s": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 1),
        "plan_write_evaluate_s": [float(x) for x in found.groups()] if found else None,
        "audit_entries": int(entries.group(1)) if entries else None,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    if verify:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "landcycle.cli", "audit", "verify"], cwd=src, env=env, capture_output=True, text=True
        )
        out["audit_verify"] = {
            "ok": done.returncode == 0,
            "s": round(time.perf_counter() - started, 1),
            "said": (done.stdout or done.stderr).strip()[-300:],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--database-url", required=True, help="a scratch PostgreSQL database: dropped every run")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--src", action="append", type=Path, help="a source tree to run (repeatable)")
    parser.add_argument("--verify", action="store_true", help="run `landcycle audit verify` after each run")
    args = parser.parse_args()
    trees = args.src or [ROOT]
    runs = []
    with tempfile.TemporaryDirectory(prefix="generate-home-") as home:
        for _ in range(args.repeat):
            for src in trees:
                runs.append(one_run(src.resolve(), args.n, args.database_url, home, args.verify))
                print(json.dumps(runs[-1], ensure_ascii=False), file=sys.stderr)
    medians = {
        str(src.resolve()): {
            key: statistics.median(r[key] for r in runs if r["src"] == str(src.resolve()))
            for key in ("wall_s", "cpu_s")
        }
        for src in trees
    }
    print(json.dumps({"enterprises": args.n, "runs": runs, "medians": medians}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
