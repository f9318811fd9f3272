"""Evaluation pages: ``runs`` (the runs list, a new run, a run's detail), ``results`` (a run's result table
and an enterprise's breakdown with its facts) and ``whatif`` (the what-if page and a policy version).

Writes are for the roles that may write ``Area.EVALUATION`` (county administrator, city analyst); others get
404 on the write pages (``accounts.scope.write_or_404``), and the services check again.
"""

from __future__ import annotations

from landcycle.accounts.scope import Area, can_write, region_prefix


def writer(request) -> bool:
    """May the user of this request write the evaluation (runs, facts, policy versions)?"""
    return can_write(request.user, Area.EVALUATION)


def town_level(user) -> bool:
    """A user who sees part of the county (a town): counts come from their results, not the run's summary."""
    prefix = region_prefix(user)
    return prefix is None or len(prefix) > 6
