"""``landcycle jobs run [--once] [--interval SECONDS]``: the worker of the task queue (export jobs, large imports
confirmed in the browser) — the database queue's ``db_worker`` of django-tasks-db, over every queue; with the Redis
queue (``LANDCYCLE_TASKS=rq``) django-rq's ``rqworker`` with django-tasks-rq's job class and RQ's scheduler (for the
deferred retries). ``--once`` runs what is waiting and stops. docs/deployment.md.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "后台任务 / background tasks: `landcycle jobs run [--once]` runs the database queue's worker"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="运行排队的后台任务 / run queued background tasks")
        run.add_argument("--once", action="store_true", help="队列为空即退出 / stop when the queue is empty")
        run.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="队列为空时的等待秒数（0.1–60） / seconds to sleep when the queue is empty",
        )

    def handle(self, *args, action=None, once=False, interval=1.0, **opts):
        if getattr(settings, "LANDCYCLE_TASKS", "db") == "rq":
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=once,
                stdout=self.stdout,
            )
            return
        call_command(
            "db_worker",
            queue_name="*",
            interval=min(max(interval, 0.1), 60.0),
            batch=once,
            reload=False,
            startup_delay=False,
            verbosity=opts.get("verbosity", 1),
            stdout=self.stdout,
        )
