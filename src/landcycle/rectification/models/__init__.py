"""The rectification ledger (整改台账): inspections, findings, suggestions, tasks and their history;
progress reports with evidence; reconciliation rounds (对账) with frozen snapshots."""

from .ledger import Finding, Inspection, Suggestion, Task, TaskEvent
from .progress import Evidence, ProgressReport
from .rounds import RelapseCheck, Round, RoundItem

__all__ = [
    "Evidence",
    "Finding",
    "Inspection",
    "ProgressReport",
    "RelapseCheck",
    "Round",
    "RoundItem",
    "Suggestion",
    "Task",
    "TaskEvent",
]
