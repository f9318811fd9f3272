"""The ``landcycle`` command: every Django management command, plus the product's own
(``demo``, ``serve``, ``audit verify``, ``regions load``).

``landcycle evaluate`` and ``landcycle supervise`` — the stand-alone engines a town officer runs on a
file, with no database — go to ``landcycle.standalone`` before Django is imported: starting Django is
about a second they do not need."""

import os
import sys

STANDALONE = ("evaluate", "supervise", "admit", "rank")


def main(argv: list[str] | None = None) -> None:
    os.umask(0o077)  # the database, uploads, exports and keys it creates are the owner's alone
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "landcycle"
    if len(argv) > 1 and argv[1] in STANDALONE:
        from landcycle.standalone import main as standalone  # noqa: PLC0415 -- Django is imported only by the commands that need it; the stand-alone ones start without it

        raise SystemExit(standalone(argv[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 -- Django is imported only by the commands that need it; the stand-alone ones start without it
    from django.db.utils import OperationalError, ProgrammingError  # noqa: PLC0415 -- Django is imported only by the commands that need it; the stand-alone ones start without it

    try:
        execute_from_command_line(argv)
    except (OperationalError, ProgrammingError) as exc:
        if not _missing_tables(exc):
            raise
        sys.stderr.write(_no_database_line() + "\n")
        sys.exit(2)


def _missing_tables(exc: Exception) -> bool:
    """SQLite's "no such table" or PostgreSQL's "relation … does not exist": a database nobody migrated."""
    text = str(exc)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _no_database_line() -> str:
    from django.conf import settings  # noqa: PLC0415 -- Django is imported only by the commands that need it; the stand-alone ones start without it

    db = settings.DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db.get('HOST') or 'localhost'}/{db['NAME']}"
    return (
        f"数据库 {where} 还没有数据表（LANDCYCLE_HOME={settings.LANDCYCLE_HOME}）：请在项目目录运行 `make demo`，"
        f"或先 `landcycle migrate`，或把 LANDCYCLE_HOME 设为已有数据的目录。 / The database {where} has no tables "
        f"(LANDCYCLE_HOME={settings.LANDCYCLE_HOME}): run `make demo` in the project folder, or `landcycle migrate` "
        f"first, or point LANDCYCLE_HOME at the folder that holds your data."
    )


if __name__ == "__main__":
    main()
