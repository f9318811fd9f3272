"""A list's first page against its deepest (issue 18: a page's cost must not grow with the rows before it).

    LANDCYCLE_HOME=/tmp/lc-20k PYTHONPATH=src .venv/bin/python -m landcycle.cli generate --enterprises 20000
    PYTHONPATH=src .venv/bin/python benchmarks/deep_pages.py /tmp/lc-20k [--repeat 9] [--src DIR] [--json F]

The argument is a landcycle home (``LANDCYCLE_HOME``) or a ``postgres://`` URL (``DATABASE_URL``); ``--src`` runs
another checkout's code (``src`` of an older commit, to measure before a change) on the same database. The database
is read in a child process through Django's test client (no network, DEBUG off) as its first county administrator,
or, on a generated sample without accounts, as ``growth-admin`` (an administrator of the top region, created through
the audited user service; as in page_growth.py). For every address: one cold request (not counted), then the median
of ``--repeat`` warm requests — wall time and the process's CPU time (on SQLite the database's work runs in the
process; on PostgreSQL it does not: read the wall time there) — and the SQL queries of one request.

The addresses, for each list: its first page, its last page by number (``?page=N``: an OFFSET over every row before
it), and where the list has one, its last page by key (the API's ``?cursor=``, the audit log's ``?older=``). Old
code ignores the parameters it does not know (it then shows the first page: compare those rows with care).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def _measure_here(repeat: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    os.environ["LANDCYCLE_ALLOWED_HOSTS"] = "testserver"
    import django  # noqa: PLC0415 -- after the settings module is chosen

    django.setup()
    import base64  # noqa: PLC0415

    from django.conf import settings  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from landcycle.accounts.models import Role, User  # noqa: PLC0415
    from landcycle.accounts.services import user_create  # noqa: PLC0415
    from landcycle.audit.models import AuditEntry  # noqa: PLC0415
    from landcycle.evaluation.models import EvaluationResult, EvaluationRun  # noqa: PLC0415
    from landcycle.registry.models import Enterprise, Parcel, Park, Region  # noqa: PLC0415
    from landcycle.supervision.models import Contract  # noqa: PLC0415

    user = User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True, username="growth-admin").first()
    user = user or User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk").first()
    if user is None:
        top = min(Region.objects.all(), key=lambda r: (len(r.code), r.code))
        user = user_create(
            actor=None, username="growth-admin", password="growth-admin-pw", role=Role.COUNTY_ADMIN, region=top
        )
    size, api_size = settings.PAGE_SIZE, 50

    def cursor(model_qs) -> str:
        """The API cursor of the last page: rows after the id ``api_size + 1`` from the end."""
        ids = list(model_qs.order_by("-pk").values_list("pk", flat=True)[: api_size + 1])
        return base64.urlsafe_b64encode(f"n{ids[-1]}".encode()).decode().rstrip("=") if ids else ""

    def last(n: int, per: int) -> int:
        return max(1, -(-n // per))

    run = EvaluationRun.objects.order_by("-pk").first()
    results = EvaluationResult.objects.filter(run=run)
    n_audit = AuditEntry.objects.count()
    oldest_seq = AuditEntry.objects.order_by("seq").values_list("seq", flat=True)[size : size + 1]
    town = Region.objects.filter(level=Region.Level.TOWN).order_by("code").first()
    in_town = AuditEntry.objects.filter(region_code__startswith=town.code)
    town_oldest = in_town.order_by("seq").values_list("seq", flat=True)[size : size + 1]
    lists = {
        "audit log": [
            ("first", "/audit/"),
            ("last by number", f"/audit/?page={last(n_audit, size)}"),
            ("last by key", f"/audit/?older={oldest_seq[0] if oldest_seq else 0}"),
        ],
        "audit log, one town": [
            ("first", f"/audit/?region={town.code}"),
            ("last by number", f"/audit/?region={town.code}&page={last(in_town.count(), size)}"),
            ("last by key", f"/audit/?region={town.code}&older={town_oldest[0] if town_oldest else 0}"),
        ],
        "parks": [("first", "/parks/"), ("last by number", f"/parks/?page={last(Park.objects.count(), size)}")],
        "parcels": [("first", "/parcels/"), ("last by number", f"/parcels/?page={last(Parcel.objects.count(), size)}")],
        "enterprises": [
            ("first", "/enterprises/"),
            ("last by number", f"/enterprises/?page={last(Enterprise.objects.count(), size)}"),
        ],
    }
    for name, path, qs in (
        ("api parcels", "/api/parcels/", Parcel.objects.all()),
        ("api enterprises", "/api/enterprises/", Enterprise.objects.all()),
        ("api contracts", "/api/contracts/", Contract.objects.all()),
        ("api evaluation results", f"/api/evaluation/runs/{run.pk if run else 0}/results/", results),
    ):
        lists[name] = [
            ("first", path),
            ("last by number", f"{path}?page={last(qs.count(), api_size)}"),
            ("first by key", f"{path}?cursor="),
            ("last by key", f"{path}?cursor={cursor(qs)}"),
        ]
    client = Client()
    client.force_login(user)
    out: dict = {
        "sizes": {
            "audit": n_audit,
            "parcels": Parcel.objects.count(),
            "enterprises": Enterprise.objects.count(),
            "contracts": Contract.objects.count(),
            "results": results.count(),
            "vendor": connection.vendor,
        },
        "user": user.username,
        "lists": {},
    }
    for name, pages in lists.items():
        out["lists"][name] = {}
        for label, url in pages:
            first = client.get(url)
            if first.status_code != 200:
                out["lists"][name][label] = {"url": url, "status": first.status_code}
                continue
            walls, cpus = [], []
            for _ in range(repeat):
                c, w = time.process_time(), time.perf_counter()
                response = client.get(url)
                walls.append((time.perf_counter() - w) * 1000)
                cpus.append((time.process_time() - c) * 1000)
                assert response.status_code == 200, (url, response.status_code, response.get("Location"))
            queries: list[str] = []
            with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
                client.get(url)
            out["lists"][name][label] = {
                "url": url,
                "wall_ms": round(statistics.median(walls), 1),
                "cpu_ms": round(statistics.median(cpus), 1),
                "queries": len(queries),
                "bytes": len(response.content),
            }
    return out


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", help="a landcycle home or a postgres:// URL")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--src", help="the code to run (a checkout's src; default: this one's)")
    parser.add_argument("--json", help="write the figures here too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure_here(args.repeat)))
        return
    if not args.target:
        parser.error("a landcycle home or a postgres:// URL")
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if args.target.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = args.target
    else:
        env["LANDCYCLE_HOME"] = args.target
    env["LANDCYCLE_DEBUG"] = "0"
    # this checkout's code unless told otherwise (an installed landcycle may be another checkout's)
    env["PYTHONPATH"] = os.path.abspath(args.src or os.path.join(os.path.dirname(__file__), "..", "src"))
    load_before = _load()
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--repeat", str(args.repeat)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    got = json.loads(done.stdout.splitlines()[-1])
    load_after = _load()
    print(f"load average before: {load_before}; after: {load_after}; {os.cpu_count()} cpus")
    print(f"{got['sizes']} as {got['user']}")
    print("| list | page | CPU ms | wall ms | queries | CPU / first | wall / first |")
    print("|---|---|---|---|---|---|---|")
    for name, pages in got["lists"].items():
        base = pages.get("first", {})
        for label, m in pages.items():
            if "cpu_ms" not in m:
                print(f"| {name} | {label} | status {m['status']} | | | | |")
                continue
            cpu_r = m["cpu_ms"] / base["cpu_ms"] if base.get("cpu_ms") else float("nan")
            wall_r = m["wall_ms"] / base["wall_ms"] if base.get("wall_ms") else float("nan")
            print(
                f"| {name} | {label} | {m['cpu_ms']:.0f} | {m['wall_ms']:.0f} | {m['queries']} | "
                f"{cpu_r:.2f} × | {wall_r:.2f} × |"
            )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"load": [load_before, load_after], **got}, f, indent=1)


if __name__ == "__main__":
    main()
