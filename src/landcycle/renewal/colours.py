"""A project's colour today (or on a day): its rows as the dataclasses of ``rules.renewal`` and the supervision
warning policy in force in the project's county (本县政策). Milestones and reports must be prefetched when many projects are coloured."""

from __future__ import annotations

import datetime as dt

from landcycle.rules import renewal as rules
from landcycle.rules.supervision.policy import WarningPolicy
from landcycle.supervision.convert import rules_of

from .models import Milestone, ProgressReport, RenewalProject


def milestone_rows(project: RenewalProject) -> list[rules.MilestoneRow]:
    ms: list[Milestone] = list(project.milestones.all())
    kinds = {m.pk: m.kind for m in ms}
    return [rules.MilestoneRow(m.kind, m.planned_on, m.done_on, kinds.get(m.depends_on_id)) for m in ms]


def latest_report(project: RenewalProject, as_of: dt.date | None = None) -> ProgressReport | None:
    reports = [r for r in project.reports.all() if as_of is None or r.reported_on <= as_of]
    return max(reports, key=lambda r: (r.period, r.pk)) if reports else None


def project_colour(project: RenewalProject, as_of: dt.date, policy: WarningPolicy | None = None) -> rules.ProjectColour:
    """``policy``: the warning policy of the project's county (本县政策: its progress and date rules); None: read
    by ``rules_of`` (once per request). A list passes each project's from one ``page_policies()``."""
    p = policy or rules_of(project)
    report = latest_report(project, as_of)
    percent = report.percent_done if report else 0
    return rules.project_colour(
        project.state,
        project.planned_start,
        project.planned_end,
        as_of,
        percent,
        milestone_rows(project),
        p.progress,
        p.contract_dates,
    )
