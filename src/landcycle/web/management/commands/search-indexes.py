import sys

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader

from landcycle.kit.trigram import TrigramIndexes, index_name


class Command(BaseCommand):
    help = (
        "搜索索引 / search indexes: landcycle search-indexes — on PostgreSQL, create the trigram indexes for substring "
        "search that the migrations could not (pg_trgm was missing); lists them; nothing to do on SQLite"
    )

    def handle(self, *args, **opts):
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            self.stdout.write(
                f"{connection.vendor}：无需三元组索引（仅 PostgreSQL） / no trigram indexes on {connection.vendor} "
                "(PostgreSQL only)"
            )
            return
        loader = MigrationLoader(connection)
        wanted = [
            (app_label, op)
            for (app_label, name) in sorted(loader.applied_migrations)
            for op in loader.graph.nodes[(app_label, name)].operations
            if isinstance(op, TrigramIndexes)
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for app_label, op in wanted:
                if not op.create(
                    connection, apps.get_model(app_label, op.model_name), cursor.execute, self.stderr.write
                ):
                    sys.exit(1)
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%\\_trgm"])
            present = {row[0] for row in cursor.fetchall()}
        for app_label, op in wanted:
            for f in op.fields:
                name = index_name(op.model_name, f)
                mark = "✓" if name in present else "✗"
                self.stdout.write(f"{mark} {name} ({app_label}.{op.model_name}.{f})")
