"""Trigram indexes for substring search (``icontains``) on PostgreSQL; nothing on SQLite.

Django turns ``name__icontains="abc"`` on PostgreSQL into ``UPPER("t"."name"::text) LIKE UPPER('%abc%')``: no B-tree
index serves a pattern with a leading ``%``, so every search read the whole table. A GIN index over the same
expression with ``gin_trgm_ops`` (the ``pg_trgm`` extension) does: the planner matches ``UPPER("name"::text)``
exactly and looks up the pattern's trigrams. A pattern of fewer than three characters (``电器``) has no trigram:
PostgreSQL then reads the table as before — the same rows, only slower (docs/benchmarks.md, issue 18).

``TrigramIndexes`` is a migration operation: on PostgreSQL it creates the ``pg_trgm`` extension if it is missing
(it needs the right to: a superuser, or the database's owner on PostgreSQL 13+ where pg_trgm is a trusted
extension) and the indexes; on any other database it does nothing. If the extension cannot be created the migration
still succeeds without the indexes and says so; ``landcycle search-indexes`` creates them later, once a superuser has
run ``CREATE EXTENSION pg_trgm`` (docs/deployment.md). The indexes live outside the models' state (SQLite has no
GIN), so ``makemigrations`` neither sees nor removes them. ``trigram_columns`` tells ``kit.listing.search_q`` which
columns have one."""

from __future__ import annotations

import re
import sys

from django.db import DatabaseError, transaction
from django.db.migrations.operations.base import Operation

EXTENSION = "pg_trgm"

MISSING = (
    "注意：无法创建 PostgreSQL 扩展 pg_trgm（{error}）。子串搜索的三元组索引未建立：搜索结果不变，但大表上的搜索"
    "要读整张表。请由数据库超级用户在本数据库执行 `CREATE EXTENSION pg_trgm;`，再运行 `landcycle search-indexes`。 / "
    "Note: the PostgreSQL extension pg_trgm could not be created ({error}). The trigram indexes for substring search "
    "were not built: searches return the same rows but read the whole table on the large tables. Have a database "
    "superuser run `CREATE EXTENSION pg_trgm;` in this database, then run `landcycle search-indexes`.\n"
)


_COLUMNS: dict[str, frozenset[tuple[str, str]]] = {}
# as pg_indexes shows them: upper((name)::text) for a varchar column, upper(reason_zh) for a text one
_INDEXED = re.compile(r"USING gin \(upper\(\(?\"?(\w+)\"?\)?(?:::text)?\) gin_trgm_ops\)")


def trigram_columns(connection) -> frozenset[tuple[str, str]]:
    """The (table, column) pairs a trigram index serves in this database (none but on PostgreSQL): read once per
    process and database alias — a server started before ``landcycle search-indexes`` ran needs a restart to know."""
    if connection.vendor != "postgresql":
        return frozenset()
    if connection.alias not in _COLUMNS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE %s", ["%gin_trgm_ops%"])
            found = {
                (table, m.group(1)) for table, definition in cursor.fetchall() if (m := _INDEXED.search(definition))
            }
        _COLUMNS[connection.alias] = frozenset(found)
    return _COLUMNS[connection.alias]


def has_trigram(q: str) -> bool:
    """``%q%`` gives pg_trgm at least one trigram to look up: three word characters in a row (Chinese ones count)."""
    return re.search(r"\w{3}", q) is not None


def index_name(model_name: str, field: str) -> str:
    return f"{model_name.lower()}_{field}_trgm"


def create_sql(table: str, column: str, name: str, quote) -> str:
    """The index over exactly what Django's icontains compares on PostgreSQL: ``UPPER("column"::text)``."""
    return f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} USING gin (UPPER({quote(column)}::text) gin_trgm_ops)"


def extension_ready(connection, report=None) -> bool:
    """pg_trgm is installed in this database, or could be created now (inside a savepoint: a refusal does not break
    the migration's transaction). ``report``: where the message goes when it cannot be (default stderr)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [EXTENSION])
        if cursor.fetchone():
            return True
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {EXTENSION}")
    except DatabaseError as exc:
        (report or sys.stderr.write)(MISSING.format(error=str(exc).strip().splitlines()[0]))
        return False
    return True


class TrigramIndexes(Operation):
    """``TrigramIndexes("enterprise", ["name", "uscc"])``: one GIN trigram index per field (``enterprise_name_trgm``),
    PostgreSQL only."""

    reversible = True
    reduces_to_sql = True  # sqlmigrate: the statements PostgreSQL runs (database_forwards collects them)

    def __init__(self, model_name: str, fields: list[str]):
        self.model_name = model_name
        self.fields = list(fields)

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name, self.fields], {})

    def state_forwards(self, app_label, state):
        pass  # no model state: the indexes are the database's alone

    def statements(self, model, quote) -> list[str]:
        table = model._meta.db_table
        return [
            create_sql(table, model._meta.get_field(f).column, index_name(self.model_name, f), quote)
            for f in self.fields
        ]

    def create(self, connection, model, execute, report=None) -> bool:
        """Create the missing indexes; False when pg_trgm is not there (nothing created). ``execute``: the schema
        editor's (so that ``sqlmigrate`` collects the statements) or a cursor's."""
        if connection.vendor != "postgresql" or not extension_ready(connection, report):
            return False
        for sql in self.statements(model, connection.ops.quote_name):
            execute(sql)
        return True

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        if schema_editor.collect_sql:  # sqlmigrate: the statements as a PostgreSQL with pg_trgm runs them
            schema_editor.execute(f"CREATE EXTENSION IF NOT EXISTS {EXTENSION}")
            for sql in self.statements(model, connection.ops.quote_name):
                schema_editor.execute(sql)
            return
        self.create(connection, model, schema_editor.execute)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.connection.ops.quote_name
        for f in self.fields:
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index_name(self.model_name, f))}")

    def describe(self):
        return f"Trigram indexes (PostgreSQL only) on {self.model_name}: {', '.join(self.fields)}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_trigram"
