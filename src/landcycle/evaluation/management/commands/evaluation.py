"""``landcycle evaluation recompute-all --year Y [--as USERNAME] [--wait [--interval S]]``: the province's (or a
city's) recomputation of every county's draft evaluation run of a year, as the runs list's button does it — one
evaluation job per county with figures of the year (``evaluation.background.counties_queue``: a county's latest
draft recomputed, a county without a draft gets a new one with its published run's policy version or the shipped
default). Prints one line per job queued and per county left out (a job of its year under way) with the reason.

The jobs run on the task queue's worker (``landcycle jobs run``; docs/deployment.md). ``--wait`` stays until every
job is done or failed, printing each one's end. Acts as the system user (every county) unless ``--as`` names a user
who may write the evaluation (then the counties of their region).

Exit 0 when every county with figures was queued (with ``--wait``: and every job is done), 1 when a county was left
out, a job failed or no county has figures of the year, 2 on a bad option (an unknown user, one who may not write
the evaluation).
"""

from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, can_write
from landcycle.accounts.services import system_user
from landcycle.evaluation import background
from landcycle.evaluation.models import EvaluationJob

EXIT_PROBLEMS, EXIT_USAGE = 1, 2


def job_line(job: EvaluationJob) -> str:
    """One job as a line: its number, county, year, kind, status and how far (its run, or why it failed)."""
    line = (
        f"#{job.pk} {job.county.code} {job.county.name} {job.year} {job.get_kind_display()} / {job.kind}: "
        f"{job.get_status_display()} / {job.status}"
    )
    if job.status == EvaluationJob.Status.DONE and job.run_id:
        return f"{line} → 评价批次 / run #{job.run_id}"
    if job.status == EvaluationJob.Status.FAILED:
        return f"{line} — {job.error}"
    if job.status == EvaluationJob.Status.RUNNING:
        return f"{line} {background.percent(job)}%"
    return line


class Command(BaseCommand):
    help = (
        "亩均评价 / evaluation: `landcycle evaluation recompute-all --year Y [--wait]` queues the recomputation of "
        "every county's draft run of a year, one job per county"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        every = sub.add_parser(
            "recompute-all",
            help="为各县重新计算本年度草稿（每县一个计算任务） / queue one job per county for a year's draft",
        )
        every.add_argument("--year", type=int, required=True, help="评价年度 / the evaluation year")
        every.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="以该用户身份，为其辖区内各县计算（默认：系统，全部县） / as this user, for the counties of their "
            "region (default: the system, every county)",
        )
        every.add_argument(
            "--wait", action="store_true", help="等待全部任务完成 / stay until every job is done or failed"
        )
        every.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="--wait 时查看进度的间隔秒数（0.1–60） / seconds between looks at the jobs with --wait",
        )

    def handle(self, *args, action=None, year=None, as_user=None, wait=False, interval=2.0, **opts):
        actor = self._actor(as_user)
        try:
            jobs, skipped = background.counties_queue(actor=actor, year=year)
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from None
        for job in jobs:
            self.stdout.write(job_line(EvaluationJob.objects.select_related("county").get(pk=job.pk)))
        for county, reason in skipped:
            self.stdout.write(f"未开始 / not started: {county.code} {county.name} — {reason}")
        if not jobs and not skipped:
            raise CommandError(
                f"{year} 年度没有县（市、区）有企业年度数据，未开始计算 / no county has figures of {year}: nothing queued",
                returncode=EXIT_PROBLEMS,
            )
        failed = self._wait(jobs, min(max(interval, 0.1), 60.0)) if wait else 0
        if skipped or failed:
            raise CommandError(
                f"{len(skipped)} 个县未开始，{failed} 个任务失败 / {len(skipped)} counties not started, "
                f"{failed} jobs failed",
                returncode=EXIT_PROBLEMS,
            )

    def _actor(self, username: str | None) -> User:
        if not username:
            return system_user()
        user = User.objects.filter(username=username).select_related("region").first()
        if user is None:
            raise CommandError(f"没有用户“{username}” / no user '{username}'", returncode=EXIT_USAGE)
        if not can_write(user, Area.EVALUATION):
            raise CommandError(
                f"用户“{username}”不能计算亩均评价 / '{username}' may not compute the evaluation", returncode=EXIT_USAGE
            )
        return user

    def _wait(self, jobs: list[EvaluationJob], interval: float) -> int:
        """Look at the jobs every ``interval`` seconds until none is queued or running, printing each one's end;
        returns how many failed."""
        waiting = {job.pk for job in jobs}
        failed = 0
        while waiting:
            time.sleep(interval)
            background.fail_stale()
            for job in EvaluationJob.objects.select_related("county").filter(pk__in=waiting).order_by("pk"):
                if job.active:
                    continue
                waiting.discard(job.pk)
                failed += job.status == EvaluationJob.Status.FAILED
                self.stdout.write(job_line(job))
        return failed
