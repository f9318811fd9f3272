"""Persisting a 100,000-firm evaluation run (evaluation.services.run_create) and print JSON.

    .venv/bin/python benchmarks/evaluation_persist.py [FIRMS] [--database-url postgres://postgres@127.0.0.1:5432/landcycle_bench_ev]
    .venv/bin/python benchmarks/evaluation_persist.py 100000 --sqlite

A fresh database (PostgreSQL by default: the database named in the URL is dropped and created; or a
SQLite file in a temporary directory) is migrated and filled with the county's towns and FIRMS
enterprises, one parcel and one owned (or leased) occupancy each and a year of figures, written in bulk
(not timed). Then a draft run of the year is created the way the product does it — read the figures, land
at the year's end and registry fields (a fixed number of queries), evaluate, write every result
(``write_results``: one COPY on PostgreSQL, bulk_create on SQLite), one audit row — and timed as a whole and
by step; then it is recomputed (the old results deleted, new ones written) and published.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

TOWNS = 24


def _create_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    u = urlparse(url)
    name = u.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"database {name} created", flush=True)


def _drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def fill(n: int, year: int, seed: int = 5) -> dict:
    """Towns, one park per town, FIRMS enterprises with a parcel, an occupancy and figures each."""
    from landcycle.accounts.services import system_user
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
    from landcycle.registry.regions import regions_load
    from landcycle.rules.codes import make_uscc, manufacturing_classes

    actor = system_user()
    regions_load(actor=actor, county="330282")
    towns = list(Region.objects.filter(level=Region.Level.TOWN).order_by("code")[:TOWNS])
    parks = Park.objects.bulk_create(
        [Park(code=f"B{t.code}", name=f"{t.name}园区", kind="industrial", town=t) for t in towns]
    )
    rng = np.random.default_rng(seed)
    classes = [c.code for c in manufacturing_classes()]
    above = rng.random(n) < 0.3
    tenant = ~above & (rng.random(n) < 0.1)
    mu = np.round(rng.lognormal(np.log(np.where(above, 30, 6)), 0.9), 2)
    revenue = np.where(
        above, 2000 + rng.lognormal(np.log(12000), 1.1, n), np.minimum(rng.lognormal(np.log(500), 0.9, n), 1999)
    )
    tax = revenue * rng.lognormal(np.log(0.035), 0.6, n)
    va = revenue * rng.lognormal(np.log(0.22), 0.3, n)
    started = time.perf_counter()
    ents = Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=make_uscc("91", "330282", f"{i:08d}"),
                name=f"企业{i:06d}",
                industry_code=classes[i % len(classes)],
                scale="above" if above[i] else "below",
                registered_on=dt.date(1990 + i % 30, 1 + i % 12, 1),
                town=towns[i % TOWNS],
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    parcels = Parcel.objects.bulk_create(
        [
            Parcel(
                number=f"BP{i:07d}", park=parks[i % TOWNS], area_m2=round(float(mu[i]) * 2000 / 3, 2), tenure="granted"
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    Occupancy.objects.bulk_create(
        [
            Occupancy(
                enterprise=e,
                parcel=p,
                kind="leased" if tenant[i] else "owned",
                area_m2=p.area_m2,
                start=dt.date(2005, 1, 1),
            )
            for i, (e, p) in enumerate(zip(ents, parcels, strict=False))
        ],
        batch_size=5000,
    )
    YearlyFigure.objects.bulk_create(
        [
            YearlyFigure(
                enterprise=e,
                year=year,
                revenue=round(revenue[i], 2),
                tax=round(tax[i], 2),
                value_added=round(va[i], 2),
                energy_tce=round(va[i] / 2.7, 2),
                emissions_t=None if i % 12 == 0 else round(va[i] / 4900, 3),
                rnd=round(revenue[i] * 0.025, 2),
                staff=max(1, int(va[i] / 18)),
                electricity_10k_kwh=round(max(tax[i], 1.0) / 1.5, 2),
            )
            for i, e in enumerate(ents)
        ],
        batch_size=5000,
    )
    return {"firms": n, "towns": len(towns), "filled_s": round(time.perf_counter() - started, 1)}


def timed_run(year: int) -> dict:
    """run_create with each step timed (the steps are the service's own functions)."""
    from django.db import connection

    from landcycle.accounts.services import system_user
    from landcycle.evaluation import persist, services
    from landcycle.evaluation.models import EvaluationResult

    actor = system_user()
    steps: dict[str, float] = {}
    real_read, real_write = services.read_inputs, persist.write_results

    def read(years, county=""):
        t = time.perf_counter()
        out = real_read(years, county)
        steps["read_inputs_s"] = round(time.perf_counter() - t, 2)
        return out

    def write(run, result, towns):
        t = time.perf_counter()
        n = real_write(run, result, towns)
        steps["write_results_s"] = round(time.perf_counter() - t, 2)
        return n

    services.read_inputs, persist.write_results = read, write
    try:
        t = time.perf_counter()
        run = services.run_create(actor=actor, year=year)
        total = time.perf_counter() - t
        t = time.perf_counter()
        services.run_recompute(actor=actor, run=run)
        recompute = time.perf_counter() - t
        t = time.perf_counter()
        services.run_publish(actor=actor, run=run)
        publish = time.perf_counter() - t
    finally:
        services.read_inputs, persist.write_results = real_read, real_write
    return {
        "vendor": connection.vendor,
        "run_create_s": round(total, 2),
        **steps,
        "recompute_s": round(recompute, 2),
        "publish_s": round(publish, 2),
        "results": EvaluationResult.objects.filter(run=run).count(),
        "summary": run.summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("firms", nargs="?", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/landcycle_bench_ev")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="ev-persist-"))
    os.environ["LANDCYCLE_HOME"] = str(home)
    if args.sqlite:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = args.database_url
        _create_database(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    filled = fill(args.firms, args.year)
    out = timed_run(args.year)
    print(
        json.dumps(
            {
                "benchmark": "evaluation run persisted (run_create: read, evaluate, bulk write, audit)",
                **filled,
                **out,
                "aim_run_create_s": 30,
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    if not args.sqlite and not args.keep:
        from django.db import connections

        connections.close_all()
        _drop_database(args.database_url)


if __name__ == "__main__":
    main()
