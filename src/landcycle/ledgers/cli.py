"""What the ``import``, ``export`` and ``template`` commands share: the kinds' help, the actor, a progress bar."""

from __future__ import annotations

import argparse
import sys

from django.core.management.base import CommandError, DjangoHelpFormatter

from .kinds import IMPORT_ONLY, KINDS

# ledgers the reader knows but that have no register to import into yet: checked with --dry-run only
CHECK_ONLY = {"land_supply": ("供地合同：合同登记尚未建立，只能用 --dry-run 检查文件",
                              "land supply contracts: no contract register yet, check a file with --dry-run")}

EXIT_IMPORTED, EXIT_REFUSED, EXIT_UNUSABLE = 0, 1, 2


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's ordering of options, with the epilog's lines kept as written."""


def kinds_epilog(check_only: bool = True) -> str:
    width = max(len(k) for k in [*KINDS, *IMPORT_ONLY, *CHECK_ONLY])
    lines = ["台账种类 / kinds:"]
    lines += [f"  {name.ljust(width)}  {k.zh} / {k.en}" for name, k in KINDS.items()]
    if check_only:
        lines += [f"  {name.ljust(width)}  {k.zh} / {k.en}" for name, k in IMPORT_ONLY.items()]
        lines += [f"  {name.ljust(width)}  {zh} / {en}" for name, (zh, en) in CHECK_ONLY.items()]
    return "\n".join(lines)


def actor(username: str | None):
    from landcycle.accounts.models import User
    from landcycle.accounts.services import system_user

    if not username:
        return system_user()
    try:
        return User.objects.select_related("region").get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"没有用户“{username}” / no user '{username}'", returncode=EXIT_UNUSABLE) from None


STAGES = {"read": "读取 read", "plan": "核对 check", "write": "写入 write", "export": "导出 export"}


class ProgressBar:
    """``progress(stage, done, total)`` drawn on a stream (stderr): redrawn in place on a terminal, one
    line per tenth otherwise."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        pct = 100 if not total else min(100, int(100 * done / total))
        step = pct if self.tty else pct // 10 * 10
        if self._last == (stage, step):
            return
        self._last = (stage, step)
        filled = self.width * pct // 100
        bar = "█" * filled + "·" * (self.width - filled)
        count = f" {done:,}/{total:,}" if total > 1 else ""
        line = f"{STAGES.get(stage, stage):<10} [{bar}] {pct:3d}%{count}"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if pct == 100 else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
