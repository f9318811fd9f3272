"""``landcycle template KIND --out FILE.xlsx [--as USERNAME]``: a blank ledger with dropdowns and an
instructions sheet (with ``--as``, the town column offers that user's towns)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from landcycle.ledgers.cli import EXIT_UNUSABLE, HelpFormatter, actor, kind_choices, kinds_epilog
from landcycle.ledgers.template import ledger_template


class Command(BaseCommand):
    help = "台账模板 / a blank ledger template: landcycle template KIND --out FILE.xlsx"

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("epilog", kinds_epilog(importing=False))
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", choices=kind_choices(importing=False), metavar="KIND", help="台账种类（见下） / the ledger"
        )
        parser.add_argument("--out", required=True, metavar="FILE.xlsx")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="镇街下拉列表按该用户的辖区 / offer this user's towns in the town column",
        )

    def handle(self, *args, kind, out, as_user=None, **opts):
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"模板为 .xlsx 文件：{out} / a template is an .xlsx file", returncode=EXIT_UNUSABLE)
        user = actor(as_user) if as_user else None
        path.write_bytes(ledger_template(kind, user=user))
        self.stdout.write(f"模板已写出 / template written: {path}")
