"""Server time and bytes of the county map's first load (the page and its outlines) and of the parcels of a view, on
the sample county, against the full parcel GeoJSON (the map's data before issue 13) in the same run; prints JSON.

    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python -m landcycle.cli demo --no-serve
    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python benchmarks/map_view.py [--repeat 7]

Works on a copy of the sample county's SQLite file. Requests go through Django's test client as the county
administrator (and a town officer for the outlines), each ``--repeat`` times; the median is reported. "cold" clears
Django's cache before every request (the outlines and the parcel index are derived anew, as after a parcel changes);
"warm" requests find them cached. The first load of the county map is the page plus map/outlines.geojson (at county
zoom no parcel is sent). Bytes are the body as sent with gzip (the client asks for it) and without.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import shapely


def measure(client, url: str, repeat: int, before=None) -> dict:
    times, body, zipped = [], b"", b""
    for _ in range(repeat):
        if before:
            before()
        t = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        zipped = response.content
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
    body = gzip.decompress(zipped) if zipped[:2] == b"\x1f\x8b" else zipped
    return {
        "bytes": len(body),
        "gzip_bytes": len(zipped),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "runs_ms": [round(x * 1000, 1) for x in times],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    home = Path(os.environ["LANDCYCLE_HOME"]).resolve()
    scratch = Path(tempfile.mkdtemp(prefix="lc-mapview-"))
    shutil.copy(home / "landcycle.sqlite3", scratch / "landcycle.sqlite3")
    shutil.copy(home / "secret_key", scratch / "secret_key")
    os.environ["LANDCYCLE_HOME"] = str(scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from landcycle.accounts.models import User
    from landcycle.registry.models import Parcel, Park

    admin, officer = Client(), Client()
    admin.force_login(User.objects.get(username="admin"))
    town_user = User.objects.filter(role="town_officer").order_by("username").first()
    officer.force_login(town_user)
    park = Park.objects.filter(town__code=town_user.region.code).order_by("code").first()
    west, south, east, north = park_box = _box(Parcel.objects.filter(park=park))
    # a view of 1366 × 520 px centred on the park, at the parcel zoom and two levels closer
    views = {}
    for zoom in (settings.LANDCYCLE_MAP_PARCEL_ZOOM, settings.LANDCYCLE_MAP_PARCEL_ZOOM + 2):
        span = 360 / (256 * 2**zoom)
        cx, cy = (west + east) / 2, (south + north) / 2
        bbox = f"{cx - 683 * span:.5f},{cy - 260 * span * 0.87:.5f},{cx + 683 * span:.5f},{cy + 260 * span * 0.87:.5f}"
        views[zoom] = reverse("map_parcels") + f"?bbox={bbox}&zoom={zoom}"
    out = {
        "parcels": Parcel.objects.count(),
        "parks": Park.objects.count(),
        "python": platform.python_version(),
        "sqlite": connection.Database.sqlite_version,
        "cpus": os.cpu_count(),
        "park_in_view": park.name,
        "park_box": park_box,
    }
    r = args.repeat
    admin.get(reverse("parcel_geojson"))  # warm the shapes' display cache as a running server has it
    admin.get(reverse("map_outlines"))
    results = {
        "reference: full parcel GeoJSON (old map data)": measure(admin, reverse("parcel_geojson"), r),
        "map page (HTML)": measure(admin, reverse("parcel_map"), r),
        "outlines, warm": measure(admin, reverse("map_outlines"), r),
        "outlines, cold (derived anew)": measure(admin, reverse("map_outlines"), r, before=cache.clear),
        "outlines, town officer, warm": measure(officer, reverse("map_outlines"), r),
    }
    for zoom, url in views.items():
        admin.get(url)
        results[f"parcels in view, zoom {zoom}"] = measure(admin, url, r)
        results[f"parcels in view, zoom {zoom}"]["features"] = len(json.loads(admin.get(url).content)["features"])
    first = results["map page (HTML)"]["median_ms"] + results["outlines, warm"]["median_ms"]
    results["county map first load (page + outlines, warm)"] = {"median_ms": round(first, 1)}
    out["results"] = results
    shutil.rmtree(scratch)
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    print()


def _box(parcels) -> list[float]:
    shapes = [shapely.geometry.shape(g) for g in parcels.values_list("geometry", flat=True) if g]
    return [round(x, 6) for x in shapely.total_bounds(shapes).tolist()]


if __name__ == "__main__":
    main()
