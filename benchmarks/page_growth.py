"""How a page's server cost grows with the database (issue 18: ≤ 1.5 × at 4 × the data), and print a table.

    LANDCYCLE_HOME=/tmp/lc-demo PYTHONPATH=src .venv/bin/python -m landcycle.cli demo --no-serve
    LANDCYCLE_HOME=/tmp/lc-20k PYTHONPATH=src .venv/bin/python -m landcycle.cli migrate
    LANDCYCLE_HOME=/tmp/lc-20k PYTHONPATH=src .venv/bin/python -m landcycle.cli generate --enterprises 20000
    PYTHONPATH=src .venv/bin/python benchmarks/page_growth.py /tmp/lc-demo /tmp/lc-20k [--repeat 7] [--json F]

Each argument is a landcycle home (``LANDCYCLE_HOME``) or a ``postgres://`` URL (``DATABASE_URL``). Each database is
measured in a child process of its own (Django is set up once per process), through Django's test client (no
network, DEBUG off), as the database's first county administrator (a generated sample, spread over several
counties, has no accounts: one, ``growth-admin``, is then created through the audited user service, an
administrator of the sample's top region — the province — so that it sees every row). For every page:
one cold request (not counted), then the median of ``--repeat`` warm requests — wall time and the process's CPU time
— and the SQL queries of one request. The last column of the table is the CPU time's ratio, second database over
first. The machine's load average is printed before and after: on a shared machine the wall times move with the
neighbours, the CPU times much less.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# (name, address); {run}, {enterprise}, {contract}, {parcel} are filled from the database measured
PAGES: list[tuple[str, str]] = [
    ("home", "/"),
    ("parks", "/parks/"),
    ("parcels", "/parcels/"),
    ("enterprises", "/enterprises/"),
    ("contracts", "/contracts/"),
    ("warnings board", "/warnings/"),
    ("audit log", "/audit/"),
    ("one enterprise", "/enterprises/{enterprise}/"),
    ("one contract", "/contracts/{contract}/"),
    ("evaluation results", "/evaluation/runs/{run}/results/"),
    ("api parcels", "/api/parcels/"),
    ("api enterprises", "/api/enterprises/"),
    ("api contracts", "/api/contracts/"),
    ("api warnings", "/api/warnings/"),
    ("api evaluation results", "/api/evaluation/runs/{run}/results/"),
]


def _measure_here(repeat: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    os.environ["LANDCYCLE_ALLOWED_HOSTS"] = "testserver"  # the test client's host
    import django  # noqa: PLC0415 -- after the settings module is chosen

    django.setup()
    from django.db import connection  # noqa: PLC0415 -- Django is set up above
    from django.test import Client  # noqa: PLC0415

    from landcycle.accounts.models import Role, User  # noqa: PLC0415
    from landcycle.accounts.services import user_create  # noqa: PLC0415
    from landcycle.evaluation.models import EvaluationRun  # noqa: PLC0415
    from landcycle.registry.models import Enterprise, Parcel, Region  # noqa: PLC0415
    from landcycle.supervision.models import Contract  # noqa: PLC0415

    user = User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk").first()
    if user is None:  # a generated sample: an administrator over all of it (its top region), to see every row
        top = min(Region.objects.all(), key=lambda r: (len(r.code), r.code))
        user = user_create(
            actor=None, username="growth-admin", password="growth-admin-pw", role=Role.COUNTY_ADMIN, region=top
        )
    county_code = user.region.code
    run = EvaluationRun.objects.filter(county__code__startswith=county_code).order_by("-pk").first()
    enterprise = Enterprise.objects.filter(town__code__startswith=county_code).order_by("pk").first()
    contract = Contract.objects.filter(town__code__startswith=county_code).order_by("pk").first()
    fill = {
        "run": run.pk if run else 0,
        "enterprise": enterprise.pk if enterprise else 0,
        "contract": contract.pk if contract else 0,
        "parcel": Parcel.objects.order_by("pk").values_list("pk", flat=True).first(),
    }
    sizes = {
        "enterprises": Enterprise.objects.count(),
        "parcels": Parcel.objects.count(),
        "contracts": Contract.objects.count(),
        "vendor": connection.vendor,
    }
    client = Client()
    client.force_login(user)
    out: dict = {"sizes": sizes, "user": user.username, "pages": {}}
    for name, pattern in PAGES:
        url = pattern.format(**fill)
        first = client.get(url)
        if first.status_code != 200:
            out["pages"][name] = {"url": url, "status": first.status_code}
            continue
        walls, cpus = [], []
        for _ in range(repeat):
            c, w = time.process_time(), time.perf_counter()
            response = client.get(url)
            walls.append((time.perf_counter() - w) * 1000)
            cpus.append((time.process_time() - c) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        queries: list[str] = []
        with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
            client.get(url)
        out["pages"][name] = {
            "url": url,
            "wall_ms": round(statistics.median(walls), 1),
            "cpu_ms": round(statistics.median(cpus), 1),
            "queries": len(queries),
            "bytes": len(response.content),
        }
    return out


def _child(target: str, repeat: int) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if target.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = target
    else:
        env["LANDCYCLE_HOME"] = target
    env["LANDCYCLE_DEBUG"] = "0"
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--repeat", str(repeat)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="two landcycle homes or postgres:// URLs: smaller, larger")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", help="write the figures here too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure_here(args.repeat)))
        return
    if len(args.targets) != 2:
        parser.error("two databases: the smaller, then the larger")
    load_before = _load()
    small, large = (_child(t, args.repeat) for t in args.targets)
    load_after = _load()
    print(f"load average before: {load_before}; after: {load_after}; {os.cpu_count()} cpus")
    print(f"small: {small['sizes']} as {small['user']}")
    print(f"large: {large['sizes']} as {large['user']}")
    print("| page | small: CPU ms (wall), queries | large: CPU ms (wall), queries | CPU ratio |")
    print("|---|---|---|---|")
    for name, _url in PAGES:
        a, b = small["pages"][name], large["pages"][name]
        if "cpu_ms" not in a or "cpu_ms" not in b:
            print(f"| {name} | status {a.get('status', 200)} | status {b.get('status', 200)} | |")
            continue
        ratio = b["cpu_ms"] / a["cpu_ms"] if a["cpu_ms"] else float("nan")
        print(
            f"| {name} | {a['cpu_ms']:.0f} ({a['wall_ms']:.0f}), {a['queries']} | "
            f"{b['cpu_ms']:.0f} ({b['wall_ms']:.0f}), {b['queries']} | {ratio:.2f} × |"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"load": [load_before, load_after], "small": small, "large": large}, f, indent=1)


if __name__ == "__main__":
    main()
