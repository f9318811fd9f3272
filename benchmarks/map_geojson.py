"""Bytes and time of the map data on the sample county, before and after planting one huge parcel shape, and
print JSON.

    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python -m landcycle.cli demo --no-serve
    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python benchmarks/map_geojson.py [--points 100000] [--repeat 5]

Works on a copy of the sample county's SQLite file (the original is left as it was). Requests go through
Django's test client as the county administrator: the county map's GeoJSON endpoint (what the map page
fetches), the park page and the parcel page of the planted parcel. The planted shape is written straight into
the database (as data from before the limits would be), a near-circle of radius ~150 m with a jagged edge of
``--points`` vertices, in place of one sample parcel's shape. Bytes are the response body as sent without
gzip; the gzip size is given too.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def jagged_circle(lon: float, lat: float, points: int, radius_m: float = 150.0) -> dict:
    k = 1 / (111_320 * math.cos(math.radians(lat)))
    ring = []
    for i in range(points):
        a = 2 * math.pi * i / points
        r = radius_m * (1 + 0.02 * math.sin(i * 0.7))  # a ragged edge, as digitised boundaries are
        ring.append([round(lon + r * math.cos(a) * k, 9), round(lat + r * math.sin(a) / 111_320, 9)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def measure(client, url: str, repeat: int) -> dict:
    times, body = [], b""
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        body = response.content
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
    return {
        "bytes": len(body),
        "gzip_bytes": len(gzip.compress(body, 6)),
        "median_s": round(statistics.median(times), 3),
        "runs_s": [round(x, 3) for x in times],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    home = Path(os.environ["LANDCYCLE_HOME"]).resolve()
    scratch = Path(tempfile.mkdtemp(prefix="lc-map-"))
    shutil.copy(home / "landcycle.sqlite3", scratch / "landcycle.sqlite3")
    shutil.copy(home / "secret_key", scratch / "secret_key")
    os.environ["LANDCYCLE_HOME"] = str(scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from landcycle.accounts.models import User
    from landcycle.registry.models import Parcel

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    parcel = Parcel.objects.exclude(geometry=None).order_by("number").first()
    urls = {
        "county map data": reverse("parcel_geojson"),
        "park page": reverse("park_detail", args=[parcel.park_id]),
        "parcel page": reverse("parcel_detail", args=[parcel.pk]),
    }
    out = {
        "parcels": Parcel.objects.count(),
        "python": platform.python_version(),
        "sqlite": connection.Database.sqlite_version,
    }
    out["sample"] = {name: measure(client, url, args.repeat) for name, url in urls.items()}
    lon, lat = parcel.geometry["coordinates"][0][0]
    Parcel.objects.filter(pk=parcel.pk).update(geometry=jagged_circle(lon, lat, args.points))
    out["planted_points"] = args.points
    out["planted"] = {name: measure(client, url, args.repeat) for name, url in urls.items()}
    shutil.rmtree(scratch)
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
