"""The ``landcycle`` command: every Django management command, plus the product's own
(``demo``, ``serve``, ``audit verify``, ``regions load``).

``landcycle evaluate`` and ``landcycle supervise`` — the stand-alone engines a town officer runs on a
file, with no database — go to ``landcycle.standalone`` before Django is imported: starting Django is
about a second they do not need."""

import os
import sys

STANDALONE = ("evaluate", "supervise")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "landcycle"
    if len(argv) > 1 and argv[1] in STANDALONE:
        from landcycle.standalone import main as standalone

        raise SystemExit(standalone(argv[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
