"""What the lists read of the warnings without grouping them on every view (issue 18: a page costs what it shows):

- on each contract (``Contract.warn_rank``, ``warn_idle``, ``warn_grey``): the rank of its worst warning not closed
  (-1 when none), its open idle-land warnings, whether one is grey (not judged) — the contract list's order, its
  colour and idle filters and its cards read them off an index;
- one ``WarningSubject`` row per subject with warnings not closed: the warning board's rows (worst colour, oldest
  warning, label, town, park, open count, earliest verification due);
- one ``RefreshMark`` per region refreshed: the supervision date of the latest refresh (``selectors.last_checked``).

They are written by whoever writes the warnings, in the same transaction: the refresh (``refresh.warnings_refresh``:
the subjects it looked at) and every warning service (``services.warnings``: the subject of the warning). Each
write recomputes the subjects' values from their warnings and writes only what differs, so a value cannot drift
from the warnings by being updated incrementally. ``sync_all()`` recomputes everything (a database whose warnings
were written another way; the data migration does the same for existing databases).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from landcycle.kit.bulk import insert_rows

from .board import severity
from .models import Contract, RefreshMark, Warning, WarningSubject
from .selectors import IDLE_RULES

Key = tuple[str, int]
SUBJECT_FIELDS = ("subject_label", "town_id", "park_id", "severity", "oldest", "open_count", "verify_due")
CHUNK = 2000


def summaries(warnings: QuerySet) -> dict[Key, dict]:
    """{(subject type, id): the maintained values} of the subjects of ``warnings`` with a warning not closed; one
    query."""
    rows = (
        warnings.exclude(status=Warning.Status.CLOSED)
        .order_by()
        .values("subject_type", "subject_id")
        .annotate(
            x_severity=Max(severity()),
            x_rank=Max("rank"),
            x_oldest=Min("first_raised"),
            x_open_count=Count("id"),
            x_subject_label=Max("subject_label"),
            x_town_id=Max("town"),
            x_park_id=Max("park"),
            x_verify_due=Min("verify_due", filter=Q(status=Warning.Status.OPEN)),
            x_idle=Count("id", filter=Q(rule__in=IDLE_RULES, rank__gt=0)),
            x_grey=Count("id", filter=Q(colour=Warning.Colour.GREY)),
        )
    )
    return {(r["subject_type"], r["subject_id"]): {k[2:]: v for k, v in r.items() if k[:2] == "x_"} for r in rows}


def contract_values(summary: dict | None) -> tuple[int, int, bool]:
    """(warn_rank, warn_idle, warn_grey) of a contract from its summary (None: nothing open)."""
    if summary is None:
        return (-1, 0, False)
    return (summary["rank"], summary["idle"], bool(summary["grey"]))


def sync(warnings: QuerySet, subjects: QuerySet, contracts: QuerySet, keys: set[Key] | None = None) -> int:
    """Make the maintained values agree with the warnings: the ``WarningSubject`` rows of ``subjects`` and the
    columns of ``contracts``, recomputed from ``warnings`` (which must hold every warning of those subjects);
    with ``keys``, only those subjects. Returns how many rows were written."""
    new = summaries(warnings)
    old = {(s.subject_type, s.subject_id): s for s in subjects}
    if keys is not None:
        new = {k: v for k, v in new.items() if k in keys}
        old = {k: v for k, v in old.items() if k in keys}
    inserts, updates = [], []
    for key, v in new.items():
        values = {f: v[f] for f in SUBJECT_FIELDS}
        row = old.pop(key, None)
        if row is None:
            inserts.append(WarningSubject(subject_type=key[0], subject_id=key[1], **values))
        elif any(getattr(row, f) != x for f, x in values.items()):
            for f, x in values.items():
                setattr(row, f, x)
            updates.append(row)
    gone = [row.pk for row in old.values()]
    for i in range(0, len(gone), CHUNK):
        WarningSubject.objects.filter(pk__in=gone[i : i + CHUNK]).delete()
    insert_rows(WarningSubject, inserts)
    WarningSubject.objects.bulk_update(updates, SUBJECT_FIELDS, batch_size=500)  # the changed ones: few a refresh
    by_value: dict[tuple[int, int, bool], list[int]] = defaultdict(list)
    for pk, *current in contracts.order_by().values_list("pk", "warn_rank", "warn_idle", "warn_grey"):
        key = (Warning.SubjectType.CONTRACT.value, pk)
        if keys is not None and key not in keys:
            continue
        wanted = contract_values(new.get(key))
        if tuple(current) != wanted:
            by_value[wanted].append(pk)
    for (rank, idle, grey), pks in by_value.items():
        for i in range(0, len(pks), CHUNK):
            Contract.objects.filter(pk__in=pks[i : i + CHUNK]).update(warn_rank=rank, warn_idle=idle, warn_grey=grey)
    return len(inserts) + len(updates) + len(gone) + sum(len(p) for p in by_value.values())


def sync_subjects(keys: Iterable[Key]) -> int:
    """Recompute the maintained values of these subjects (after a warning service's write)."""
    keys = set(keys)
    if not keys:
        return 0
    cond = Q()
    ids: dict[str, list[int]] = defaultdict(list)
    for stype, sid in keys:
        ids[stype].append(sid)
    for stype, sids in ids.items():
        cond |= Q(subject_type=stype, subject_id__in=sids)
    contracts = Contract.objects.filter(pk__in=ids.get(Warning.SubjectType.CONTRACT.value, []))
    return sync(Warning.objects.filter(cond), WarningSubject.objects.filter(cond), contracts, keys)


def sync_all() -> int:
    """Recompute every maintained value from the warnings."""
    return sync(Warning.objects.all(), WarningSubject.objects.all(), Contract.objects.all())


def mark_refresh(scope: str, as_of: dt.date) -> None:
    """The latest refresh of ``scope`` (a region's code, "" for everything) was for ``as_of``."""
    RefreshMark.objects.update_or_create(scope=scope, defaults={"as_of": as_of, "at": timezone.now()})
