"""``landcycle export KIND --out FILE.xlsx|FILE.csv [--as USERNAME]``: the ledger in the format the
importer reads, limited to what the user may see (default: the system user, who sees everything)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from landcycle.ledgers.cli import EXIT_UNUSABLE, HelpFormatter, ProgressBar, actor, kind_choices, kinds_epilog
from landcycle.ledgers.export import export_queryset, ledger_export
from landcycle.ledgers.kinds import get_kind


class Command(BaseCommand):
    help = "导出台账 / export a ledger: landcycle export KIND --out FILE.xlsx|FILE.csv [--as USERNAME]"

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("epilog", kinds_epilog(importing=False))
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", choices=kind_choices(importing=False), metavar="KIND", help="台账种类（见下） / the ledger"
        )
        parser.add_argument("--out", required=True, metavar="FILE", help=".xlsx，或 .csv（UTF-8 带 BOM）")
        parser.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="按该用户的辖区导出 / export what this user may see"
        )

    def handle(self, *args, kind, out, as_user=None, **opts):
        path = Path(out)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError(
                f"输出文件应为 .xlsx 或 .csv：{out} / the output must be .xlsx or .csv", returncode=EXIT_UNUSABLE
            )
        user = actor(as_user)
        rows = export_queryset(get_kind(kind), user).count()
        bar = ProgressBar(self.stderr._out) if opts.get("verbosity", 1) > 0 and rows else None
        path.write_bytes(ledger_export(user=user, kind=kind, fmt=fmt, progress=bar))
        self.stdout.write(f"已导出{rows}行到 {path} / exported {rows} rows to {path}")
