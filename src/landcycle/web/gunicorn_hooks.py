"""Gunicorn's hooks for ``landcycle serve`` (``--config python:landcycle.web.gunicorn_hooks``): beside the web
workers, the master starts the worker of the database task queue (``landcycle jobs run``, i.e. django-tasks-db's
``db_worker``) once it is ready and stops it when it exits, so a single-process install (``make demo``) runs its
background tasks with no extra step. ``LANDCYCLE_TASK_WORKER=0`` leaves it out (workers run on their own,
docs/deployment.md); with the Redis queue (``LANDCYCLE_TASKS=rq``) the workers always run on their own.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

_worker: list[subprocess.Popen] = []


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the task worker gets SIGTERM if the gunicorn master dies without running ``on_exit``."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def when_ready(server) -> None:
    if os.environ.get("LANDCYCLE_TASK_WORKER", "1") == "0" or os.environ.get("LANDCYCLE_TASKS", "db") not in ("", "db"):
        return
    argv = [sys.executable, "-m", "landcycle.cli", "jobs", "run", "--interval", "1"]
    _worker.append(subprocess.Popen(argv, preexec_fn=_die_with_parent))
    server.log.info("task worker started (pid %s): %s", _worker[-1].pid, " ".join(argv[2:]))


def on_exit(server) -> None:
    for proc in _worker:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
