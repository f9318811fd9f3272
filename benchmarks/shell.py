"""What every page pays before its own work (issue 18): CPU per request and queries of cheap pages, by role.

    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python benchmarks/shell.py [--repeat 41] [--profile PAGE]

On a built demo (``landcycle demo --no-serve``), DEBUG off, in one process through Django's test client (the whole
middleware stack, the session and the sign-in as a browser has them, the context processors, the templates; the
connection closed or kept at the end of each request as the server would: the test client leaves that out). Each
page is asked ``--repeat`` times after two warm-up requests; the figure is the median CPU time
(``time.process_time``) of one request. ``/healthz`` (no template) is the floor of the stack. ``--profile PAGE``
prints cProfile's top functions for that page (cumulative), as the county administrator. ``--compare`` asks the
sessions of CONFIGS in turn, request by request; ``--conn-max-age 0`` closes the connection after each request, as
before issue 18's shell changes (docs/benchmarks.md, "The page shell"). Nothing is written but the sessions of the
sign-ins and an API token per user (valid one day).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
os.environ["LANDCYCLE_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def pages() -> dict[str, tuple[str, dict]]:
    from landcycle.accounts.models import User
    from landcycle.registry.models import Park

    park = Park.objects.filter(town=User.objects.get(username="xinpu").region).order_by("pk").first()  # all see it
    return {
        "healthz": ("/healthz", {}),
        "password page": ("/accounts/password/", {}),  # a form and the shell: no work of its own
        "park detail": (f"/parks/{park.pk}/", {}),
        "parks list": ("/parks/", {}),
        "home": ("/", {}),
        "api park": (f"/api/parks/{park.pk}/", {"api": True}),
    }


def mix_pages(username: str) -> dict[str, tuple[str, dict]]:
    """The pages of ``benchmarks/load.py``'s mix as ``username`` sees them (a row of each list of their scope)."""
    from landcycle.accounts.models import User
    from landcycle.accounts.scope import scoped
    from landcycle.evaluation.models import EvaluationRun
    from landcycle.registry.models import Enterprise, Parcel, Park
    from landcycle.supervision.models import Contract, Warning

    user = User.objects.get(username=username)
    first = {
        m.__name__: scoped(m.objects.all(), user).order_by("pk").first()
        for m in (Park, Parcel, Enterprise, Contract, Warning)
    }
    run = EvaluationRun.objects.order_by("-pk").first()
    table = {
        "home": ("/", {}),
        "park list": ("/parks/", {}),
        "parcel list": ("/parcels/", {}),
        "enterprise list": ("/enterprises/", {}),
        "contract list": ("/contracts/", {}),
        "warning board": ("/warnings/", {}),
        "map page": ("/map/", {}),
        "map outlines": ("/map/outlines.geojson", {}),
        "evaluation runs": ("/evaluation/", {}),
        "api parks": ("/api/parks/", {"api": True}),
        "api enterprises": ("/api/enterprises/", {"api": True}),
        "api warnings": ("/api/warnings/", {"api": True}),
    }
    for name, prefix in (("Park", "parks"), ("Parcel", "parcels"), ("Enterprise", "enterprises"),
                         ("Contract", "contracts"), ("Warning", "warnings")):  # fmt: skip
        if first[name] is not None:
            table[f"{name.lower()} detail"] = (f"/{prefix}/{first[name].pk}/", {})
    if run is not None:
        table["evaluation results"] = (f"/evaluation/runs/{run.pk}/results/", {})
        table["api evaluation results"] = (f"/api/evaluation/runs/{run.pk}/results/", {"api": True})
    return table


def _login(username: str) -> tuple[Client, str]:
    from landcycle.accounts.models import User
    from landcycle.api.services import token_create

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)  # a session in the database, as a sign-in makes
    _, key = token_create(actor=user, user=user, name="shell benchmark", days=1)
    return client, key


def _get(client: Client, key: str, url: str, api: bool):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}", "HTTP_ACCEPT": "application/json"} if api else {}
    response = client.get(url, **headers)  # with the session cookie too, as a browser or load.py sends it
    assert response.status_code == 200, (url, response.status_code)
    close_old_connections()  # what the server does at the end of a request (the test client leaves it out)
    return response


def measure(client: Client, key: str, url: str, api: bool, repeat: int) -> dict:
    for _ in range(2):
        _get(client, key, url, api)
    times = []
    for _ in range(repeat):
        start = time.process_time()
        _get(client, key, url, api)
        times.append((time.process_time() - start) * 1000)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        size = len(_get(client, key, url, api).content)
    return {"ms": round(statistics.median(times), 2), "queries": len(ctx.captured_queries), "bytes": size,
            "sql": [q["sql"][:120] for q in ctx.captured_queries]}  # fmt: skip


CONFIGS = {  # name: the backend the session names (a session signed in before RegionModelBackend, or after)
    "ModelBackend": "django.contrib.auth.backends.ModelBackend",
    "RegionModelBackend": "landcycle.accounts.backends.RegionModelBackend",
}


def compare(username: str, table: dict, repeat: int) -> dict:
    """The sessions of CONFIGS asked in turn, request by request (the neighbours' load falls on both alike). The
    connection is compared by running the script twice, ``--conn-max-age 0`` and without (one process each: a
    connection cannot be both kept and closed within one)."""
    from landcycle.accounts.models import User

    user = User.objects.get(username=username)
    clients = {}
    for name, backend in CONFIGS.items():
        clients[name] = Client()
        clients[name].force_login(user, backend=backend)
    _, key = _login(username)
    out = {}
    for page, (url, opts) in table.items():
        api = bool(opts.get("api"))
        times: dict[str, list[float]] = {name: [] for name in CONFIGS}
        queries = {}
        for i in range(repeat + 2):
            for name in CONFIGS:
                connection.queries_log.clear()
                start = time.process_time()
                with CaptureQueriesContext(connection) as ctx:
                    _get(clients[name], key, url, api)
                if i >= 2:
                    times[name].append((time.process_time() - start) * 1000)
                queries[name] = len(ctx.captured_queries)
        out[page] = {name: (round(statistics.median(t), 2), queries[name]) for name, t in times.items()}
        cells = "  ".join(f"{name} {ms:6.2f} ms {q:2}q" for name, (ms, q) in out[page].items())
        print(f"{username:8} {page:12} {cells}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=41)
    parser.add_argument("--users", default="admin,xinpu")
    parser.add_argument("--profile", default="")
    parser.add_argument("--mix", action="store_true", help="the pages of benchmarks/load.py's mix, per user")
    parser.add_argument("--sql", action="store_true", help="print each page's queries")
    parser.add_argument("--json", default="")
    parser.add_argument("--compare", action="store_true", help="the configurations of CONFIGS, interleaved")
    parser.add_argument("--conn-max-age", type=int, default=None, help="override CONN_MAX_AGE (compare)")
    args = parser.parse_args()
    if args.conn_max_age is not None:
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = args.conn_max_age
    print(f"load average {os.getloadavg()[0]:.2f}; CONN_MAX_AGE {connection.settings_dict['CONN_MAX_AGE']}")
    table = pages()
    results = {}
    if args.compare:
        for username in args.users.split(","):
            results[username] = compare(username, table, args.repeat)
        print(f"load average {os.getloadavg()[0]:.2f}")
        if args.json:
            with open(args.json, "w") as out:
                json.dump(results, out, indent=1)
        return
    for username in args.users.split(","):
        client, key = _login(username)
        if args.mix:
            table = mix_pages(username)
        for name, (url, opts) in table.items():
            row = measure(client, key, url, bool(opts.get("api")), args.repeat)
            results[f"{username} {name}"] = row
            print(f"{username:8} {name:22} {row['ms']:7.2f} ms  {row['queries']:3} queries  {row['bytes']:7} bytes")
            if args.sql:
                for sql in row["sql"]:
                    print("      ", sql)
        if args.profile and username == args.users.split(",")[0]:
            table = mix_pages(username) if args.mix else table
            url, opts = table[args.profile]
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(50):
                _get(client, key, url, bool(opts.get("api")))
            profile.disable()
            pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(45)
    print(f"load average {os.getloadavg()[0]:.2f}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
