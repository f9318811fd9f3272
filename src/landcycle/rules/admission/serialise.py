"""Checked applications as plain JSON-ready data (figures as "8.5" strings, dates ISO)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..ledger.result import LedgerResult
from .check import STATUS_EN, STATUS_ZH, RuleResult
from .ledger import Admitted
from .policy import EntryPolicy


def _plain(v: Decimal | None) -> str | None:
    return None if v is None else format(v.normalize(), "f")


def rule_dict(r: RuleResult) -> dict[str, Any]:
    return {
        "rule": r.rule,
        "name_zh": r.name_zh,
        "name_en": r.name_en,
        "unit": r.unit,
        "value": _plain(r.value),
        "min": _plain(r.min),
        "max": _plain(r.max),
        "status": r.status,
        "status_zh": STATUS_ZH[r.status],
        "status_en": STATUS_EN[r.status],
        "reason_zh": r.zh,
        "reason_en": r.en,
        "source": r.source,
        "layer": r.layer,
    }


def admitted_dict(
    admitted: Sequence[Admitted], read: LedgerResult, source_name: str, policy: EntryPolicy
) -> dict[str, Any]:
    """The result of ``landcycle admit``: summary, one entry per application with its rule table, problems."""
    apps = []
    for a in admitted:
        v = a.verdict
        apps.append(
            {
                "row": a.row,
                "number": a.number,
                "project": a.project,
                "park": a.park,
                "park_kind": a.park_kind,
                "checked": v is not None,
                "passed": bool(v and v.passed),
                "failed_rules": [r.rule for r in v.failed] if v else [],
                "rules": [rule_dict(r) for r in v.results] if v else [],
                "problems": [{"field": p.field, "rule": p.rule, "zh": p.zh, "en": p.en} for p in a.problems],
            }
        )
    checked = [a for a in apps if a["checked"]]
    problems = [
        {
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "value": str(p.value),
            "rule": p.rule,
            "zh": p.zh,
            "en": p.en,
        }
        for p in read.problems
    ]
    return {
        "source": source_name,
        "policy": {"version": policy.version, "hash": policy.hash, "title_zh": policy.title_zh},
        "summary": {
            "checked": len(checked),
            "passed": sum(1 for a in checked if a["passed"]),
            "failed": sum(1 for a in checked if not a["passed"]),
            "not_checked": len(apps) - len(checked),
        },
        "applications": apps,
        "problems": problems,
    }
