"""Time of the 数据看板 (/dashboard/) on the sample county, and print JSON.

    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python -m landcycle.cli demo --no-serve
    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python benchmarks/dashboard.py [--repeat 15]

Requests go through Django's test client (no network), as the leader (the whole county) and as a town officer (one
town), in one process. The first request of each user is timed apart ("cold": vl-convert starts its JavaScript
engine and renders every chart); the repeats after it ("warm") find the charts in kit.charts' render cache, as a
page the county looks at again with the same figures does, so they time the database reads and the page. A third
figure renders every chart with the cache cleared each time (``uncached``: figures changed since the last view).
Reports the median and the slowest of each, in milliseconds, the number of SQL queries and the page's bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time


def measure(client, url: str, repeat: int, clear=None) -> dict:
    times, size = [], 0
    for _ in range(repeat):
        if clear:
            clear()
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django  # noqa: PLC0415 -- after the settings module is chosen

    django.setup()
    from django.db import connection  # noqa: PLC0415 -- Django is set up above
    from django.test import Client  # noqa: PLC0415

    from landcycle.accounts.models import Role, User  # noqa: PLC0415
    from landcycle.kit import charts  # noqa: PLC0415

    def clear() -> None:
        charts._svg.cache_clear()

    out: dict = {"machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}"}
    users = {
        "leader": User.objects.filter(role=Role.LEADER).order_by("pk").first(),
        "town_officer": User.objects.filter(role=Role.TOWN_OFFICER).order_by("pk").first(),
    }
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        cold = measure(client, "/dashboard/", 1)
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
            client.get("/dashboard/")
        out[who] = {
            "cold_ms": cold["median_ms"],
            "warm": measure(client, "/dashboard/", args.repeat),
            "uncached": measure(client, "/dashboard/", max(3, args.repeat // 3), clear),
            "queries": len(queries),
        }
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
