"""Keyset pages for a list shown newest first by a unique, indexed key (the audit log's ``seq``).

``?older=K`` shows the rows whose key is below K, ``?newer=K`` those above it (the page after, read backwards), no
parameter the newest: every page reads ``WHERE key < K ORDER BY key DESC LIMIT n + 1`` off the key's index, so the
last page costs what the first does (an OFFSET makes the database read and drop every row before the page). The
filters stay in the links (``{% querystring older=… newer=None %}``). A page reached by ``newer`` that is not full
holds the newest rows (fewer than a page): walking back shows no row twice."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet


def _key(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.isdigit() and len(raw) <= 18 else None


@dataclass
class KeysetPage:
    """One page; ``paginator.count`` is the caller's count (the pager shows it), ``older`` / ``newer`` the keys of
    the links (None: no such page)."""

    object_list: list
    count: int | None
    older: int | None = None
    newer: int | None = None
    at_newest: bool = True
    paginator: KeysetPage = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.paginator = self  # the pager and older templates read page_obj.paginator.count

    @property
    def oldest(self) -> int:
        return 0  # ?newer=0: the first rows ever (a page reached by newer is read upwards from its key)


def keyset_page(qs: QuerySet, key: str, get, size: int, count: int | None = None) -> KeysetPage:
    """The page of ``qs`` (filtered, any order) that ``get`` (the request's GET) asks for, newest first by ``key``."""
    newer, older = _key(get.get("newer")), _key(get.get("older"))
    if newer is not None:
        rows = list(qs.filter(**{f"{key}__gt": newer}).order_by(key)[: size + 1])
        more, rows = len(rows) > size, rows[:size][::-1]
        if not rows:
            return KeysetPage([], count, older=newer + 1 if newer else None, at_newest=False)
        older_key = getattr(rows[-1], key) if newer else None  # newer=0: from the very first row, none older
        # nothing above (``more`` false): the newest rows, though fewer than a page — not the newest page again,
        # which would show some of the rows just seen
        return KeysetPage(
            rows, count, older=older_key, newer=getattr(rows[0], key) if more else None, at_newest=not more
        )
    if older is not None:
        rows = list(qs.filter(**{f"{key}__lt": older}).order_by(f"-{key}")[: size + 1])
        more, rows = len(rows) > size, rows[:size]
        return KeysetPage(
            rows,
            count,
            older=getattr(rows[-1], key) if more else None,
            newer=getattr(rows[0], key) if rows else None,
            at_newest=False,
        )
    rows = list(qs.order_by(f"-{key}")[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    return KeysetPage(rows, count, older=getattr(rows[-1], key) if more else None)
