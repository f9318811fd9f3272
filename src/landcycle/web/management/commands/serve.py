import os
import socket
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def port_free_or_exit(host: str, port: int) -> None:
    """Refuse at once, in one line, when another program listens on ``host:port`` (gunicorn would retry five
    times and print a traceback)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            raise CommandError(
                f"端口 {port} 已被占用：请换一个端口，如 `make demo PORT={port + 1}` 或 "
                f"`landcycle serve --port {port + 1}` / Port {port} on {host} is in use: choose another, "
                f"e.g. `make demo PORT={port + 1}` or `landcycle serve --port {port + 1}`"
            ) from None


class Command(BaseCommand):
    help = (
        "生产级服务 / production server: gunicorn, DEBUG off, static files served by the app (WhiteNoise), "
        "and the worker of the database task queue (LANDCYCLE_TASK_WORKER=0 leaves it out)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LANDCYCLE_WORKERS", "2")))

    def handle(self, *args, port=8000, host="127.0.0.1", workers=2, **opts):
        port_free_or_exit(host, port)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "landcycle.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
            # the worker of the database task queue beside the web workers (LANDCYCLE_TASK_WORKER=0: not here)
            "--config",
            "python:landcycle.web.gunicorn_hooks",
        ]
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="landcycle.settings",
            LANDCYCLE_DEBUG="0",
            LANDCYCLE_HOME=str(settings.LANDCYCLE_HOME),
            LANDCYCLE_TASK_WORKER="1" if settings.SERVE_TASK_WORKER else "0",
            LANDCYCLE_TASKS=settings.LANDCYCLE_TASKS,
        )
        os.execvpe(argv[0], argv, env)
