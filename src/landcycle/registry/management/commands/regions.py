from django.core.management.base import BaseCommand, CommandError

from landcycle.accounts.services import system_user
from landcycle.registry.regions import regions_load


class Command(BaseCommand):
    help = "行政区划 / divisions: `landcycle regions load [--county 330282]` loads the 2023 division codes"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load one county and its towns, or (no argument) the whole country")
        load.add_argument("--county", help="6-digit county code, e.g. 330282 (慈溪市)")

    def handle(self, *args, action=None, county=None, **opts):
        try:
            created, updated = regions_load(actor=system_user(), county=county)
        except KeyError:
            raise CommandError(f"未知的县级区划代码 {county} / unknown county code {county}") from None
        self.stdout.write(
            f"区划已载入：新增{created}个，更新{updated}个 / divisions loaded: {created} created, {updated} updated"
        )
