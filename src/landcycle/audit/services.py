"""Writing and checking the audit chain.

Each entry's hash is an HMAC-SHA256 of its content and the previous entry's hash, keyed by
``settings.LANDCYCLE_AUDIT_KEY``, which lives outside the database (the environment or ``LANDCYCLE_HOME/audit_key``):
whoever can write the database cannot re-hash the chain after changing an entry. After every committed write the
chain's head is appended to a checkpoint file outside the database (``settings.LANDCYCLE_AUDIT_CHECKPOINTS``), so
a database whose tail was cut off and whose head was rolled back no longer matches its checkpoints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditAppHead, AuditEntry, AuditHead

GENESIS = "0" * 64
UNKEYED = b""  # the chain as written before it was keyed: plain SHA-256 (``landcycle audit rekey`` moves it over)
log = logging.getLogger(__name__)


def chain_key() -> bytes:
    return settings.LANDCYCLE_AUDIT_KEY


# what ``json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` builds
# on every call, built once (a bulk append hashes a million payloads)
_CANONICAL = DjangoJSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(data: Any) -> str:
    if data is None:
        return ""
    return _CANONICAL.encode(data)


def snapshot(obj: models.Model) -> dict:
    """A model's own fields as JSON-ready values (foreign keys as ids): what ``model_to_dict`` gives for its
    concrete fields (the editable ones), without working out which fields those are for every object."""
    fields = _SNAPSHOT_FIELDS.get(type(obj))
    if fields is None:
        fields = _SNAPSHOT_FIELDS[type(obj)] = [
            (f.name, f.attname) for f in obj._meta.concrete_fields if getattr(f, "editable", False)
        ]
    out = {}
    for name, attname in fields:
        v = getattr(obj, attname)  # a concrete field's value_from_object
        if isinstance(v, _NOT_JSON):
            if isinstance(v, models.Model):
                v = v.pk
            if isinstance(v, (Decimal, dt.date)):  # a datetime is a date
                v = str(v)
        out[name] = v
    return out


_SNAPSHOT_FIELDS: dict[type, list[tuple[str, str]]] = {}
_NOT_JSON = (models.Model, Decimal, dt.date)


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    at: str,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    region_code: str,
    before: str,
    after: str,
    key: bytes | None = None,
) -> str:
    """The entry's hash: HMAC-SHA256 under the chain's key (``key=UNKEYED``: the old plain SHA-256)."""
    key = chain_key() if key is None else key
    payload = _payload(
        prev_hash,
        seq,
        at,
        actor_id,
        actor_name,
        action,
        object_type,
        object_id,
        object_repr,
        region_code,
        before,
        after,
    )
    if not key:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _payload(
    prev_hash: str,
    seq: int,
    at: str,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    region_code: str,
    before: str,
    after: str,
) -> bytes:
    """The bytes an entry's hash covers: its fields as canonical JSON."""
    return canonical(
        {
            "prev": prev_hash,
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "actor": actor_name,
            "action": action,
            "type": object_type,
            "id": object_id,
            "repr": object_repr,
            "region": region_code,
            "before": before,
            "after": after,
        }
    ).encode("utf-8")


def _hasher(key: bytes) -> Callable[[bytes], str]:
    """``entry_hash``'s last step for many payloads under one key: the keyed state is built once and copied."""
    if not key:
        return lambda payload: hashlib.sha256(payload).hexdigest()
    keyed = hmac.new(key, digestmod=hashlib.sha256)

    def digest(payload: bytes) -> str:
        mac = keyed.copy()
        mac.update(payload)
        return mac.hexdigest()

    return digest


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _move_app_heads(object_types: set[str], seq: int, digest: str) -> None:
    """The apps whose objects this write touched now end at ``seq`` (under the head's lock: writers do not race)."""
    for app in sorted({t.partition(".")[0] for t in object_types} - {""}):
        if not AuditAppHead.objects.filter(app=app).update(seq=seq, hash=digest):
            AuditAppHead.objects.create(app=app, seq=seq, hash=digest)


@transaction.atomic
def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the transaction of the write it describes."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    at = timezone.now()
    fields = dict(
        seq=head.seq + 1,
        at=_at_text(at),
        actor_id=getattr(actor, "pk", None),
        actor_name=(getattr(actor, "username", None) or "system")[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        region_code=region_code or "",
        before=canonical(before),
        after=canonical(after),
    )
    digest = entry_hash(prev_hash=head.hash, **fields)
    entry = AuditEntry(
        seq=fields["seq"],
        at=at,
        actor_id=fields["actor_id"],
        actor_name=fields["actor_name"],
        action=action,
        object_type=object_type,
        object_id=fields["object_id"],
        object_repr=fields["object_repr"],
        region_code=fields["region_code"],
        before=fields["before"],
        after=fields["after"],
        prev_hash=head.hash,
        hash=digest,
    )
    entry.save()
    head.seq, head.hash = entry.seq, digest
    head.save(update_fields=["seq", "hash"])
    _move_app_heads({object_type}, entry.seq, digest)
    _checkpoint_on_commit()
    return entry


@transaction.atomic
def audit_record_many(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    items: list[tuple[models.Model, dict | None, dict | None]],
    region_code_of: Callable[[models.Model], str] = lambda obj: "",
) -> int:
    """Append one entry per (object, before, after) in one go, for bulk writes (imports, the sample
    county). Same chain, same hashes as :func:`audit_record` (see :func:`audit_append_many`)."""
    if not items:
        return 0
    return audit_append_many(
        actor=actor,
        entries=(
            NewEntry(
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                region_code=region_code_of(obj) or "",
                before=canonical(before),
                after=canonical(after),
            )
            for obj, before, after in items
        ),
    )


@dataclass(frozen=True, slots=True)
class NewEntry:
    """One entry to append in bulk, its texts final: ``before`` and ``after`` already :func:`canonical`."""

    action: str
    object_type: str
    object_id: str
    object_repr: str
    region_code: str = ""
    before: str = ""
    after: str = ""


@transaction.atomic
def audit_append_many(*, actor: AbstractBaseUser | None, entries: Iterable[NewEntry]) -> int:
    """Append ``entries`` in their order, in one transaction holding the chain's lock as single appends do: the
    hashes are computed here, one after the other, exactly as :func:`audit_record` computes them (one time for
    all of them, taken once), and the rows written at once — one ``COPY`` on PostgreSQL, ``bulk_create``
    elsewhere. The head moves to the last entry and a checkpoint follows the commit. Returns the entries."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    at = timezone.now()
    rows = _ChainRows(head, entries, at=at, actor=actor)
    if connection.vendor == "postgresql":
        count = _copy_rows(rows)
    else:
        count = _create_rows(rows)
    if not count:
        return 0
    head.seq, head.hash = rows.seq, rows.prev
    head.save(update_fields=["seq", "hash"])
    _move_app_heads(rows.object_types, rows.seq, rows.prev)
    _checkpoint_on_commit()
    return count


class _ChainRows:
    """The rows to store for ``entries`` (tuples in ``_ROW_FIELDS`` order), hashed in order from ``head``; after
    the iteration ``seq`` and ``prev`` are the new head's and ``object_types`` the types of the entries."""

    def __init__(
        self, head: AuditHead, entries: Iterable[NewEntry], *, at: dt.datetime, actor: AbstractBaseUser | None
    ) -> None:
        self.entries, self.at = entries, at
        self.seq, self.prev = head.seq, head.hash
        self.object_types: set[str] = set()  # the apps whose heads move with the chain's (kit.cache)
        self.actor_id = getattr(actor, "pk", None)
        self.actor_name = (getattr(actor, "username", None) or "system")[:150]

    def __iter__(self) -> Iterator[tuple]:
        digest_of, at, actor_id, actor_name = _hasher(chain_key()), self.at, self.actor_id, self.actor_name
        at_text = _at_text(at)
        types = self.object_types
        for e in self.entries:
            types.add(e.object_type)
            seq, prev = self.seq + 1, self.prev
            digest = digest_of(
                _payload(
                    prev,
                    seq,
                    at_text,
                    actor_id,
                    actor_name,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.object_repr,
                    e.region_code,
                    e.before,
                    e.after,
                )
            )
            yield (
                seq,
                at,
                actor_id,
                actor_name,
                e.action,
                e.object_type,
                e.object_id,
                e.object_repr,
                e.region_code,
                e.before,
                e.after,
                prev,
                digest,
            )
            self.seq, self.prev = seq, digest


def _copy_rows(rows: Iterable[tuple], batch: int = 10_000) -> int:
    """PostgreSQL: ``COPY`` in batches (ids from the table's identity, in the order written, so they rise with
    ``seq`` as ``audit verify`` checks). ``at`` goes as the aware datetime itself: psycopg writes it with its
    microseconds and offset, and the column gives back the instant the hash was computed over.

    Each batch is built before its ``COPY`` starts: the caller's entries may be a generator that reads the
    database (an object's ``str`` following a foreign key), and a query on the connection while it is in
    ``COPY`` would wait for the connection's lock for ever."""
    meta = AuditEntry._meta
    qn = connection.ops.quote_name
    columns = ", ".join(qn(meta.get_field(name).column) for name in _ROW_FIELDS)
    sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN"
    count = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        while part := list(itertools.islice(rows, batch)):
            with cursor.cursor.copy(sql) as copy:
                for row in part:
                    copy.write_row(row)
            count += len(part)
    return count


def _create_rows(rows: Iterable[tuple], batch: int = 2000) -> int:
    """Elsewhere (SQLite): ``bulk_create`` in batches (Django splits each into statements SQLite accepts)."""
    count = 0
    part: list[AuditEntry] = []
    for row in rows:
        part.append(AuditEntry(**dict(zip(_ROW_FIELDS, row, strict=True))))
        if len(part) == batch:
            AuditEntry.objects.bulk_create(part)
            count, part = count + len(part), []
    if part:
        AuditEntry.objects.bulk_create(part)
        count += len(part)
    return count


# ── checkpoints: the head, outside the database ───────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Checkpoint:
    line: int  # line number in the checkpoint file
    at: str
    seq: int
    hash: str

    def describe(self) -> str:
        return f"检查点（{self.at}，第{self.seq}条） / checkpoint of {self.at} at entry {self.seq}"


def _mac(at: str, seq: int, digest: str) -> str:
    return hmac.new(chain_key(), f"{at}|{seq}|{digest}".encode(), hashlib.sha256).hexdigest()


def write_checkpoint() -> Checkpoint | None:
    """Append the chain's current head to the checkpoint file (owner-only). A failure to write is logged, never
    raised: the write it follows is already committed."""
    path = settings.LANDCYCLE_AUDIT_CHECKPOINTS
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    if not path or head is None or head[0] == 0:
        return None
    seq, digest = head
    at = _at_text(timezone.now())
    line = json.dumps({"at": at, "seq": seq, "hash": digest, "mac": _mac(at, seq, digest)}) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())  # one short write in append mode: lines of two processes never interleave
        finally:
            os.close(fd)
    except OSError as exc:
        log.error("audit checkpoint not written to %s: %s", path, exc)
        return None
    return Checkpoint(0, at, seq, digest)


def _checkpoint_on_commit() -> None:
    """One checkpoint per committed transaction, however many entries it appended."""
    if not settings.LANDCYCLE_AUDIT_CHECKPOINTS:
        return
    conn = transaction.get_connection()
    if any(entry[1] is write_checkpoint for entry in conn.run_on_commit):
        return
    transaction.on_commit(write_checkpoint)


def read_checkpoints(path: str) -> tuple[list[Checkpoint], list[int]]:
    """The checkpoints in the file, and the numbers of the lines whose keyed checksum does not match (forged or
    damaged lines)."""
    good: list[Checkpoint] = []
    bad: list[int] = []
    if not path or not os.path.exists(path):
        return good, bad
    with open(path, encoding="utf-8") as lines:
        for n, text in enumerate(lines, start=1):
            try:
                row = json.loads(text)
                point = Checkpoint(n, str(row["at"]), int(row["seq"]), str(row["hash"]))
                ok = hmac.compare_digest(str(row["mac"]), _mac(point.at, point.seq, point.hash))
            except (ValueError, KeyError, TypeError):
                ok = False
            if ok:
                good.append(point)
            else:
                bad.append(n)
    return good, bad


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0  # checkpoints the database was compared with


_ROW_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "region_code",
    "before",
    "after",
    "prev_hash",
    "hash",
)


def _content_hash(prev: str, row: tuple, key: bytes | None) -> str:
    """The hash of a stored entry (its ``_ROW_FIELDS`` up to ``after``) linked to ``prev``."""
    seq, at, actor_id, actor_name, action, otype, oid, orepr, region, before, after = row[:11]
    return entry_hash(
        prev_hash=prev,
        seq=seq,
        at=_at_text(at),
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        object_type=otype,
        object_id=oid,
        object_repr=orepr,
        region_code=region,
        before=before,
        after=after,
        key=key,
    )


def _walk(key: bytes) -> Iterator[tuple[int, str, str | None]]:
    """(seq, stored hash, problem or None) for each entry in order; stops after the first problem."""
    prev = GENESIS
    expected_seq = 1
    digest_of = _hasher(key)
    rows = AuditEntry.objects.order_by("seq", "id").values_list(*_ROW_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        seq, prev_hash, digest = row[0], row[11], row[12]
        if seq != expected_seq:
            yield (
                expected_seq,
                digest,
                f"第{expected_seq}条缺失（下一条为第{seq}条） / entry {expected_seq} is missing (next is {seq})",
            )
            return
        if prev_hash != prev:
            yield seq, digest, f"第{seq}条的前序哈希不符 / entry {seq} does not link to the entry before it"
            return
        recomputed = digest_of(_payload(prev, row[0], _at_text(row[1]), *row[2:11]))
        if recomputed != digest:
            yield seq, digest, f"第{seq}条内容被改动 / entry {seq} was altered"
            return
        yield seq, digest, None
        prev = digest
        expected_seq += 1


def audit_verify(*, key: bytes | None = None, checkpoints: str | None = None) -> VerifyResult:
    """Walk the chain in order; report the first row that was edited, deleted or reordered, then compare the
    database with every checkpoint written outside it (``checkpoints``: the file, default the setting)."""
    key = chain_key() if key is None else key
    path = settings.LANDCYCLE_AUDIT_CHECKPOINTS if checkpoints is None else checkpoints
    points, forged = read_checkpoints(path)
    if forged:
        return VerifyResult(
            False,
            0,
            None,
            f"检查点文件第{forged[0]}行的校验码不符（被改动或损坏） / line {forged[0]} of the checkpoint file does not "
            f"carry a valid checksum (changed or damaged): {path}",
        )
    by_seq: dict[int, list[Checkpoint]] = {}
    for point in points:
        by_seq.setdefault(point.seq, []).append(point)
    checked = 0
    for seq, digest, problem in _walk(key):
        if problem:
            return VerifyResult(False, checked, seq, problem, len(points))
        for point in by_seq.get(seq, ()):
            if point.hash != digest:
                return VerifyResult(
                    False,
                    checked,
                    seq,
                    f"数据库与{point.describe()}不符：第{seq}条已被重写 / the database no longer matches the "
                    f"{point.describe()}: entry {seq} was rewritten",
                    len(points),
                )
        checked += 1
    broken = _order_or_tail(checked)
    if broken:
        return VerifyResult(False, checked, broken[0], broken[1], len(points))
    beyond = [p for p in points if p.seq > checked]
    if beyond:
        last = max(beyond, key=lambda p: p.seq)
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"数据库与{last.describe()}不符：该检查点时已有{last.seq}条，现只有{checked}条，链尾被截去 / the database "
            f"no longer matches the {last.describe()}: it had {last.seq} entries then, {checked} now (the tail was "
            "cut off)",
            len(points),
        )
    return VerifyResult(True, checked, checkpoints=len(points))


def _order_or_tail(checked: int) -> tuple[int, str] | None:
    # rows inserted out of order: ids must rise with seq
    last = 0
    for seq in AuditEntry.objects.order_by("id").values_list("seq", flat=True).iterator(chunk_size=5000):
        if seq < last:
            return seq, f"第{seq}条顺序被调换 / entry {seq} was reordered"
        last = seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return (
            checked + 1,
            f"链尾缺失：应有{head.seq}条，实有{checked}条 / the chain's tail is missing: "
            f"{head.seq} entries expected, {checked} found",
        )
    return None


def chain_is_unkeyed() -> bool:
    """Whether the chain's first entry was hashed before the chain was keyed (an installation made by an older
    version), judged from that one entry."""
    first = AuditEntry.objects.order_by("seq").values_list(*_ROW_FIELDS).first()
    if first is None or first[0] != 1:
        return False
    prev_hash, digest = first[11], first[12]
    return _content_hash(prev_hash, first, UNKEYED) == digest != _content_hash(prev_hash, first, None)


@transaction.atomic
def audit_rekey() -> int:
    """Move a chain written before it was keyed (plain SHA-256) onto the installation's key: only a chain intact
    under the old scheme is moved; every hash is recomputed in order and the head follows. Returns the entries."""
    key = chain_key()
    if not key:
        raise ValueError("no audit key")
    old = audit_verify(key=UNKEYED, checkpoints="")
    if not old.ok:
        raise ValueError(old.reason)
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    prev = GENESIS
    table = AuditEntry._meta.db_table
    rows = AuditEntry.objects.order_by("seq").values_list("id", *_ROW_FIELDS[:-2])
    updates = []
    for row in rows.iterator(chunk_size=2000):
        pk = row[0]
        digest = _content_hash(prev, row[1:], key)
        updates.append((prev, digest, pk))
        prev = digest
    with connection.cursor() as cur:  # the entries refuse the ORM's save: this is the one sanctioned rewrite
        cur.executemany(f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s", updates)
    head.hash = prev
    head.save(update_fields=["hash"])
    _checkpoint_on_commit()
    return len(updates)
