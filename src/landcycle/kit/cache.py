"""Figures kept in Django's cache (``settings.CACHES``: local memory by default, Redis for several servers) until a
write changes what they were computed from.

A cached value is filed under the *heads* of the apps it reads: ``audit.AuditAppHead`` holds, per app label, the
sequence number and hash of the last audit entry about that app's objects, and every write of the product appends its
audit entry — and so moves its app's head — in the write's own transaction (audit.services; imports too, through
``audit_record_many``). A reader asks for the heads (one query by primary key) and builds the key from them: once a
write commits, every process sees the new head and misses; the entries under the old heads are never read again and
expire (``TIMEOUT``). Nothing has to be invalidated by hand, nothing is deleted by pattern, and it is right with any
backend: a per-process local-memory cache behind several workers as well as one Redis shared by several servers
(a version kept in the cache itself would not reach the other workers' local memories). The hash in the key keeps a
database restored to an earlier state from meeting figures cached after that state.

Scope: a value shown to a user is keyed by ``scope_key(user)`` (role and region): a user of another town never reads
another town's entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils.translation import get_language

from landcycle.audit.models import AuditAppHead

T = TypeVar("T")
TIMEOUT = 24 * 3600  # an entry nobody reads any more goes after a day; one still current is recomputed then
_MISSING = object()


def heads(apps: Iterable[str]) -> str:
    """Where the apps' objects stand now: ``app@seq:hash`` for each (``@0`` for an app never written)."""
    apps = sorted(set(apps))
    got = {a: (s, h) for a, s, h in AuditAppHead.objects.filter(app__in=apps).values_list("app", "seq", "hash")}
    return ".".join(f"{a}@{got[a][0]}:{got[a][1][:16]}" if a in got else f"{a}@0" for a in apps)


def scope_key(user: Any) -> str:
    """What a scoped figure depends on of its reader: role and region (and the superuser's county-wide view)."""
    return f"{getattr(user, 'role', '')}.{int(bool(getattr(user, 'is_superuser', False)))}.{user.region_id}"


def cached(apps: Iterable[str], key: str, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """``compute()``, kept under ``key`` until a write of one of ``apps`` (app labels) commits. ``key`` must hold
    everything else the value depends on: the reader's ``scope_key``, the day; the language is added here."""
    return cached_at(heads(apps), key, compute, timeout)


def cached_at(state: str, key: str, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """``compute()``, kept under ``key`` while ``state`` (a string that moves with every write the value reads,
    such as ``heads(apps)`` or the audit log's last sequence number and hash) stays the same."""
    full = f"lc:{key}:{get_language() or ''}:{state}"
    value = cache.get(full, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full, value, timeout)
    return value  # type: ignore[return-value]
