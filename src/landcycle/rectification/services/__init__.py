"""Writes of the rectification ledger. Each is keyword-only, atomic, checks the actor's role and scope
(``accounts.scope.require_write``: area ``Area.RECTIFICATION`` for the supervisor — inspections, findings,
suggestions, tasks, rounds, reviews, close-out; area ``Area.RECTIFICATION_UPDATE`` for town officers — the
progress of their own town's tasks), runs the checks of ``checks.py`` and Django's field checks, and
records an audit row in the same transaction. A ``RuleError`` (bilingual problems naming the field and
the rule) writes nothing.

- ``ledger``: what the ledger records — inspections (and checks held), findings, suggestions, tasks;
- ``edit``: corrections of what was recorded, and a task's links;
- ``progress``: progress reports with evidence, close-out and reopening on relapse;
- ``rounds``: reconciliation rounds, their reviews and the 回头看 re-checks;
- ``common``: what they share — who may update a task (:func:`common.may_update_task`), the task's
  optimistic lock, its history events and snapshots.

Callers import the service from its module (``from landcycle.rectification.services.progress import
progress_submit``); this package re-exports nothing.
"""
