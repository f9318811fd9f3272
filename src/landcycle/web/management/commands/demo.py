import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from landcycle.audit.services import audit_rekey, chain_is_unkeyed
from landcycle.registry.models import Enterprise
from landcycle.sample import DEFAULT_SEED, DEMO_USERS, build_sample

from .serve import port_free_or_exit


class Command(BaseCommand):
    help = "示例县 / sample county: migrate, build the sample county (慈溪市) once, then serve it"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="build the sample and exit")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--seed", type=int, default=None, help="random seed of the sample (default fixed)")

    def handle(self, *args, no_serve=False, port=8000, seed=None, **opts):
        if not no_serve:
            port_free_or_exit("127.0.0.1", port)  # before minutes of building, not after
        call_command("migrate", verbosity=0, interactive=False)
        if Enterprise.objects.exists():
            self.stdout.write("示例县已存在，直接使用 / the sample county is already built")
            if chain_is_unkeyed():  # built by a version before the audit chain was keyed
                n = audit_rekey()
                self.stdout.write(f"审计链已改用密钥（{n}条） / audit chain moved onto its key ({n} entries)")
        else:
            started = time.perf_counter()
            summary = build_sample(seed=DEFAULT_SEED if seed is None else seed)
            took = time.perf_counter() - started
            counts = ", ".join(f"{k} {v}" for k, v in summary.items())
            self.stdout.write(f"示例县已生成（{took:.1f} 秒）/ sample county built in {took:.1f} s: {counts}")
        self.stdout.write("\n演示账号 / demo logins (password = username + '-demo'):")
        for u in DEMO_USERS:
            self.stdout.write(f"  {u['username']:<14} {u['password']:<20} {u['role_label']}  {u['region_name']}")
        if no_serve:
            return
        self.stdout.write(f"\n打开 / open: http://127.0.0.1:{port}/\n")
        call_command("serve", port=port)
