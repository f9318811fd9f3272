"""Load on `landcycle serve` from simulated users (locust), loopback only; prints a table per run.

    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python -m landcycle.cli demo --no-serve
    LANDCYCLE_HOME=/tmp/lc PYTHONPATH=src .venv/bin/python benchmarks/load.py [--run 20:0 --run 50:5] [--time 60]

Each ``--run USERS:THINK`` starts ``landcycle serve`` (gunicorn, its default workers unless ``--workers``) on a free
port of 127.0.0.1, on a copy of LANDCYCLE_HOME (the built demo is left as it was), and sends it USERS concurrent
users for ``--warmup`` seconds (sign-ins, the first renders; not counted) and then ``--time`` seconds counted; then
it stops the users and the server. Nothing but 127.0.0.1 is ever addressed, and every run ends by itself.

The users start over ``--spawn`` seconds. Each signs in as one of the demo accounts in turn (three town officers,
the county administrator, the leader; password = user name + "-demo") and gets an API token of its own (made on the
copy before the server starts, so the API's per-token throttle counts each user apart, as for separate
integrations). Then, between pages, it waits THINK seconds on average (uniform between half and one and a half
times; 0: no wait, the server's saturation), and opens, by weight: its home page; the lists of parks, parcels,
enterprises, contracts; the warning board; a detail of each (a row of the list it last saw, as a person clicks
one); the map page, its outlines and the parcels of a park's view at parcel zoom; the results of the newest
evaluation run; and the API's lists and evaluation results (token auth). Static files are not requested (a browser
keeps them). ``--write-every S`` adds one user, the county administrator's API token, that changes a park's note
every S seconds: each write makes every kept page miss once (kit.pagecache), as in a county where people work.

The table gives, per page, the requests counted, their rate, the 50th/95th/99th percentile and the slowest time
(milliseconds, from locust's own client timing: request sent to last byte read), and the errors: any status but the
expected one (200; 302 for the sign-in) or a failed connection; "kept": how many were answered from a kept page
(kit.pagecache, the X-Page-Cache header; each worker keeps its own in local memory, each reader their own, so the
share grows with the warm-up; ``LANDCYCLE_PAGE_CACHE=0`` in the environment measures without). Requests/s is what
the whole run served in the counted window. With it: the CPU seconds the web workers used in that window (from
/proc; per request, a figure that depends far less than the times on what else the machine runs), the load
generator's own CPU, and the load average before and after: the load generator runs on the same machine as the
server.

On PostgreSQL: set ``DATABASE_URL`` (passed on to the server and to the token step) and point LANDCYCLE_HOME at a
home holding the keys (no ``landcycle.sqlite3`` needed). The run writes to that database (sign-ins, sessions, the
tokens): give it a copy, e.g. ``createdb -T h_gen h_copy`` of the province sample, with the demo accounts added
(``landcycle.sample.users.create_demo_users``; the sample's county 330282 and its towns hold them).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

# locust patches the standard library for gevent when imported: import it before anything opens a socket
import gevent
from locust import FastHttpUser, between, constant, events, task
from locust.env import Environment

LOGINS = ["xinpu", "admin", "qiaotou", "leader", "henghe"]  # town officers, county admin, leader, in turn
HOST = "127.0.0.1"
PARCEL_ZOOM = 14  # settings.LANDCYCLE_MAP_PARCEL_ZOOM's default: the map asks for parcels from this zoom on
DETAIL = {
    "park": r"/parks/(\d+)/",
    "parcel": r"/parcels/(\d+)/",
    "enterprise": r"/enterprises/(\d+)/",
    "contract": r"/contracts/(\d+)/",
    "warning": r"/warnings/(\d+)/",
}
TOKENS_CODE = """
import json
from landcycle.accounts.models import User
from landcycle.api.services import token_create
users = {u.username: u for u in User.objects.filter(username__in=%(names)r)}
keys = [token_create(actor=users[n], user=users[n], name="load %%d" %% i, days=1)[1] for i, n in enumerate(%(logins)r)]
print("TOKENS " + json.dumps(keys))
"""


class Recorder:
    """Every request's time by page, kept only while ``counting``; failures counted in the warm-up too."""

    def __init__(self) -> None:
        self.counting = False
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.warmup_errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.kept: dict[str, int] = defaultdict(int)  # counted answers from kept pages (X-Page-Cache: hit)

    def on_request(self, request_type, name, response_time, response_length, exception=None, **kw) -> None:
        if exception is not None:
            (self.errors if self.counting else self.warmup_errors)[name] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{name}: {exception}"[:300])
        if self.counting:
            self.times[name].append(response_time)
            response = kw.get("response")
            if response is not None and (response.headers or {}).get("X-Page-Cache") == "hit":
                self.kept[name] += 1


def _wait(think: float):
    return constant(0) if think <= 0 else between(think / 2, think * 3 / 2)


def make_user(think: float, tokens: list[str]) -> type[FastHttpUser]:
    class CountyUser(FastHttpUser):
        wait_time = _wait(think)
        network_timeout = 120.0
        connection_timeout = 30.0
        slot = 0

        def on_start(self) -> None:
            cls = type(self)
            self.index, cls.slot = cls.slot, cls.slot + 1
            self.login = LOGINS[self.index % len(LOGINS)]
            self.token = {"Authorization": f"Token {tokens[self.index]}", "Accept": "application/json"}
            self.ids: dict[str, list[str]] = {}
            page = self.client.get("/accounts/login/", name="sign-in form")
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
            form = {"username": self.login, "password": self.login + "-demo"}
            form["csrfmiddlewaretoken"] = csrf.group(1) if csrf else ""
            with self.client.post(
                "/accounts/login/", data=form, name="sign-in", allow_redirects=False, catch_response=True
            ) as r:
                if r.status_code != 302:
                    r.failure(f"sign-in of {self.login} answered {r.status_code}")
            self.run_id: str | None = None  # the newest evaluation run's, found on first use (and the API's)
            self.api_run: int | None = None
            self.view: str | None = None

        # ------------------------------------------------------------------ helpers
        def _get(self, url: str, name: str, headers: dict | None = None) -> str:
            with self.client.get(url, name=name, headers=headers, allow_redirects=False, catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code} for {url} as {self.login}")
                    return ""
                return r.text or ""

        def _api(self, url: str, name: str) -> dict:
            text = self._get(url, name, headers=self.token)
            return json.loads(text) if text else {}

        def _list(self, kind: str) -> None:
            urls = {"warning": "/warnings/", "park": "/parks/", "parcel": "/parcels/"}
            url = urls.get(kind, f"/{kind}s/")
            text = self._get(url, "warning board" if kind == "warning" else f"{kind} list")
            found = re.findall(DETAIL[kind], text)
            if found:
                self.ids[kind] = found

        def _detail(self, kind: str) -> None:
            if not self.ids.get(kind):
                self._list(kind)
            if self.ids.get(kind):
                pk = random.choice(self.ids[kind])
                self._get(DETAIL[kind].replace(r"(\d+)", pk), f"{kind} detail")

        def _view(self) -> str | None:
            """The map's parcel request for a 1366 × 520 px view centred on one of the user's parks."""
            text = self._get("/map/outlines.geojson", "map outlines")
            features = json.loads(text).get("features", []) if text else []
            if not features:
                return None
            ring = random.choice(features)["geometry"]["coordinates"][0]
            cx = sum(p[0] for p in ring) / len(ring)
            cy = sum(p[1] for p in ring) / len(ring)
            span = 360 / (256 * 2**PARCEL_ZOOM)
            w, h = 683 * span, 260 * span * 0.87
            return f"/map/view.geojson?bbox={cx - w:.5f},{cy - h:.5f},{cx + w:.5f},{cy + h:.5f}&zoom={PARCEL_ZOOM}"

        # ------------------------------------------------------------------ what a user opens
        @task(3)
        def home(self) -> None:
            self._get("/", "home")

        @task(2)
        def lists(self) -> None:
            self._list(
                random.choice(["park", "parcel", "enterprise", "contract"]) if random.random() < 0.8 else "warning"
            )

        @task(4)
        def details(self) -> None:
            self._detail(random.choice(list(DETAIL)))

        @task(1)
        def map_page(self) -> None:
            self._get("/map/", "map page")
            self._get("/map/outlines.geojson", "map outlines")

        @task(1)
        def map_view(self) -> None:
            self.view = self.view or self._view()
            if self.view:
                self._get(self.view, "map parcels in view")

        @task(1)
        def evaluation(self) -> None:
            if self.run_id is None:
                runs = re.findall(r"/evaluation/runs/(\d+)/results/", self._get("/evaluation/", "evaluation runs"))
                self.run_id = max(runs, key=int) if runs else ""
            if self.run_id:
                self._get(f"/evaluation/runs/{self.run_id}/results/", "evaluation results")

        @task(2)
        def api(self) -> None:
            kind = random.choice(["parks", "parcels", "enterprises", "contracts", "warnings", "results"])
            if kind != "results":
                self._api(f"/api/{kind}/", f"api {kind}")
                return
            if self.api_run is None:
                runs = self._api("/api/evaluation/runs/?status=published", "api evaluation runs")
                self.api_run = (runs.get("results") or [{}])[0].get("id") or 0
            if self.api_run:
                self._api(f"/api/evaluation/runs/{self.api_run}/results/", "api evaluation results")

    return CountyUser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def make_writer(every: float, token: str) -> type[FastHttpUser]:
    """One more user, the county administrator's integration, that changes a park's note through the API every
    ``every`` seconds: each write moves the audit chain's heads, so every page kept before it misses once after
    (kit.pagecache). Its requests are counted as "api park write" (200 expected)."""

    class Writer(FastHttpUser):
        fixed_count = 1
        wait_time = constant(every)
        network_timeout = 120.0
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        park: str | None = None
        n = 0

        @task
        def write(self) -> None:
            if self.park is None:
                with self.client.get("/api/parks/?page_size=1", headers=self.headers, name="api park write") as r:
                    self.park = str(r.json()["results"][0]["id"])
            type(self).n += 1
            with self.client.patch(
                f"/api/parks/{self.park}/",
                json={"note": f"load {self.n}"},
                headers=self.headers,
                name="api park write",
                catch_response=True,
            ) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code} for the park's note")

    return Writer


def make_tokens(home: Path, users: int) -> list[str]:
    logins = [LOGINS[i % len(LOGINS)] for i in range(users)]
    code = TOKENS_CODE % {"names": sorted(set(logins)), "logins": logins}
    env = dict(os.environ, LANDCYCLE_HOME=str(home))
    out = subprocess.run(
        [sys.executable, "-m", "landcycle.cli", "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("TOKENS "))[7:])


def start_server(home: Path, port: int, workers: int | None) -> subprocess.Popen:
    argv = [sys.executable, "-m", "landcycle.cli", "serve", "--host", HOST, "--port", str(port)]
    if workers:
        argv += ["--workers", str(workers)]
    log = (home / "serve.log").open("wb")
    proc = subprocess.Popen(argv, env=dict(os.environ, LANDCYCLE_HOME=str(home)), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"landcycle serve exited ({proc.returncode}); see {home / 'serve.log'}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=5) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("landcycle serve did not answer /healthz within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()  # gunicorn's master: stops its workers and the task worker
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def server_cpu(master: int) -> float:
    """CPU seconds used so far by gunicorn's web workers (the children of ``master`` running gunicorn)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == master and b"gunicorn" in cmdline:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def percentile(xs: list[float], p: float) -> float:
    """Nearest rank: the smallest time that ``p`` of the requests did not exceed."""
    s = sorted(xs)
    return s[max(0, math.ceil(p * len(s)) - 1)]


def one_run(home: Path, users: int, think: float, args) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="lc-load-"))
    work = scratch / "home"
    shutil.copytree(home, work, ignore=shutil.ignore_patterns("static", "*.log"))
    tokens = make_tokens(work, max(users, 2))  # the writer's is the county administrator's (the second)
    port = free_port()
    server = start_server(work, port, args.workers)
    recorder = Recorder()
    events.request.add_listener(recorder.on_request)
    classes = [make_user(think, tokens)]
    if args.write_every:
        classes.append(make_writer(args.write_every, tokens[LOGINS.index("admin")]))
    env = Environment(user_classes=classes, host=f"http://{HOST}:{port}", events=events)
    runner = env.create_local_runner()
    load_before = os.getloadavg()
    try:
        runner.start(users + (1 if args.write_every else 0), spawn_rate=max(1.0, users / args.spawn))
        gevent.sleep(args.warmup)
        cpu0, own0 = server_cpu(server.pid), time.process_time()
        recorder.counting, t0 = True, time.monotonic()
        gevent.sleep(args.time)
        recorder.counting, elapsed = False, time.monotonic() - t0
        cpu, own = server_cpu(server.pid) - cpu0, time.process_time() - own0
        runner.quit()
    finally:
        events.request.remove_listener(recorder.on_request)
        stop_server(server)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    rows = {}
    for name, xs in sorted(recorder.times.items()):
        rows[name] = {
            "requests": len(xs),
            "rps": round(len(xs) / elapsed, 2),
            "p50_ms": round(percentile(xs, 0.50)),
            "p95_ms": round(percentile(xs, 0.95)),
            "p99_ms": round(percentile(xs, 0.99)),
            "max_ms": round(max(xs)),
            "errors": recorder.errors.get(name, 0),
            "kept": recorder.kept.get(name, 0),
        }
    every = [x for xs in recorder.times.values() for x in xs]
    total = {
        "requests": len(every),
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(percentile(every, 0.50)) if every else None,
        "p95_ms": round(percentile(every, 0.95)) if every else None,
        "p99_ms": round(percentile(every, 0.99)) if every else None,
        "max_ms": round(max(every)) if every else None,
        "errors": sum(recorder.errors.values()),
        "kept": sum(recorder.kept.values()),
    }
    return {
        "server_cpu_s": round(cpu, 1),
        "server_cpu_ms_per_request": round(cpu * 1000 / len(every), 1) if every else None,
        "load_generator_cpu_s": round(own, 1),
        "users": users,
        "write_every_s": args.write_every,
        "think_s": think,
        "counted_s": round(elapsed, 1),
        "warmup_s": args.warmup,
        "warmup_errors": sum(recorder.warmup_errors.values()),
        "error_samples": recorder.error_samples,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "pages": rows,
        "total": total,
    }


def print_table(run: dict, workers: str) -> None:
    print(
        f"\n{run['users']} users, think {run['think_s']:g} s"
        + (f", a write every {run['write_every_s']:g} s" if run.get("write_every_s") else "")
        + f", {run['counted_s']} s counted after "
        f"{run['warmup_s']} s warm-up, gunicorn workers: {workers}; load average before "
        f"{run['load_average_before']}, after {run['load_average_after']}"
    )
    print(
        f"server CPU {run['server_cpu_s']} s in the counted window ({run['server_cpu_ms_per_request']} ms per request); "
        f"load generator CPU {run['load_generator_cpu_s']} s"
    )
    head = (
        f"{'page':<26}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'errors':>7}"
        f"{'kept':>6}"
    )
    print(head)
    print("-" * len(head))
    for name, r in [*run["pages"].items(), ("all", run["total"])]:
        if name == "all":
            print("-" * len(head))
        print(
            f"{name:<26}{r['requests']:>9}{r['rps']:>8}{r['p50_ms']!s:>8}{r['p95_ms']!s:>8}{r['p99_ms']!s:>8}"
            f"{r['max_ms']!s:>8}{r['errors']:>7}{r.get('kept', 0):>6}"
        )
    if run["warmup_errors"] or run["error_samples"]:
        print(f"errors during the warm-up: {run['warmup_errors']}; first errors: {run['error_samples']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--run", action="append", metavar="USERS:THINK", help="users and mean think time in seconds (20:0 50:5)"
    )
    parser.add_argument("--time", type=float, default=60, help="seconds counted per run (60)")
    parser.add_argument("--warmup", type=float, default=40, help="seconds before counting: sign-ins, first renders")
    parser.add_argument("--spawn", type=float, default=20, help="seconds over which the users start and sign in")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: landcycle serve's)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--write-every", type=float, default=0, help="one more user writes through the API every S seconds (0: none)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the copy of LANDCYCLE_HOME and the server's log")
    args = parser.parse_args()
    home = Path(os.environ["LANDCYCLE_HOME"]).resolve()
    if not os.environ.get("DATABASE_URL") and not (home / "landcycle.sqlite3").exists():
        raise SystemExit(f"{home} holds no landcycle.sqlite3: build the demo first (landcycle demo --no-serve)")
    workers = str(args.workers or os.environ.get("LANDCYCLE_WORKERS", "2"))
    out = {
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
        "runs": [],
    }
    for spec in args.run or ["20:0", "50:5"]:
        users, _, think = spec.partition(":")
        run = one_run(home, int(users), float(think or 0), args)
        out["runs"].append(run)
        print_table(run, workers)
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
