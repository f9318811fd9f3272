"""Supervising a land contract on a day: idle land, agreed dates, development progress, commitments."""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction

from ..problems import Problem, RuleError
from .agreed_dates import settle
from .assessment import Assessment
from .commitments import commitment_findings
from .contract import COMPLETION, PRODUCTION, START, Contract
from .findings import GREEN, GREY, Finding
from .idle import government_causes, idle_findings
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
        problems.append(
            Problem(
                "signed_on",
                "contract.signed_after_as_of",
                f"合同签订日期（{c.signed_on}）晚于监管基准日（{as_of}），尚不能监管",
                f"signed on {c.signed_on}, after the supervision date {as_of}: nothing to supervise yet",
            )
        )
    if problems:
        raise RuleError(problems)
    ad = settle(c, policy, government_causes(c, policy))
    judged = ad.contract  # the dates to judge by: derived, capped or moved, each change in ad.notes
    findings, unchecked = idle_findings(judged, as_of, policy, ad)
    findings += milestone_findings(judged, as_of, policy)
    p = _progress(judged, as_of, policy)
    if p:
        findings.append(p)
    findings = [_annotate(f, ad) for f in findings]
    findings += commitment_findings(c, as_of, policy)
    grey = _not_judged(unchecked, ad)
    if grey:
        findings.append(grey)
    return Assessment(as_of, tuple(findings), tuple(unchecked), policy.version, c)


# which agreed dates a finding is built on
BUILT_ON = {
    "idle.not_started": (START,),
    "idle.take_back": (START,),
    "lease.not_started": (START,),
    "start.overdue": (START,),
    "start.due_soon": (START,),
    "completion.overdue": (COMPLETION,),
    "completion.due_soon": (COMPLETION,),
    "production.overdue": (PRODUCTION,),
    "production.due_soon": (PRODUCTION,),
    "progress.behind": (START, COMPLETION),
}


def _annotate(f: Finding, ad) -> Finding:
    """A finding built on a moved or derived date says why it moved; one built on a flagged date says the
    date is not trusted (a red verdict on it must be checked)."""
    on = BUILT_ON.get(f.rule, ())
    if f.rule == "idle.take_back" and "stopped_since" in f.figures:
        on = ()
    notes = [n for m in on for n in ad.notes.get(m, ())]
    flags = [n for m in on for n in ad.flags.get(m, ())]
    if not notes and not flags:
        return f
    zh, en, figs = f.zh, f.en, dict(f.figures)
    if notes and not (f.exempt and f.rule in ("idle.not_started", "lease.not_started")):
        zh += "；" + "；".join(z for z, _ in notes)
        en += "; " + "; ".join(e for _, e in notes)
    if notes:
        figs["date_notes"] = [z for z, _ in notes]
    if flags:
        zh += "（所依据的日期存疑：" + "；".join(z for z, _ in flags) + "）"
        en += " (built on a flagged date: " + "; ".join(e for _, e in flags) + ")"
        figs["flagged_dates"] = [z for z, _ in flags]
    return dataclasses.replace(f, zh=zh, en=en, figures=figs)


def _not_judged(unchecked, ad) -> Finding | None:
    """未能判定 (grey): what the rules could not apply, and the dates they do not trust. Never green."""
    reasons = [(u.zh, u.en) for u in unchecked]
    seen = set()
    for m in (START, COMPLETION, PRODUCTION):
        for z, e in ad.flags.get(m, ()):
            if z not in seen:
                seen.add(z)
                reasons.append((z, e))
    if not reasons:
        return None
    return Finding(
        "contract.not_judged",
        GREY,
        "未能判定：" + "；".join(z for z, _ in reasons),
        "not judged: " + "; ".join(e for _, e in reasons),
        {
            "reasons": [z for z, _ in reasons],
            "unchecked": [u.rule for u in unchecked],
            "flagged": sorted(m for m in ad.flags),
        },
    )


def _progress(c: Contract, as_of: dt.date, policy: WarningPolicy) -> Finding | None:
    """Developed area against the time-proportional plan from the agreed start to the agreed completion."""
    share = c.development.developed_area_share
    start, end = c.agreed(START), c.agreed(COMPLETION)
    if share is None or start is None or end is None or end <= start or c.actual(COMPLETION, as_of):
        return None
    st = progress_colour(start, end, as_of, Fraction(str(share)) * 100, policy)
    if st.colour == GREEN:
        return None
    return Finding(
        "progress.behind",
        st.colour,
        f"开发建设{st.zh}（{start}至{end}）",
        f"development {st.en} ({start} to {end})",
        {"planned_percent": st.planned_percent, "done_percent": st.done_percent, "behind_points": st.behind_points},
    )
