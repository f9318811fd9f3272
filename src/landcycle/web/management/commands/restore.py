import sys

from django.core.management.base import BaseCommand

from landcycle.audit.services import audit_verify
from landcycle.web.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "恢复 / restore: landcycle restore IN.tar.gz — into an empty installation (a new LANDCYCLE_HOME and an empty "
        "database of the same kind); checks every file's hash and every table's row count, then the audit chain"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", metavar="IN", help="landcycle backup 写出的备份文件 / an archive of landcycle backup"
        )

    def handle(self, *args, archive=None, **opts):
        try:
            summary, warnings = restore(archive)
        except BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        for warning in warnings:
            self.stderr.write(warning)
        self.stdout.write(f"已恢复 / restored ({summary.engine}): {summary.rows} 行 rows, {summary.files} 个文件 files")
        result = audit_verify()
        if not result.ok:
            self.stderr.write(
                f"恢复后审计链校验未通过 / the audit chain does not verify after restore: {result.reason}"
            )
            sys.exit(1)
        self.stdout.write(f"审计链完整：{result.checked}条 / audit chain intact: {result.checked} entries")
