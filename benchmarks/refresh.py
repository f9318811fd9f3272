"""``landcycle warnings refresh`` at province scale on PostgreSQL, against a reference, and print JSON.

    .venv/bin/python benchmarks/refresh.py [--enterprises 100000] [--contracts M] [--repeats 3]
        [--database-url postgres://postgres@127.0.0.1:5432/landcycle_bench_refresh] [--reuse] [--keep] [--no-files]

1. A fresh database (the one named in the URL is dropped and created; ``--reuse`` keeps one a previous
   ``--keep`` run left) is migrated and filled by the generator (``landcycle generate``: N enterprises,
   M = 1.5 × N contracts, the latest year evaluated and published) — timed, with its steps; then the same
   sample is written as ledger files into a temporary directory (``--out``) — timed.
2. Each repeat runs, inside a transaction that is then rolled back (so every repeat starts from no
   warnings): the first refresh (every warning raised, with its history event and audit entry), a second
   one on the same day (must change and write nothing), and one the next day (days overdue move: every
   warning's figures are updated, colours that change get an event). Ours, then the reference
   (benchmarks/refresh_reference.py: the same refresh with the straightforward ORM readers and
   ``bulk_create`` writers it was first written with), alternating which goes first.
3. The warnings both write are compared (every column but the id) after the first and the next-day run.
Medians of the repeats; ratios reference / ours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

COLUMNS = (
    "subject_type",
    "subject_id",
    "rule",
    "colour",
    "rank",
    "reason_zh",
    "reason_en",
    "figures",
    "days_overdue",
    "fee_wan",
    "take_back",
    "exempt",
    "subject_label",
    "town_id",
    "park_id",
    "first_raised",
    "last_changed",
    "checked_on",
    "status",
    "policy_version",
)


def _database(url: str, drop_only: bool = False) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def _generate(scale, files: bool) -> dict:
    from django.core.management import call_command

    from landcycle.sample.ledger_files import write_ledgers
    from landcycle.sample.persist.province import persist_province

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    summary = persist_province(scale)
    out = {"generate_database_s": round(time.perf_counter() - started, 1), "generated": summary}
    if files:
        with tempfile.TemporaryDirectory(prefix="generate-out-") as tmp:
            started = time.perf_counter()
            rows = write_ledgers(scale, Path(tmp))
            out["generate_files_s"] = round(time.perf_counter() - started, 1)
            out["files_mb"] = round(sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20, 1)
            out["file_rows"] = rows
    return out


class QueryCount:
    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _snapshot():
    from landcycle.supervision.models import Warning

    return sorted(Warning.objects.values_list(*COLUMNS), key=lambda r: (r[0], r[1], r[2]))


def _runs(as_of: dt.date, keep_snapshots: bool) -> dict:
    """First, second and next-day refresh in one transaction, rolled back."""
    from django.db import connection, transaction

    from landcycle.accounts.services import system_user
    from landcycle.audit.models import AuditEntry
    from landcycle.supervision.models import WarningEvent
    from landcycle.supervision.refresh import warnings_refresh

    actor, out = system_user(), {}
    with transaction.atomic():
        for name, day in (("first", as_of), ("second", as_of), ("next_day", as_of + dt.timedelta(days=1))):
            counter = QueryCount()
            events, audit = WarningEvent.objects.count(), AuditEntry.objects.count()
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                r = warnings_refresh(actor=actor, as_of=day)
                seconds = time.perf_counter() - started
            out[name] = {
                "s": round(seconds, 2),
                "queries": counter.n,
                "raised": r.raised,
                "changed": r.changed,
                "updated": r.updated,
                "unchanged": r.unchanged,
                "events_written": WarningEvent.objects.count() - events,
                "audit_written": AuditEntry.objects.count() - audit,
            }
            if keep_snapshots and name != "second":
                out[name]["snapshot"] = _snapshot()
        transaction.set_rollback(True)
    return out


def _median(runs: list[dict], impl: str, name: str) -> float:
    return round(statistics.median(r[impl][name]["s"] for r in runs), 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--contracts", type=int)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/landcycle_bench_refresh")
    parser.add_argument("--reuse", action="store_true", help="use the database a previous --keep run left")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-files", action="store_true", help="do not time the generator's ledger files")
    args = parser.parse_args()
    os.environ["LANDCYCLE_HOME"] = tempfile.mkdtemp(prefix="bench-refresh-")
    os.environ["DATABASE_URL"] = args.database_url
    if not args.reuse:
        _database(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django

    django.setup()
    from landcycle.sample.scaled import Scale

    scale = Scale(enterprises=args.enterprises, contracts=args.contracts)
    report = {
        "benchmark": "warnings refresh at province scale (PostgreSQL), ours vs the ORM reference",
        "enterprises": scale.enterprises,
        "contracts": scale.contract_count,
    }
    if not args.reuse:
        report.update(_generate(scale, not args.no_files))
    from refresh_reference import reference

    runs, equal = [], True
    for i in range(args.repeats):
        run = {}
        for impl in ("ours", "reference") if i % 2 == 0 else ("reference", "ours"):
            if impl == "reference":
                with reference():
                    run[impl] = _runs(scale.as_of, keep_snapshots=i == 0)
            else:
                run[impl] = _runs(scale.as_of, keep_snapshots=i == 0)
        if i == 0:
            for name in ("first", "next_day"):
                equal &= run["ours"][name].pop("snapshot") == run["reference"][name].pop("snapshot")
        print(json.dumps({"repeat": i + 1, **run}), file=sys.stderr, flush=True)
        runs.append(run)
    report["medians_s"] = {
        impl: {name: _median(runs, impl, name) for name in ("first", "second", "next_day")}
        for impl in ("ours", "reference")
    }
    report["ratio_reference_over_ours"] = {
        name: round(report["medians_s"]["reference"][name] / report["medians_s"]["ours"][name], 2)
        for name in ("first", "second", "next_day")
    }
    report["same_warnings"] = equal
    report["last_run"] = {
        impl: {
            name: {k: v for k, v in runs[-1][impl][name].items() if k != "s"}
            for name in ("first", "second", "next_day")
        }
        for impl in ("ours", "reference")
    }
    report["aim_s"] = 30
    report["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if not args.keep:
        from django.db import connections

        connections.close_all()
        _database(args.database_url, drop_only=True)


if __name__ == "__main__":
    main()
