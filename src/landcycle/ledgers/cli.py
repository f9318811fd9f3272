"""What the ``import``, ``export`` and ``template`` commands share: the kinds' help, the actor, a progress bar."""

from __future__ import annotations

import argparse
import sys

from django.core.management.base import CommandError, DjangoHelpFormatter

from landcycle.accounts.models import User
from landcycle.accounts.services import system_user

from .kinds import ALIASES, IMPORT_ONLY, KINDS

EXIT_IMPORTED, EXIT_REFUSED, EXIT_UNUSABLE = 0, 1, 2


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's ordering of options, with the epilog's lines kept as written."""


def kinds_epilog(importing: bool = True) -> str:
    """The kinds a command takes, one a line; the import-only ones with ``importing``; former names last."""
    width = max(len(k) for k in [*KINDS, *IMPORT_ONLY, *ALIASES])
    lines = ["台账种类 / kinds:"]
    lines += [f"  {name.ljust(width)}  {k.zh} / {k.en}" for name, k in KINDS.items()]
    if importing:
        lines += [f"  {name.ljust(width)}  {k.zh} / {k.en}" for name, k in IMPORT_ONLY.items()]
    lines += [
        f"  {name.ljust(width)}  同 {target}（旧名） / the former name of {target}" for name, target in ALIASES.items()
    ]
    return "\n".join(lines)


def kind_choices(importing: bool = True) -> list[str]:
    return [*KINDS, *(IMPORT_ONLY if importing else ()), *ALIASES]


def actor(username: str | None):
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
