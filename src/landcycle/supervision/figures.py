"""The counts of the supervision pages that read every warning or contract of the scope (the board's cards, states
and chart, the contract list's cards), kept in the cache (kit.cache) per page, scope, filters (the page number and
the order aside) and day, until a write of the registry, of supervision or of another app the page names commits.

A refresh of the warnings writes their figures (days overdue, fees, the supervision date) with an audit entry only
for a change of colour, a raise or a reopening, so a refresh can leave the audit heads where they were; the key
therefore also holds the supervision date of the latest refresh in the reader's scope (``last_checked``, which
these pages show anyway): the nightly refresh is a new date, and a refresh again for the same day after an audited
write is behind that write's head."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.utils import timezone

from landcycle.kit.cache import cached, scope_key

T = TypeVar("T")
NOT_FILTERS = ("page", "sort", "export")


def page_figures(
    page: str, user: Any, query: Any, checked: Any, compute: Callable[[], T], apps: Iterable[str] = ()
) -> T:
    """``compute()`` for ``page`` as ``user`` sees it under the filters of ``query`` (a QueryDict)."""
    shown = sorted((k, v) for k, v in query.lists() if k not in NOT_FILTERS)
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
    key = f"{page}:{scope_key(user)}:{digest}:{timezone.localdate().isoformat()}:{checked}"
    return cached(("registry", "supervision", *apps), key, compute)
