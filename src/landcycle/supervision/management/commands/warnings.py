"""``landcycle warnings refresh [--as-of DATE]``: recompute every three-colour warning (contracts and
enterprises) on a supervision date, idempotently — a second run on the same date changes nothing.
``landcycle warnings resync``: rewrite what the lists keep of the warnings (``supervision.maintained``: each
contract's worst open warning, the board's subjects) from the warnings, after they were written another way."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from landcycle.accounts.services import system_user
from landcycle.audit.services import audit_record
from landcycle.rules.problems import RuleError
from landcycle.supervision.maintained import sync_all
from landcycle.supervision.refresh import warnings_refresh


class Command(BaseCommand):
    help = "三色预警 / warnings: `landcycle warnings refresh [--as-of DATE]` recomputes every warning"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="recompute every warning on a day (default: today)")
        refresh.add_argument(
            "--as-of", metavar="DATE", help="监管基准日 YYYY-MM-DD / the supervision date (default today)"
        )
        sub.add_parser("resync", help="rewrite the contracts' worst warning and the board's subjects from the warnings")

    def handle(self, *args, action=None, as_of=None, **opts):
        if action == "resync":
            with transaction.atomic():
                n = sync_all()
                if n:  # a change like any other: recorded, and the pages kept (kit.pagecache) see it
                    audit_record(
                        actor=system_user(),
                        action="warnings.resync",
                        object_type="supervision.warningsubject",
                        object_repr=f"{n} rows rewritten from the warnings",
                        after={"rows": n},
                    )
            self.stdout.write(f"已按预警重写 {n} 行 / {n} rows rewritten from the warnings")
            return
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"监管基准日“{as_of}”不是日期（YYYY-MM-DD） / --as-of '{as_of}' is not a date") from None
        try:
            result = warnings_refresh(actor=system_user(), as_of=day)
        except RuleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.summary())
        for number, message in result.skipped[:20]:
            self.stdout.write(f"  跳过 / skipped {number}: {message}")
        if len(result.skipped) > 20:
            self.stdout.write(f"  …… {len(result.skipped) - 20} more")
