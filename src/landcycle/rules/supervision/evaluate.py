"""Supervising a land contract on a day: idle land, agreed dates, development progress, commitments."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ..problems import Problem, RuleError
from .assessment import Assessment
from .commitments import commitment_findings
from .contract import COMPLETION, START, Contract
from .findings import GREEN, Finding
from .idle import idle_findings
from .milestones import milestone_findings
from .policy import WarningPolicy, load_policy
from .schedule import progress_colour
from .validate import validate_contract


def evaluate_contract(c: Contract, as_of: dt.date, policy: WarningPolicy | None = None) -> Assessment:
    """Every rule that fires for ``c`` on ``as_of``. Raises ``RuleError`` (bilingual problems naming the
    field and the rule) for a contract that cannot be supervised: contradictory dates, a price that is
    not a number, a commitment without a unit, or a contract signed after ``as_of``."""
    policy = policy or load_policy()
    problems = validate_contract(c, policy)
    if c.signed_on is not None and c.signed_on > as_of:
        problems.append(Problem("signed_on", "contract.signed_after_as_of",
                                f"合同签订日期（{c.signed_on}）晚于监管基准日（{as_of}），尚不能监管",
                                f"signed on {c.signed_on}, after the supervision date {as_of}: nothing to supervise yet"))
    if problems:
        raise RuleError(problems)
    findings, unchecked = idle_findings(c, as_of, policy)
    findings += milestone_findings(c, as_of, policy)
    p = _progress(c, as_of, policy)
    if p:
        findings.append(p)
    findings += commitment_findings(c, as_of, policy)
    return Assessment(as_of, tuple(findings), tuple(unchecked), policy.version, c)


def _progress(c: Contract, as_of: dt.date, policy: WarningPolicy) -> Finding | None:
    """Developed area against the time-proportional plan from the agreed start to the agreed completion."""
    share = c.development.developed_area_share
    start, end = c.agreed(START), c.agreed(COMPLETION)
    if share is None or start is None or end is None or end <= start or c.actual(COMPLETION, as_of):
        return None
    st = progress_colour(start, end, as_of, Fraction(str(share)) * 100, policy)
    if st.colour == GREEN:
        return None
    return Finding("progress.behind", st.colour, f"开发建设{st.zh}（{start}至{end}）",
                   f"development {st.en} ({start} to {end})",
                   {"planned_percent": st.planned_percent, "done_percent": st.done_percent,
                    "behind_points": st.behind_points})
