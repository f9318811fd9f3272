"""Figures kept in Django's cache (``settings.CACHES``: local memory by default, Redis for several servers) until a
write changes what they were computed from.

Each cached value is filed under the current *version* of the areas it reads (``"registry"``, ``"supervision"``…).
Writing bumps the version of the areas it changes, so the next read misses and computes anew; the old entries are
never read again and expire (``TIMEOUT``). Nothing is deleted by pattern, which Redis and local memory both do
cheaply and alike.

Who bumps: every write of the product is a service that appends its audit entry in the write's transaction
(audit.services); the apps declare at ready() which areas the writes of their models change (``watch("registry",
"registry")``), and each audit entry bumps them at once (readers inside the same transaction, and tests that never
commit, see the change), and the transaction once more on commit (a reader that computed from the old rows between the two
filed them under a version nobody reads any more). Imports write through the same audit (``audit_record_many``).
A write that leaves no audit entry calls ``bump(area)`` itself.

Scope: a cached value shown to a user is keyed by ``scope_key(user)`` (role and region): a user of another town
never reads another town's entry."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from landcycle.audit import services as audit_services

T = TypeVar("T")
TIMEOUT = 24 * 3600  # an entry nobody reads any more goes after a day; one still current is recomputed then
_WATCHED: dict[str, set[str]] = {}  # app label -> areas its audited writes change
_MISSING = object()


def _version_key(area: str) -> str:
    return f"lc:area:{area}"


def _fresh() -> int:
    """A first version that no earlier version reached (the cache may have been emptied while entries were not)."""
    return time.time_ns() // 1000


def _increment(areas: Iterable[str]) -> None:
    for area in areas:
        key = _version_key(area)
        try:
            cache.incr(key)
        except ValueError:  # not there (first write, or evicted): start afresh
            cache.set(key, _fresh(), None)


def bump(*areas: str) -> None:
    """The rows of ``areas`` changed (or are changing in the current transaction): drop what was cached from them.
    Inside a transaction: at once (what reads inside it sees) and once more on commit, however many writes it holds."""
    if not areas:
        return
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _increment(areas)
        return
    flush = next((e[1] for e in conn.run_on_commit if getattr(e[1], "lc_areas", None) is not None), None)
    if flush is None:
        flush = _Flush()
        transaction.on_commit(flush)
    flush.lc_areas.update(areas)
    _increment(areas)


class _Flush:
    """The on-commit bump of a transaction, holding the areas its writes changed."""

    def __init__(self) -> None:
        self.lc_areas: set[str] = set()

    def __call__(self) -> None:
        _increment(sorted(self.lc_areas))


def versions(areas: Iterable[str]) -> list[int]:
    areas = list(areas)
    keys = [_version_key(a) for a in areas]
    got = cache.get_many(keys)
    for key in keys:
        if key not in got:
            cache.add(key, _fresh(), None)
            got[key] = cache.get(key) or _fresh()
    return [got[k] for k in keys]


def scope_key(user: Any) -> str:
    """What a scoped figure depends on of its reader: role and region (and the superuser's county-wide view)."""
    return f"{getattr(user, 'role', '')}.{int(bool(getattr(user, 'is_superuser', False)))}.{user.region_id}"


def cached(areas: Iterable[str], key: str, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """``compute()``, kept under ``key`` until a write bumps one of ``areas``. ``key`` must hold everything the
    value depends on besides the rows of those areas: the reader's ``scope_key``, the day, the language (added
    here)."""
    areas = sorted(set(areas))
    full = f"lc:cached:{key}:{get_language() or ''}:" + ".".join(
        f"{a}{v}" for a, v in zip(areas, versions(areas), strict=True)
    )
    value = cache.get(full, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full, value, timeout)
    return value  # type: ignore[return-value]


def watch(app_label: str, *areas: str) -> None:
    """Audited writes of the models of ``app_label`` change ``areas`` (called from the app's ready())."""
    _WATCHED.setdefault(app_label, set()).update(areas)
    audit_services.on_write(_written)


def _written(object_types: Iterable[str]) -> None:
    areas = {a for t in object_types for a in _WATCHED.get(t.partition(".")[0], ())}
    if areas:
        bump(*sorted(areas))
