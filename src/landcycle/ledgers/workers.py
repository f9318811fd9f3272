"""What the two kinds of background work (export jobs, ``jobs.py``; large import confirms, ``import_jobs.py``)
share: the name a worker claims with, and a thread of the web process that claims one item and runs it."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable

from django.db import connections

log = logging.getLogger("landcycle.ledgers.workers")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:100]


def claim_and_run(what: str, pk: int, claim: Callable[[int, str], bool], run: Callable[[int], object]) -> None:
    """Claim item ``pk`` (compare-and-set) and run it; a failure is logged, never raised into the web process,
    and this thread's database connections are closed."""
    try:
        if claim(pk, worker_name()):
            run(pk)
    except Exception:  # never let a thread of the web process die loudly
        log.exception("%s %s: thread failed", what, pk)
    finally:
        connections.close_all()


def start_worker_thread(
    what: str, pk: int, claim: Callable[[int, str], bool], run: Callable[[int], object]
) -> threading.Thread:
    """``claim_and_run`` in a daemon thread named after the item (``export-job-12``)."""
    thread = threading.Thread(
        target=claim_and_run, args=(what, pk, claim, run), name=f"{what.replace(' ', '-')}-{pk}", daemon=True
    )
    thread.start()
    return thread
