"""What a ranking correction costs the request: before, the page computed the correction draft in the request
(``services.run_correct``: gather, the Monte Carlo, the gains, the write); now it queues a job
(``background.correct_queue``) and the worker does that work. Prints both, each in a transaction rolled back.

    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python -m landcycle.cli demo --no-serve
    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python benchmarks/ranking_correct.py [--repeat 5]

The run corrected is the latest published run of the database; the actor, its county's administrator. The POST
goes through Django's test client (no network); the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


class Rollback(Exception):
    pass


def timed(fn, repeat: int) -> list[float]:
    from django.db import transaction  # noqa: PLC0415 -- after django.setup()

    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        try:
            with transaction.atomic():
                fn()
                raise Rollback
        except Rollback:
            pass
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django  # noqa: PLC0415

    django.setup()
    from django.test import Client  # noqa: PLC0415

    from landcycle.accounts.models import User  # noqa: PLC0415
    from landcycle.ranking.models import RankingRun  # noqa: PLC0415
    from landcycle.ranking.services import run_correct  # noqa: PLC0415

    print("load average", os.getloadavg())
    run = RankingRun.objects.filter(state="published").select_related("county").order_by("-year", "-quarter").first()
    if run is None:
        raise SystemExit("no published ranking run: build the sample first (landcycle demo --no-serve)")
    admin = User.objects.filter(role="county_admin", region=run.county).first()
    print(f"run #{run.pk} {run.county.code} {run.label}: {run.results.count()} towns, as {admin.username}")
    before = timed(lambda: run_correct(actor=admin, run=run, reason="基准"), args.repeat)
    client = Client()
    client.force_login(admin)

    def post() -> None:
        r = client.post(f"/ranking/runs/{run.pk}/correct/", {"reason": "基准"}, HTTP_HOST="127.0.0.1")
        assert r.status_code == 302 and "/ranking/jobs/" in r["Location"], (r.status_code, r.get("Location"))

    now = timed(post, args.repeat)
    for name, times in (("computed in the request (before)", before), ("POST that queues the job (now)", now)):
        print(f"{name}: median {statistics.median(times):.3f} s, {' '.join(f'{t:.3f}' for t in times)}")
    print("load average", os.getloadavg())


if __name__ == "__main__":
    main()
