"""Appending N audit entries in bulk (``audit_append_many``: one COPY on PostgreSQL, ``bulk_create`` on SQLite)
against one by one (``audit_record`` per entry); print JSON.

    .venv/bin/python benchmarks/audit_bulk.py [N] [--repeat R] [--database-url postgres://…/DB]

Without ``--database-url``: a SQLite file in a fresh temporary LANDCYCLE_HOME. With it: that database, migrated
(not dropped or emptied — the chain already there is extended). Each repeat appends the same N entries (the
texts of a sample enterprise's creation: a snapshot of ~12 fields as ``after``) both ways, in the alternating
order, each in a transaction rolled back afterwards, after checking that the two ways wrote the same rows (every
column but the id) and that the chain verifies; medians of R repeats (default 3) and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time


class Rollback(Exception):
    pass


def entries(n: int) -> list:
    from landcycle.audit.services import NewEntry, canonical

    return [
        NewEntry(
            action="sample.enterprise.create",
            object_type="registry.enterprise",
            object_id=str(100_000 + i),
            object_repr=f"慈溪市第{i:06d}号机械有限公司",
            region_code="330282112",
            after=canonical(
                {
                    "id": 100_000 + i,
                    "uscc": f"91330282{i:010d}",
                    "name": f"慈溪市第{i:06d}号机械有限公司",
                    "industry_code": "3484",
                    "scale": "above" if i % 3 == 0 else "below",
                    "registered_on": "2015-06-01",
                    "status": "operating",
                    "town": 7,
                    "contact": "张三",
                    "version": 1,
                }
            ),
        )
        for i in range(n)
    ]


def one_way(how: str, actor, items: list) -> tuple[float, list]:
    """Append ``items`` one way, in a transaction rolled back afterwards; the seconds and the rows written."""
    from django.db import transaction

    from landcycle.audit.models import AuditEntry, AuditHead
    from landcycle.audit.services import _ROW_FIELDS, audit_append_many, audit_record, audit_verify

    rows: list = []
    seconds = 0.0
    try:
        with transaction.atomic():
            head = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
            started = time.perf_counter()
            if how == "bulk":
                audit_append_many(actor=actor, entries=items)
            else:
                for e in items:
                    audit_record(
                        actor=actor,
                        action=e.action,
                        object_type=e.object_type,
                        object_id=e.object_id,
                        object_repr=e.object_repr,
                        region_code=e.region_code,
                        after=json.loads(e.after),
                    )
            seconds = time.perf_counter() - started
            rows = list(AuditEntry.objects.filter(seq__gt=head).order_by("seq").values_list(*_ROW_FIELDS))
            if head < 50_000:  # the whole chain is walked: only on a small one
                assert audit_verify(checkpoints="").ok
            raise Rollback
    except Rollback:
        pass
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    os.environ["LANDCYCLE_HOME"] = tempfile.mkdtemp(prefix="landcycle-bench-audit-")
    os.environ["LANDCYCLE_AUDIT_CHECKPOINTS"] = ""
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from landcycle.accounts.services import system_user

    call_command("migrate", verbosity=0, interactive=False)
    actor = system_user()
    items = entries(args.n)
    instant = timezone.now()
    timezone.now = lambda: instant  # one instant for both ways, so that their rows can be compared
    times: dict[str, list[float]] = {"bulk": [], "one_by_one": []}
    for r in range(args.repeat):
        order = ["bulk", "one_by_one"] if r % 2 == 0 else ["one_by_one", "bulk"]
        written = {}
        for how in order:
            seconds, written[how] = one_way(how, actor, items)
            times[how].append(round(seconds, 3))
        assert written["bulk"] == written["one_by_one"] and len(written["bulk"]) == args.n, "the two ways differ"
    bulk, single = round(statistics.median(times["bulk"]), 3), round(statistics.median(times["one_by_one"]), 3)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "entries": args.n,
                "repeats": args.repeat,
                "bulk_s": bulk,
                "one_by_one_s": single,
                "one_by_one_over_bulk": round(single / bulk, 1),
                "bulk_us_per_entry": round(bulk / args.n * 1e6, 1),
                "one_by_one_us_per_entry": round(single / args.n * 1e6, 1),
                "runs": times,
                "same_rows": True,
                "cpus": os.cpu_count(),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "python": platform.python_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
