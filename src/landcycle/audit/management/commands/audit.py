import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from landcycle.audit.services import audit_rekey, audit_verify, write_checkpoint


class Command(BaseCommand):
    help = (
        "审计日志 / audit log: `verify` checks the keyed hash chain and the checkpoints outside the database, "
        "`checkpoint` writes the head now, `rekey` moves a chain written before it was keyed onto the key"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check every link of the chain and every checkpoint; exit 1 at the first break")
        sub.add_parser("checkpoint", help="append the chain's head to the checkpoint file (for a nightly timer)")
        sub.add_parser("rekey", help="once, after upgrading: re-hash an intact unkeyed chain with the audit key")

    def handle(self, *args, action=None, **opts):
        if action == "checkpoint":
            point = write_checkpoint()
            if point is None:
                self.stderr.write("没有写入检查点（未设置检查点文件或审计链为空） / no checkpoint written")
                sys.exit(1)
            self.stdout.write(f"检查点：第{point.seq}条 / checkpoint at entry {point.seq}: {point.hash[:16]}…")
            return
        if action == "rekey":
            try:
                n = audit_rekey()
            except ValueError as exc:
                self.stderr.write(f"不能重新计算：{exc} / cannot rekey")
                sys.exit(1)
            self.stdout.write(f"已用审计密钥重新计算{n}条记录 / {n} entries re-hashed with the audit key")
            return
        result = audit_verify()
        if result.ok:
            where = settings.LANDCYCLE_AUDIT_CHECKPOINTS or "-"
            self.stdout.write(
                f"审计链完整：{result.checked}条记录，与{result.checkpoints}个检查点一致 / audit chain intact: "
                f"{result.checked} entries, matching {result.checkpoints} checkpoints ({where})"
            )
            return
        self.stderr.write(
            f"审计链断裂于第{result.broken_seq}条：{result.reason} / audit chain broken at entry {result.broken_seq}"
        )
        sys.exit(1)
