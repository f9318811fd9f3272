"""``landcycle evaluate LEDGER.xlsx|.csv|.parquet [--policy P.toml] [--year Y] [--mapping M.toml]
--out OUT.xlsx|.csv|.json|.parquet``

Per-mu benefit evaluation (亩均效益综合评价) of a yearly-figures ledger, without any database: every firm's
group, land used, indicators against their benchmarks, capped contributions, score, rank, class, flags
and reasons, per the evaluation policy (default: the shipped ``policies/evaluation.toml``). A row that
cannot be evaluated (no land, no tax, a bad code, a duplicate…) is listed as a problem with its source
row, never scored as zero.

The work is done by ``landcycle.standalone`` (no Django): ``landcycle evaluate`` goes there directly from
``landcycle.cli``; this command is the same entry for ``call_command`` and ``manage.py``.

Exit 0 when it evaluated (even with problem rows), 2 when the input is unusable (no file, not a figures
ledger, a broken mapping or policy, no year or contradicting years, an unknown output type).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from landcycle.standalone import EVALUATE_HELP, EXIT_UNUSABLE, Unusable, evaluate_arguments, evaluate_ledger


class Command(BaseCommand):
    help = EVALUATE_HELP
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        evaluate_arguments(parser)

    def handle(self, *args, ledger, out, policy=None, year=None, mapping=None, sheet=None, **opts):
        try:
            line = evaluate_ledger(ledger=ledger, out=out, policy=policy, year=year, mapping=mapping, sheet=sheet)
        except Unusable as exc:
            raise CommandError(exc.message, returncode=EXIT_UNUSABLE) from None
        self.stdout.write(line)
