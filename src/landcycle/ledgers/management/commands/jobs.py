"""``landcycle jobs run [--once] [--interval SECONDS] [--max-seconds SECONDS]``: the worker of export jobs and
of large imports confirmed in the browser (``ledgers.import_jobs``).

Claims queued jobs by compare-and-set (a thread of the web process may claim the same jobs: a job runs once),
writes their files under ``EXPORTS_DIR`` and sleeps between polls. ``--once`` runs what is queued and stops.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from landcycle.ledgers.jobs import run_worker


class Command(BaseCommand):
    help = "后台任务 / background jobs: `landcycle jobs run [--once]` runs queued exports and large imports"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="运行排队的导出任务和后台导入 / run queued export jobs and imports")
        run.add_argument("--once", action="store_true", help="队列为空即退出 / stop when the queue is empty")
        run.add_argument(
            "--interval",
            type=float,
            default=3.0,
            help="队列为空时的等待秒数（0.1–60） / seconds to sleep when the queue is empty",
        )
        run.add_argument(
            "--max-seconds",
            type=float,
            default=None,
            help="最长运行秒数（默认一直运行） / stop after this many seconds",
        )

    def handle(self, *args, action=None, once=False, interval=3.0, max_seconds=None, **opts):
        def report(job):
            if not hasattr(job, "rows_done"):  # an import batch (a large confirm run in the background)
                self.stdout.write(
                    f"导入批次{job.pk}：{job.get_status_display()}，{job.rows}行 / import batch {job.pk}: "
                    f"{job.status}, {job.rows} rows{(' — ' + job.error) if job.error else ''}"
                )
                return
            self.stdout.write(
                f"导出任务{job.pk}：{job.get_status_display()}，{job.rows_done}行 / export job {job.pk}: "
                f"{job.status}, {job.rows_done} rows{(' — ' + job.error) if job.error else ''}"
            )

        try:
            ran = run_worker(once=once, interval=interval, max_seconds=max_seconds, out=report)
        except KeyboardInterrupt:
            self.stdout.write("已停止 / stopped")
            return
        self.stdout.write(f"共运行{ran}个任务 / {ran} jobs run")
