"""``landcycle supervise CONTRACTS.xlsx|.csv --as-of DATE --out OUT.json|.xlsx [--mapping M.toml]
[--policy P.toml] [--industrial-only] [--sheet NAME]``

Supervises a contract ledger on a day without any database: idle land (国土资源部令第53号), agreed
start/completion/production dates, development progress and commitments, per the warning policy
(default: the shipped ``policies/warnings.toml``). Writes, per contract, its source row, holder, colour,
every rule that fires with its reason and figures, days overdue and the idle-land fee (万元); plus the
rows that could not be supervised (sheet, row, column, value, message). A shipped layout (the Guangdong
land-market export) is recognised from its header without ``--mapping``.

The work is done by ``landcycle.standalone`` (no Django): ``landcycle supervise`` goes there directly
from ``landcycle.cli``; this command is the same entry for ``call_command`` and ``manage.py``.

Exit 0 when it supervised (even with problem rows), 2 when the input is unusable (unreadable file, no
contract header, a broken mapping or policy, a bad date or output name).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from landcycle.standalone import EXIT_UNUSABLE, SUPERVISE_HELP, Unusable, supervise_arguments, supervise_contracts


class Command(BaseCommand):
    help = SUPERVISE_HELP
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        supervise_arguments(parser)

    def handle(
        self, *args, contracts, as_of, out, mapping=None, policy=None, industrial_only=False, sheet=None, **opts
    ):
        try:
            line = supervise_contracts(
                contracts=contracts,
                as_of=as_of,
                out=out,
                mapping=mapping,
                policy=policy,
                industrial_only=industrial_only,
                sheet=sheet,
            )
        except Unusable as exc:
            raise CommandError(exc.message, returncode=EXIT_UNUSABLE) from None
        self.stdout.write(line)
