"""``landcycle generate --enterprises N [--contracts M] [--seed S] [--towns T] [--database | --out DIR]
[--as-of DATE]``: a scaled sample — counties of 浙江 with N enterprises, their parks, parcels, occupancies,
three years of figures and M contracts (default 1.5 × N) in every supervision state — written to the
database (migrated, empty registry; the latest year evaluated and published) or to ledger files that
``landcycle import`` reads. The same arguments always give the same sample."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from landcycle.sample import DEFAULT_SEED, REFERENCE_DATE
from landcycle.sample.ledger_files import write_ledgers
from landcycle.sample.persist.province import NotEmpty, persist_province
from landcycle.sample.scaled import Scale


class Command(BaseCommand):
    help = (
        "生成规模化示例数据 / generate a scaled sample: landcycle generate --enterprises N [--contracts M] "
        "[--seed S] [--towns T] [--database | --out DIR] [--as-of DATE]"
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, required=True, metavar="N", help="企业数 / enterprises")
        parser.add_argument(
            "--contracts", type=int, metavar="M", help="供地合同数（默认1.5×N） / contracts (default 1.5 × N)"
        )
        parser.add_argument("--seed", type=int, help="随机种子（默认固定） / random seed (default fixed)")
        parser.add_argument(
            "--towns",
            type=int,
            metavar="T",
            help="镇街数（默认约每210家企业一个） / towns (default one per ~210 enterprises)",
        )
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--database", action="store_true", help="写入数据库（默认） / write to the database (default)"
        )
        where.add_argument("--out", metavar="DIR", help="写出台账文件到目录 / write ledger files into DIR")
        parser.add_argument(
            "--as-of",
            metavar="DATE",
            help="数据所对应的监管基准日（默认2026-11-29） / the supervision date the sample is made for",
        )

    def handle(
        self, *args, enterprises, contracts=None, seed=None, towns=None, database=False, out=None, as_of=None, **opts
    ):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else REFERENCE_DATE
        except ValueError:
            raise CommandError(f"基准日“{as_of}”不是日期（YYYY-MM-DD） / --as-of '{as_of}' is not a date") from None
        if enterprises < 1 or (contracts is not None and contracts < 0):
            raise CommandError(
                "企业数须为正数，合同数不能为负 / --enterprises must be positive, --contracts not negative"
            )
        scale = Scale(
            enterprises=enterprises,
            contracts=contracts,
            seed=DEFAULT_SEED if seed is None else seed,
            towns=towns,
            as_of=day,
        )
        try:
            scale.counties()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        started = time.perf_counter()
        if out:
            summary = write_ledgers(scale, Path(out))
            where = out
        else:
            summary = self._database(scale, opts.get("verbosity", 1))
            where = "database"
        took = time.perf_counter() - started
        counts = ", ".join(f"{k} {v}" for k, v in summary.items())
        self.stdout.write(
            f"示例数据已生成（{took:.1f} 秒，{where}）/ sample generated in {took:.1f} s ({where}): {counts}"
        )
        if not out:
            self.stdout.write(f"下一步 / next: landcycle warnings refresh --as-of {day.isoformat()}")

    def _database(self, scale, verbosity: int) -> dict:
        call_command("migrate", verbosity=0, interactive=False)

        def progress(county: str, counts: dict) -> None:
            if verbosity > 1:
                self.stderr.write(f"  {county}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

        try:
            summary = persist_province(scale, progress=progress)
        except NotEmpty as exc:
            raise CommandError(str(exc)) from None
        if connection.vendor == "postgresql":
            # the rows went in by COPY and nothing has measured them yet: without statistics the planner guesses
            # (a list page took 402 ms instead of 30 on the 100,000-firm sample; docs/benchmarks.md, "Load")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return summary
