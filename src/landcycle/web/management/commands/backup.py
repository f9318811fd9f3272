import sys

from django.core.management.base import BaseCommand

from landcycle.web.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "备份 / back up: landcycle backup OUT.tar.gz — the database (SQLite online backup or pg_dump), the uploaded and "
        "exported files, the audit key and checkpoints, in one owner-only archive; safe while the server runs"
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="备份文件 / the archive to write (.tar.gz)")

    def handle(self, *args, out=None, **opts):
        try:
            summary = backup(out)
        except BackupError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        self.stdout.write(
            f"已备份 / backed up ({summary.engine}): {summary.tables} 张表 tables, {summary.rows} 行 rows, "
            f"{summary.files} 个文件 files, 审计链 audit chain {summary.audit_seq} → {out}\n"
            "备份中含审计密钥，请妥善保管 / the archive holds the audit key: keep it safe"
        )
