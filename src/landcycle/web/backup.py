"""`landcycle backup OUT` and `landcycle restore IN` (issue 18): one archive with the database, the files and the
audit chain's key and checkpoints, taken while the server runs, restored into an empty installation.

- SQLite: Python's ``sqlite3`` online backup API on the open connection (a consistent copy even while another
  process writes; a plain file copy taken during a write was corrupt 8 times in 16). PostgreSQL: ``pg_dump -Fc``
  (one snapshot) and ``pg_restore``. A dump/load through Django's serialisers would cut timestamps to
  milliseconds, break every audit hash and leave the files out; the engines' own tools keep every byte.
- The files, read through Django's storage API (kit.storage): the uploads storage (ledgers, evidence, documents,
  photos) as ``uploads/…`` and the exports storage (prepared downloads) as ``exports/…``, each listed in the manifest
  with its SHA-256, checked on restore and saved through the restored installation's storages. Local folders by
  default; with ``LANDCYCLE_STORAGE=s3`` the bucket's objects are downloaded into the archive the same way (the
  bucket's own versioning or replication is the better guard of a large bucket: docs/deployment.md).
- The audit key and the checkpoint file travel with the archive: without them the restored chain cannot be
  verified. A checkpoint of the head is written just before the copy, so the archive proves its own tail.
- The manifest (``manifest.json``) records the engine, the time, the row count of every table and the audit head;
  ``restore`` refuses an archive from another engine (a cross-engine move is a different tool), an installation
  that already holds data, and files whose hash does not match; it then compares the restored counts with the
  manifest. The archive is created owner-only: it holds the keys.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection, connections
from django.utils import timezone

from landcycle.audit.models import AuditHead
from landcycle.audit.services import read_checkpoints, write_checkpoint
from landcycle.kit.storage import EXPORTS, UPLOADS

FORMAT = 1
FILE_STORAGES = (("uploads", UPLOADS), ("exports", EXPORTS))  # (folder in the archive, storage alias)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is bilingual."""


@dataclass
class Summary:
    engine: str
    tables: int
    rows: int
    files: int
    audit_seq: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库：{vendor} / unsupported database: {vendor}")
    return vendor


def table_counts() -> dict[str, int]:
    """Rows per table of every installed model (what the restore compares with the manifest)."""
    with connection.cursor() as cur:
        return _snapshot_facts(cur, connection.ops.quote_name)[0]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage`` (under ``folder``), walked with ``listdir``."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # a local folder not made yet: nothing stored
        return
    for f in sorted(files):
        yield f"{folder}/{f}" if folder else f
    for d in sorted(dirs):
        yield from _names(storage, f"{folder}/{d}" if folder else d)


def _copy_data_files(staging: Path) -> dict[str, str]:
    """Copy every stored file into ``staging/files/<folder>/<name>``; returns ``{"<folder>/<name>": sha256}``."""
    copied = {}
    for folder, alias in FILE_STORAGES:
        storage = storages[alias]
        for name in _names(storage):
            target = staging / "files" / folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with storage.open(name, "rb") as data, target.open("wb") as out:
                for block in iter(lambda: data.read(1 << 20), b""):
                    digest.update(block)
                    out.write(block)
            copied[f"{folder}/{name}"] = digest.hexdigest()
    return copied


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {cmd[0]}（请安装 PostgreSQL 客户端） / {cmd[0]} not found: {exc}") from exc
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} 失败 / {cmd[0]} failed: {done.stderr.strip()[:2000]}")


def _tables() -> list[str]:
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.proxy and model._meta.managed:
            tables.add(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    return sorted(tables & existing)


def _snapshot_facts(cur: Any, quote: Any) -> tuple[dict[str, int], tuple[int, str]]:
    """Row counts and the audit head, read inside the snapshot that is being copied."""
    counts = {}
    for table in _tables():
        cur.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cur.fetchone()[0])
    head_table = AuditHead._meta.db_table
    head = (0, "")
    if head_table in counts:
        cur.execute(f"SELECT seq, hash FROM {quote(head_table)} WHERE id = 1")
        row = cur.fetchone()
        head = (int(row[0]), str(row[1])) if row else head
    return counts, head


def _dump_database(engine: str, into: Path) -> tuple[str, dict[str, int], tuple[int, str]]:
    """Copy the database into ``into``; the counts and head are those of the copy, not of a moment before or after
    it (another process may be writing)."""
    quote = connection.ops.quote_name
    if engine == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(into / "db.sqlite3")
        try:
            connection.connection.backup(target)  # the online backup API, on the live connection
            counts, head = _snapshot_facts(target.cursor(), quote)
        finally:
            target.close()
        return "db.sqlite3", counts, head
    args, env = _pg_env()
    db = settings.DATABASES["default"]
    conninfo = psycopg.conninfo.make_conninfo(
        host=str(db.get("HOST") or "127.0.0.1"),
        port=str(db.get("PORT") or 5432),
        dbname=str(db["NAME"]),
        user=str(db.get("USER") or ""),
        password=str(db.get("PASSWORD") or ""),
    )
    with psycopg.connect(conninfo) as conn:  # one snapshot for the counts and for pg_dump
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            counts, head = _snapshot_facts(cur, quote)
            _run(
                ["pg_dump", "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", *args,
                 "-f", str(into / "db.dump"), str(db["NAME"])],
                env,
            )  # fmt: skip
    return "db.dump", counts, head


def _checkpoints_upto(seq: int, into: Path) -> Path | None:
    """The installation's checkpoints up to the copied head (a writer may have added later ones meanwhile)."""
    path = settings.LANDCYCLE_AUDIT_CHECKPOINTS
    if not path or not Path(path).exists():
        return None
    kept = [p for p in read_checkpoints(path)[0] if p.seq <= seq]
    lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    target = into / "audit-checkpoints"
    target.write_text("".join(lines[p.line - 1] for p in kept), encoding="utf-8")
    return target


def backup(out: str | Path) -> Summary:
    """Write the archive ``out`` (.tar.gz, owner-only). Safe while the server runs."""
    out = Path(out)
    engine = _engine()
    write_checkpoint()
    with tempfile.TemporaryDirectory(prefix="landcycle-backup-") as tmp:
        staging = Path(tmp)
        database, counts, head = _dump_database(engine, staging)
        checkpoints = _checkpoints_upto(head[0], staging)
        files = _copy_data_files(staging)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "engine": engine,
            "created": timezone.now().isoformat(),
            "database": database,
            "tables": counts,
            "audit_head": {"seq": head[0], "hash": head[1]},
            "files": files,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        (staging / "audit_key").write_bytes(settings.LANDCYCLE_AUDIT_KEY)
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            for name in ("manifest.json", database, "audit_key"):
                tar.add(staging / name, arcname=name)
            if checkpoints is not None:
                tar.add(checkpoints, arcname="audit-checkpoints")
            for relative in files:
                tar.add(staging / "files" / relative, arcname=f"files/{relative}")
    return Summary(engine, len(counts), sum(counts.values()), len(files), head[0])


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile("manifest.json")
    except KeyError as exc:
        raise BackupError("不是 landcycle 备份：缺少 manifest.json / not a landcycle backup: no manifest.json") from exc
    manifest = json.load(io.TextIOWrapper(member, encoding="utf-8")) if member else {}
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持 / backup format not supported")
    return manifest


def _installation_is_empty() -> bool:
    tables = set(connection.introspection.table_names())
    if AuditHead._meta.db_table not in tables:
        return True  # not even migrated
    for table, rows in table_counts().items():
        if table in tables and rows and table not in ("django_migrations", "django_content_type", "auth_permission"):
            return False
    return True


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"备份中有不安全的路径：{member.name} / unsafe path in the backup: {member.name}")
        members.append(member)
    return members


def _restore_database(engine: str, staging: Path, database: str) -> None:
    if engine == "sqlite":
        connection.close()
        source = sqlite3.connect(staging / database)
        target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    args, env = _pg_env()
    name = str(settings.DATABASES["default"]["NAME"])
    connections.close_all()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", *args, "-d", name,
          str(staging / database)], env)  # fmt: skip


def _check_files(manifest: dict[str, Any], staging: Path) -> None:
    for relative, digest in manifest["files"].items():
        source = staging / "files" / relative
        if not source.is_file() or _sha256(source) != digest:
            raise BackupError(f"备份中的文件与清单不符：{relative} / a file does not match the manifest: {relative}")


def _restore_files(manifest: dict[str, Any], staging: Path) -> int:
    """Save every file of the archive through this installation's storages, under the name the rows refer to."""
    aliases = dict(FILE_STORAGES)
    for relative in manifest["files"]:
        folder, _, name = relative.partition("/")
        if folder not in aliases or not name:
            raise BackupError(f"备份中的文件不属于任何存储：{relative} / a file of the backup belongs to no storage")
        storage = storages[aliases[folder]]
        if storage.exists(name):
            storage.delete(name)
        with (staging / "files" / relative).open("rb") as data:
            saved = storage.save(name, File(data, name=name))
        if saved != name:
            raise BackupError(f"无法按原名保存文件：{relative} / could not save a file under its name: {relative}")
    return len(manifest["files"])


def _restore_audit_files(staging: Path) -> str:
    """The key and checkpoints of the backup become the installation's. Returns a warning, or ""."""
    key = (staging / "audit_key").read_bytes()
    if os.environ.get("LANDCYCLE_AUDIT_KEY"):
        if os.environ["LANDCYCLE_AUDIT_KEY"].encode("utf-8") != key:
            return (
                "环境变量 LANDCYCLE_AUDIT_KEY 与备份的审计密钥不同：请改用备份中的密钥，否则审计校验不会通过 / "
                "LANDCYCLE_AUDIT_KEY differs from the backup's audit key: set it to the backup's key or audit verify "
                "will fail"
            )
    else:
        path = Path(settings.LANDCYCLE_HOME) / "audit_key"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key)
    settings.LANDCYCLE_AUDIT_KEY = key
    target = settings.LANDCYCLE_AUDIT_CHECKPOINTS
    if target and (staging / "audit-checkpoints").exists():
        shutil.copyfile(staging / "audit-checkpoints", target)
        Path(target).chmod(0o600)
    return ""


def restore(archive: str | Path) -> tuple[Summary, list[str]]:
    """Restore ``archive`` into this installation, which must be empty. Returns the summary and warnings."""
    engine = _engine()
    try:
        tar = tarfile.open(archive, mode="r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"无法读取备份：{exc} / cannot read the backup: {exc}") from exc
    with tar, tempfile.TemporaryDirectory(prefix="landcycle-restore-") as tmp:
        manifest = _read_manifest(tar)
        if manifest["engine"] != engine:
            raise BackupError(
                f"备份来自 {manifest['engine']}，本系统使用 {engine}：不能跨数据库恢复 / the backup is from "
                f"{manifest['engine']}, this installation runs {engine}: restore into the same kind of database"
            )
        if not _installation_is_empty():
            raise BackupError(
                "本系统已有数据：只能恢复到空的系统中（新的 LANDCYCLE_HOME 和空数据库） / this installation already "
                "holds data: restore into an empty one (a new LANDCYCLE_HOME and an empty database)"
            )
        staging = Path(tmp)
        tar.extractall(staging, members=_safe_members(tar), filter="data")
        _check_files(manifest, staging)  # before anything is written
        warnings = [w for w in [_restore_audit_files(staging)] if w]
        _restore_database(engine, staging, manifest["database"])
        files = _restore_files(manifest, staging)
    connections.close_all()
    counts = table_counts()
    expected = manifest["tables"]
    differ = [t for t in expected if counts.get(t) != expected[t]]
    if differ:
        raise BackupError(
            f"恢复后行数与备份清单不符：{', '.join(differ[:5])} / row counts differ from the manifest after restore"
        )
    return Summary(engine, len(counts), sum(counts.values()), files, manifest["audit_head"]["seq"]), warnings
