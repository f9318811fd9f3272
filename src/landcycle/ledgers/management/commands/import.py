"""``landcycle import KIND FILE [--dry-run] [--mapping FILE.toml] [--as USERNAME] [--town CODE_OR_NAME]``

Exit 0 when imported (or a clean dry run), 1 when refused for problems (each printed with its sheet, row,
column, rule and message in Chinese and English; nothing is written) or not allowed, 2 when the file (or an
option such as ``--town``) is unusable.
``--town`` applies to contracts only: the town of rows without parcel numbers (a town officer's rows go to
their own town without it; a county-wide user must give it when the file has no parcels or town column).
(``import`` is a Python keyword, but Django loads commands with ``importlib.import_module``, which takes
any module name.)
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from landcycle.ledgers.cli import (
    EXIT_REFUSED,
    EXIT_UNUSABLE,
    HelpFormatter,
    ProgressBar,
    actor,
    kind_choices,
    kinds_epilog,
)
from landcycle.ledgers.plan import format_problem
from landcycle.ledgers.report import problem_report_xlsx
from landcycle.ledgers.services import ledger_import
from landcycle.rules.ledger import LedgerUnusable


class Command(BaseCommand):
    help = (
        "导入台账，整表导入或全部不导入 / import a ledger, whole or not at all: "
        "landcycle import KIND FILE [--dry-run] [--mapping FILE.toml] [--as USERNAME] [--town CODE_OR_NAME]. "
        "Exit 0 imported, 1 refused for problems (nothing written), 2 file unusable."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("epilog", kinds_epilog())
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kind_choices(), metavar="KIND", help="台账种类（见下） / the ledger")
        parser.add_argument(
            "file",
            metavar="FILE",
            help=".xlsx / .xls / .ods / .csv（parcel_shapes：.geojson，或Shapefile打包的 .zip / or a .zip shapefile）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入 / check only, write nothing")
        parser.add_argument(
            "--mapping",
            metavar="FILE.toml",
            help="列映射文件，或随产品提供的映射名（如 land_supply_gd） / a mapping file, or the name "
            "of a shipped mapping",
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="以该用户身份导入，按其辖区检查（默认：系统） / import as this user, within their scope",
        )
        parser.add_argument(
            "--town",
            metavar="CODE_OR_NAME",
            help="仅供地合同：没有地块编号的行登记到该镇街（9位代码或全称；镇街经办人默认本镇街） / "
            "contracts only: the town of rows without parcel numbers (9-digit code or name)",
        )
        parser.add_argument("--sheet", help="工作表名称（默认自动识别） / the sheet to read")
        parser.add_argument(
            "--report",
            metavar="FILE.xlsx",
            help="有问题时写出问题报告（标红单元格） / write the problem report here when refused",
        )

    def handle(
        self, *args, kind, file, dry_run=False, mapping=None, as_user=None, sheet=None, report=None, town=None, **opts
    ):
        bar = ProgressBar(self.stderr._out) if opts.get("verbosity", 1) > 0 else None
        try:
            result = ledger_import(
                actor=actor(as_user),
                kind=kind,
                source=Path(file),
                dry_run=dry_run,
                mapping=mapping,
                progress=bar,
                sheet=sheet,
                town=town,
            )
        except LedgerUnusable as exc:
            raise CommandError(f"[{exc.rule}] {exc.message}", returncode=EXIT_UNUSABLE) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=EXIT_REFUSED) from None
        for p in result.problems:
            self.stdout.write(format_problem(p))
        if result.problems:
            if report:
                Path(report).write_bytes(problem_report_xlsx(result))
                self.stdout.write(f"问题报告 / problem report: {report}")
            raise CommandError(result.summary(), returncode=EXIT_REFUSED)
        self.stdout.write(result.summary())
