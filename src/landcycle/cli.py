"""The ``landcycle`` command: every Django management command, plus the product's own
(``demo``, ``serve``, ``audit verify``, ``regions load``)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "landcycle"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
