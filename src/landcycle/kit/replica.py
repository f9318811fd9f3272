"""Reports read from a read replica (issue 18, docs/deployment.md "Read replica").

With ``LANDCYCLE_REPLICA_URL`` set, the settings add a database alias ``replica`` (a streaming replica of the primary
PostgreSQL) and ``settings.REPLICA_READS`` is on. Nothing reads from it unless a piece of code asks to, inside
``replica_reads()``: the report-only paths whose figures may be a moment old — the dashboard (``/dashboard/``), the
counties side by side (``/counties/``, its export too) and the big exports run by the task queue. Everything else,
and in those paths:

- every write goes to the primary (``db_for_write`` is always ``default``);
- a read inside a transaction on the primary goes to the primary (it may be reading its own writes);
- once anything has been written inside ``replica_reads(sticky=True)`` (the views), every later read of that request
  goes to the primary too, so a request that writes never reads a state older than its own write.

Cached figures stay right: ``kit.cache`` files a figure under the heads of the apps it reads, and inside
``replica_reads`` the heads are read from the replica as well — a figure computed from a replica a moment behind is
filed under that moment's heads, never under newer ones.

Without the setting (one server, SQLite, every test but the router's own) ``replica_reads`` changes nothing."""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
F = TypeVar("F", bound=Callable[..., Any])


class _State:
    __slots__ = ("sticky", "wrote")

    def __init__(self, sticky: bool) -> None:
        self.sticky = sticky
        self.wrote = False


_current: contextvars.ContextVar[_State | None] = contextvars.ContextVar("landcycle_replica_reads", default=None)


def replica_enabled() -> bool:
    return bool(getattr(settings, "REPLICA_READS", False)) and REPLICA in connections.settings


@contextmanager
def replica_reads(*, sticky: bool = True) -> Iterator[None]:
    """Reads inside go to the replica (when one is configured), but for the exceptions above. ``sticky=False``
    keeps reading from the replica after a write — only for code whose writes nothing inside reads back (an export
    job's progress on its own row)."""
    if not replica_enabled():
        yield
        return
    token = _current.set(_State(sticky))
    try:
        yield
    finally:
        _current.reset(token)


def report_view(view: F) -> F:
    """A report-only view: its GET and HEAD requests read from the replica (``replica_reads``); any other method
    stays on the primary."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


class ReplicaRouter:
    """``settings.DATABASE_ROUTERS``: reads inside ``replica_reads`` to the replica, everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        state = _current.get()
        if state is None or (state.sticky and state.wrote):
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        state = _current.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary; it is never migrated itself
