"""Substring search (``?q=``) at province scale: the search queries' plans and times, and the list pages with a search.

    createdb -h 127.0.0.1 -U postgres h_gen
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_gen LANDCYCLE_HOME=/tmp/gen \\
        PYTHONPATH=src .venv/bin/landcycle generate --enterprises 100000
    PYTHONPATH=src .venv/bin/python benchmarks/search.py postgres://postgres@127.0.0.1:5432/h_gen [--repeat 7]

The argument is a ``postgres://`` URL (``DATABASE_URL``) or a landcycle home (SQLite). Measured in this process:

* the SQL of each search as the code emits it (the enterprise list's, the parcel list's, the contract list's, and the
  global search's per kind), for a county administrator of the sample's top region (sees every row): on PostgreSQL
  ``EXPLAIN (ANALYZE)``, the median of ``--repeat`` executions' "Execution Time" and the indexes the plan reads
  (``*_trgm``: the trigram indexes of kit.trigram); the list's count (every match) and its first page (20 rows);
* the list pages and the global search page through Django's test client (DEBUG off, the page cache off), each
  request after the cache is emptied and the list shown once without the search: what a new search word costs.

The search words are taken from the data: a fragment of a firm's name (4 characters), of its USCC (8), of a contract
number (10) and of a parcel number (8), and the 2-character 电器 (no trigram: see kit.trigram). To compare without
the indexes: run it, ``DROP INDEX`` the ``*_trgm`` indexes (or measure before ``landcycle migrate`` adds them), run
it again; ``landcycle search-indexes`` creates them again.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time


def _setup(target: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    if target.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = target
    else:
        os.environ["LANDCYCLE_HOME"] = target
    os.environ["LANDCYCLE_DEBUG"] = "0"
    os.environ["LANDCYCLE_PAGE_CACHE"] = "0"
    os.environ["LANDCYCLE_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django  # noqa: PLC0415 -- after the settings module is chosen

    django.setup()


def _reader():
    from landcycle.accounts.models import Role, User  # noqa: PLC0415
    from landcycle.accounts.services import user_create  # noqa: PLC0415
    from landcycle.registry.models import Region  # noqa: PLC0415

    user = User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True, username="growth-admin").first()
    if user is None:
        top = min(Region.objects.all(), key=lambda r: (len(r.code), r.code))
        user = user_create(
            actor=None, username="growth-admin", password="growth-admin-pw", role=Role.COUNTY_ADMIN, region=top
        )
    return user


def _words() -> dict[str, str]:
    from landcycle.registry.models import Enterprise, Parcel  # noqa: PLC0415
    from landcycle.supervision.models import Contract  # noqa: PLC0415

    def middle(qs):
        return qs.order_by("pk")[qs.count() // 2]

    firm = middle(Enterprise.objects.all())
    contract = middle(Contract.objects.all())
    parcel = middle(Parcel.objects.all())
    return {
        "name": firm.name[2:6],  # past the city (宁波…) and before the ending (有限公司)
        "uscc": firm.uscc[8:16].lower(),
        "contract": contract.number[-10:],
        "parcel": parcel.number[-8:],
        "2-char": "电器",
    }


def _explain(qs, repeat: int, count: bool) -> dict:
    """EXPLAIN ANALYZE of ``qs`` (or of its count): the median execution time, the indexes read, the rows."""
    from django.db import connection  # noqa: PLC0415

    sql, params = qs.query.sql_with_params()
    if count:
        sql = f"SELECT COUNT(*) FROM ({sql}) AS matches"
    times, plan = [], None
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            (got,) = cursor.fetchone()
            plan = got[0] if isinstance(got, list) else json.loads(got)[0]
            times.append(plan["Execution Time"])
    text = json.dumps(plan)
    return {
        "ms": round(statistics.median(times), 1),
        "indexes": sorted(set(re.findall(r'"Index Name": "([^"]+)"', text))),
        "seq_scans": sorted(set(re.findall(r'"Node Type": "Seq Scan", [^{}]*?"Relation Name": "([^"]+)"', text))),
        "rows": plan["Plan"]["Plans"][0]["Actual Rows"] if count else plan["Plan"]["Actual Rows"],  # the matches
    }


def _queries(user, words: dict[str, str], repeat: int) -> dict:
    from django.db.models import Q  # noqa: PLC0415
    from django.http import QueryDict  # noqa: PLC0415

    from landcycle.registry.models import Enterprise, Parcel  # noqa: PLC0415
    from landcycle.registry.selectors import enterprise_listing, parcel_listing  # noqa: PLC0415
    from landcycle.supervision.models import Contract, Warning  # noqa: PLC0415
    from landcycle.supervision.selectors import contract_listing  # noqa: PLC0415

    out: dict = {}
    lists = {"enterprise list": enterprise_listing, "parcel list": parcel_listing, "contract list": contract_listing}
    cases = [
        ("enterprise list", "name"),
        ("enterprise list", "uscc"),
        ("enterprise list", "2-char"),
        ("contract list", "contract"),
        ("contract list", "2-char"),
        ("parcel list", "parcel"),
    ]
    for name, word in cases:
        listing, qs = lists[name](user, QueryDict(f"q={words[word]}"))
        out[f"{name}, {word}: count"] = _explain(qs, repeat, count=True)
        out[f"{name}, {word}: first page"] = _explain(listing.ordered(qs)[:20], repeat, count=False)
    # the global search's "contains" query per kind (registry.search, supervision.registry_hooks), without scope
    code = words["uscc"].upper()
    glob = {
        "global search, enterprises (name)": Enterprise.objects.filter(
            Q(name__icontains=words["name"]) | Q(uscc__icontains=words["name"].upper())
        ).order_by("name")[:8],
        "global search, enterprises (uscc)": Enterprise.objects.filter(
            Q(name__icontains=code) | Q(uscc__icontains=code)
        ).order_by("name")[:8],
        "global search, parcels": Parcel.objects.filter(
            Q(number__icontains=words["parcel"]) | Q(address__icontains=words["parcel"])
        ).order_by("number")[:8],
        "global search, contracts": Contract.objects.filter(
            Q(number__icontains=words["contract"])
            | Q(holder_name__icontains=words["contract"])
            | Q(project__icontains=words["contract"])
        ).order_by("number")[:8],
        "global search, enterprises (2-char)": Enterprise.objects.filter(
            Q(name__icontains="电器") | Q(uscc__icontains="电器")
        ).order_by("name")[:8],
    }
    for name, qs in glob.items():
        out[name] = _explain(qs, repeat, count=False)
    for word in ("name", "2-char"):  # the warning board's condition (supervision.board), every warning it matches
        qs = Warning.objects.filter(
            Q(subject_label__icontains=words[word])
            | Q(reason_zh__icontains=words[word])
            | Q(reason_en__icontains=words[word])
        )
        out[f"warning board, {word}: count"] = _explain(qs, repeat, count=True)
    return out


def _pages(user, words: dict[str, str], repeat: int) -> dict:
    from django.core.cache import cache  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    client = Client()
    client.force_login(user)
    pages = [
        ("/enterprises/", "name"),
        ("/enterprises/", "uscc"),
        ("/enterprises/", "2-char"),
        ("/contracts/", "contract"),
        ("/parcels/", "parcel"),
        ("/search/", "name"),
        ("/search/", "contract"),
        ("/search/", "2-char"),
        ("/warnings/", "name"),  # the warning board: subject_label, reason_zh, reason_en (not indexed)
        ("/audit/", "name"),  # the audit log: object_repr, object_id (not indexed)
    ]
    out = {}
    for path, word in pages:
        walls = []
        for _ in range(repeat):
            cache.clear()
            assert client.get("/enterprises/" if path == "/search/" else path).status_code == 200
            started = time.perf_counter()
            response = client.get(path, {"q": words[word]})
            walls.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        out[f"{path}?q= {word}"] = round(statistics.median(walls), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="a postgres:// URL or a landcycle home")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pages", type=int, default=5, help="requests per page (each after the cache is emptied)")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()
    _setup(args.target)
    from django.db import connection  # noqa: PLC0415

    user = _reader()
    words = _words()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%\\_trgm"])
        trigram = sorted(row[0] for row in cursor.fetchall())
    load = [round(x, 2) for x in os.getloadavg()]
    got = {"words": words, "trigram_indexes": trigram, "cpus": os.cpu_count(), "load_before": load}
    if connection.vendor == "postgresql":
        got["queries"] = _queries(user, words, args.repeat)
    got["pages_ms"] = _pages(user, words, args.pages)
    got["load_after"] = [round(x, 2) for x in os.getloadavg()]
    json.dump(got, sys.stdout, ensure_ascii=False, indent=1)
    print()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(got, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
