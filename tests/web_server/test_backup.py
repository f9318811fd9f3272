"""`landcycle backup` / `landcycle restore` end to end, as an operator runs them, on the database of this run
(SQLite in the first pass of `make test`, PostgreSQL in the second): a generated county with an evidence file is
backed up, restored into an empty installation, and gives the same rows, the same exports byte for byte, the same
files and a passing `landcycle audit verify` against the checkpoints that came with it. On SQLite the backup is taken
while another process keeps writing."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest

PG = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = PG.startswith("postgres")
KINDS = ("regions", "parks", "parcels", "enterprises", "occupancy", "figures", "contracts")


def _landcycle(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "landcycle.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def _server_url() -> str:
    return PG.rsplit("/", 1)[0]


@pytest.fixture
def installations(tmp_path):
    """Two installations: the county's (with data) and an empty one to restore into."""
    made = []

    def make(name: str) -> dict:
        home = tmp_path / name
        home.mkdir()
        env = dict(os.environ, LANDCYCLE_HOME=str(home), LANDCYCLE_AUDIT_CHECKPOINTS=str(home / "audit-checkpoints"))
        env.pop("LANDCYCLE_AUDIT_KEY")  # each installation makes its own key, as in production
        if ON_POSTGRES:
            db = f"landcycle_bk_{name}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{_server_url()}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}"')
            made.append(db)
            env["DATABASE_URL"] = f"{_server_url()}/{db}"
        else:
            env.pop("DATABASE_URL", None)
        return {"home": home, "env": env}

    yield make
    if ON_POSTGRES:
        with psycopg.connect(f"{_server_url()}/postgres", autocommit=True) as conn:
            for db in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def _exports(inst: dict, out: Path) -> dict[str, bytes]:
    out.mkdir()
    files = {}
    for kind in KINDS:
        _landcycle(inst["env"], "export", kind, "--out", str(out / f"{kind}.csv"))
        files[kind] = (out / f"{kind}.csv").read_bytes()
    return files


WRITER = """
import pathlib, sys, time
import django
django.setup()
from landcycle.accounts.services import system_user
from landcycle.registry import services
from landcycle.registry.models import Enterprise
started, stop = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
firm = Enterprise.objects.order_by("pk").first()
actor = system_user()
n, deadline = 0, time.monotonic() + 240
while not stop.exists() and time.monotonic() < deadline:
    services.enterprise_update(actor=actor, enterprise=firm, contact=f"联系人{n}")
    n += 1
    started.touch()
print(n)
"""


def _start_writer(env: dict, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    started, stop = tmp_path / "writer-started", tmp_path / "writer-stop"
    env = dict(env, DJANGO_SETTINGS_MODULE="landcycle.settings")
    cmd = [sys.executable, "-c", WRITER, str(started), str(stop)]
    writer = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(600):
        if started.exists() or writer.poll() is not None:
            break
        time.sleep(0.1)
    assert started.exists(), writer.communicate()[1][-2000:]
    return writer, stop


def test_a_backup_restored_into_an_empty_installation_is_the_same_installation(installations, tmp_path):
    county = installations("county")
    _landcycle(county["env"], "migrate", "-v0")
    _landcycle(county["env"], "generate", "--enterprises", "60", "--contracts", "80")
    evidence = county["home"] / "uploads" / "evidence" / "ab" / "现场照片.png"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    archive = tmp_path / "备份.tar.gz"

    writer = None
    if not ON_POSTGRES:  # the online backup API while another process writes (a file copy would tear)
        writer, stop = _start_writer(county["env"], tmp_path)
    _landcycle(county["env"], "backup", str(archive))
    if writer is not None:
        assert writer.poll() is None, "the writer should still be writing while the backup is taken"
        stop.touch()
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0 and int(out) > 0, err[-2000:]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds the audit key
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "audit_key", "audit-checkpoints"} <= set(tar.getnames())
    before = _exports(county, tmp_path / "before")

    empty = installations("restored")
    done = _landcycle(empty["env"], "restore", str(archive))
    assert "audit chain intact" in done.stdout
    verify = _landcycle(empty["env"], "audit", "verify")
    matched = re.search(r"matching (\d+) checkpoints", verify.stdout)
    assert matched and int(matched[1]) > 0, verify.stdout  # the checkpoints came with the backup
    restored_evidence = empty["home"] / evidence.relative_to(county["home"])
    assert restored_evidence.read_bytes() == evidence.read_bytes()
    if writer is None:  # nothing changed the county since the backup: every export is the same, byte for byte
        assert _exports(empty, tmp_path / "after") == before
    else:
        after = _exports(empty, tmp_path / "after")
        assert {k: v for k, v in after.items() if k != "enterprises"} == {
            k: v for k, v in before.items() if k != "enterprises"
        }  # the writer only touched one enterprise's contact, after (or during) the backup

    # the restored installation works on: a new write links onto the restored chain and its checkpoints
    _landcycle(empty["env"], "regions", "load", "--county", "330282")
    _landcycle(empty["env"], "audit", "verify")

    again = _landcycle(empty["env"], "restore", str(archive), check=False)
    assert again.returncode == 1 and "already holds data" in again.stderr


def test_a_damaged_archive_is_refused_before_anything_is_written(installations, tmp_path):
    county = installations("county")
    _landcycle(county["env"], "migrate", "-v0")
    _landcycle(county["env"], "generate", "--enterprises", "20", "--contracts", "20")
    (county["home"] / "uploads").mkdir(exist_ok=True)
    (county["home"] / "uploads" / "台账.xlsx").write_bytes(b"ledger")
    archive = tmp_path / "backup.tar.gz"
    _landcycle(county["env"], "backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.endswith("台账.xlsx"):
                data = b"forged"
                member.size = len(data)
            dst.addfile(member, fileobj=io.BytesIO(data))
    empty = installations("restored")
    done = _landcycle(empty["env"], "restore", str(damaged), check=False)
    assert done.returncode == 1 and "does not match the manifest" in done.stderr
    assert not (empty["home"] / "uploads" / "台账.xlsx").exists()
    check = _landcycle(empty["env"], "audit", "verify", check=False)  # still empty: no table was restored
    assert check.returncode == 2 and "has no tables" in check.stderr
