import sys

from django.core.management.base import BaseCommand

from landcycle.audit.services import audit_verify


class Command(BaseCommand):
    help = "审计日志 / audit log: `landcycle audit verify` checks the hash chain"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check every link of the chain; exit 1 at the first broken one")

    def handle(self, *args, action=None, **opts):
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"审计链完整：{result.checked}条记录 / audit chain intact: {result.checked} entries")
            return
        self.stderr.write(
            f"审计链断裂于第{result.broken_seq}条：{result.reason} / audit chain broken at entry {result.broken_seq}"
        )
        sys.exit(1)
