"""A town's monthly progress report on a project (进展报送): the figures achieved so far, the milestones reached, the
overall percent and evidence files stored by their hash. A second report for the same month replaces the first's
figures (its evidence is kept). A report of 100 % with every milestone done finishes the project."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.registry.checks import raise_if
from landcycle.rules import renewal as rules
from landcycle.rules.problems import Problem

from ..colours import milestone_rows
from ..evidence import evidence_problems, store
from ..models import Evidence, Milestone, ProgressReport, RenewalProject
from .common import actor_name


def _dec(v: Any) -> Decimal | None:
    return None if v in (None, "") else Decimal(str(v))


def achieved_of(report: ProgressReport) -> rules.Achieved:
    return rules.Achieved(report.percent_done, report.demolished_mu, report.removed_m2, report.investment_made)


def _milestone_problems(
    project: RenewalProject, done: Mapping[str, dt.date | None], today: dt.date
) -> tuple[list[Problem], list[Milestone]]:
    ms = {m.kind: m for m in project.milestones.all()}
    problems = [
        Problem(
            f"milestone.{k}",
            "renewal.milestone_unknown",
            f"项目没有计划节点“{k}”",
            f"the project plans no milestone '{k}'",
        )
        for k in done
        if k not in ms
    ]
    rows = [dataclasses.replace(r, done_on=done[r.kind]) if r.kind in done else r for r in milestone_rows(project)]
    changed = [ms[k] for k in done if k in ms and ms[k].done_on != done[k]]
    return problems + rules.milestone_problems(rows, today), changed


@transaction.atomic
def report_progress(
    *,
    actor: User,
    project: RenewalProject,
    period: dt.date,
    percent_done: int,
    text: str,
    demolished_mu: Any = None,
    removed_m2: Any = None,
    investment_made: Any = None,
    milestones_done: Mapping[str, dt.date | None] | None = None,
    files: Iterable[Any] = (),
    reported_on: dt.date | None = None,
    today: dt.date | None = None,
) -> ProgressReport:
    """Report a month's progress on a project of the actor's town (a town officer, or the county)."""
    require_write(actor, Area.RENEWAL, project.town)
    project = RenewalProject.objects.select_for_update().select_related("town").get(pk=project.pk)
    today = today or timezone.localdate()
    reported_on = reported_on or today
    period = period.replace(day=1)
    files = list(files)
    achieved = rules.Achieved(int(percent_done), _dec(demolished_mu), _dec(removed_m2), _dec(investment_made))
    previous = project.reports.filter(period__lt=period).order_by("-period").first()
    problems = rules.report_problems(project.plan, achieved, achieved_of(previous) if previous else None)
    problems += evidence_problems(files)
    if project.state != RenewalProject.State.UNDER_WAY:
        problems.append(
            Problem(
                "project",
                "renewal.not_under_way",
                f"项目{project.number}状态为“{project.get_state_display()}”，不能报送进展",
                f"project {project.number} is {project.state}: no progress can be reported",
            )
        )
    if period > today:
        problems.append(
            Problem("period", "renewal.period_future", f"报送月份{period:%Y-%m}尚未到来", f"{period:%Y-%m} is ahead")
        )
    if not text.strip():
        problems.append(Problem("text", "renewal.no_text", "请填写进展情况", "say what was done"))
    m_problems, changed = _milestone_problems(project, milestones_done or {}, today)
    raise_if(problems + m_problems)
    report = project.reports.filter(period=period).first()
    before = snapshot(report) if report else None
    if report is None:
        report = ProgressReport(project=project, period=period)
    report.reported_on, report.percent_done, report.text = reported_on, achieved.percent_done, text.strip()
    report.demolished_mu, report.removed_m2 = achieved.demolished_mu, achieved.removed_m2
    report.investment_made = achieved.investment_made
    report.reporter, report.reporter_name = (actor if getattr(actor, "pk", None) else None), actor_name(actor)
    report.save()
    for m in changed:
        m.done_on = (milestones_done or {})[m.kind]
        m.save(update_fields=["done_on"])
    stored = [store(f) for f in files]
    Evidence.objects.bulk_create(
        [
            Evidence(
                report=report,
                project=project,
                name=s.name,
                extension=s.extension,
                size=s.size,
                sha256=s.sha256,
                path=s.path,
                uploaded_by=report.reporter,
            )
            for s in stored
        ]
    )
    finished = achieved.percent_done == 100 and not project.milestones.filter(done_on__isnull=True).exists()
    if finished:
        project.state, project.finished_on = RenewalProject.State.DONE, reported_on
        project.save(update_fields=["state", "finished_on"])
    audit_record(
        actor=actor,
        action="renewal.report_progress",
        obj=report,
        region_code=project.town.code,
        before=before,
        after={
            **snapshot(report),
            "milestones": {m.kind: str(m.done_on) for m in changed},
            "evidence": [s.sha256 for s in stored],
            "finished": finished,
        },
    )
    return report
