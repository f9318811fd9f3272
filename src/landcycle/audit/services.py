"""Writing and checking the audit chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    if data is None:
        return ""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def snapshot(obj: models.Model) -> dict:
    """A model's own fields as JSON-ready values (foreign keys as ids)."""
    data = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields])
    out = {}
    for k, v in data.items():
        if isinstance(v, models.Model):
            v = v.pk
        if isinstance(v, (Decimal, dt.date, dt.datetime)):
            v = str(v)
        out[k] = v
    return out


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
) -> str:
    payload = canonical(
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
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
    county). Same chain, same hashes as :func:`audit_record`."""
    if not items:
        return 0
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    at = timezone.now()
    at_text = _at_text(at)
    actor_id = getattr(actor, "pk", None)
    actor_name = (getattr(actor, "username", None) or "system")[:150]
    prev, seq = head.hash, head.seq
    entries = []
    for obj, before, after in items:
        seq += 1
        fields = dict(
            seq=seq,
            at=at_text,
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            region_code=region_code_of(obj) or "",
            before=canonical(before),
            after=canonical(after),
        )
        digest = entry_hash(prev_hash=prev, **fields)
        fields.pop("at")
        entries.append(AuditEntry(at=at, prev_hash=prev, hash=digest, **fields))
        prev = digest
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return len(entries)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify() -> VerifyResult:
    """Walk the chain in order; report the first row that was edited, deleted or reordered."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    rows = AuditEntry.objects.order_by("seq", "id").values_list(
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
    last_id_order = AuditEntry.objects.order_by("id").values_list("seq", flat=True)
    for row in rows.iterator(chunk_size=2000):
        seq, at, actor_id, actor_name, action, otype, oid, orepr, region, before, after, prev_hash, digest = row
        if seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                expected_seq,
                f"第{expected_seq}条缺失（下一条为第{seq}条） / entry {expected_seq} is missing (next is {seq})",
            )
        if prev_hash != prev:
            return VerifyResult(
                False, checked, seq, f"第{seq}条的前序哈希不符 / entry {seq} does not link to the entry before it"
            )
        recomputed = entry_hash(
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
        )
        if recomputed != digest:
            return VerifyResult(False, checked, seq, f"第{seq}条内容被改动 / entry {seq} was altered")
        prev = digest
        expected_seq += 1
        checked += 1
    # rows inserted out of order: ids must rise with seq
    last = 0
    for seq in last_id_order.iterator(chunk_size=5000):
        if seq < last:
            return VerifyResult(False, checked, seq, f"第{seq}条顺序被调换 / entry {seq} was reordered")
        last = seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"链尾缺失：应有{head.seq}条，实有{checked}条 / the chain's tail is missing: "
            f"{head.seq} entries expected, {checked} found",
        )
    return VerifyResult(True, checked)
