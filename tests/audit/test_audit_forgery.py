"""Issue 18: the audit chain cannot be forged by whoever can write the database. The hash is keyed (HMAC, the key
outside the database) and the head is checkpointed outside it after every committed write, so re-hashing after an
edit, and cutting off the tail with the head rolled back, are both caught; `audit verify` names the checkpoint."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from landcycle.audit.models import AuditEntry, AuditHead
from landcycle.audit.services import (
    UNKEYED,
    _at_text,
    audit_rekey,
    audit_verify,
    chain_is_unkeyed,
    entry_hash,
    read_checkpoints,
)
from landcycle.registry import services

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def checkpoints(settings, tmp_path):
    path = tmp_path / "audit-checkpoints"
    settings.LANDCYCLE_AUDIT_CHECKPOINTS = str(path)
    return path


def _table() -> str:
    return AuditEntry._meta.db_table


def _rehash_from(seq: int, key: bytes) -> None:
    """What a forger with write access to the database does after changing entry ``seq``: recompute every hash
    from there on with the key they have, and move the head."""
    rows = list(AuditEntry.objects.order_by("seq"))
    prev = rows[seq - 2].hash if seq > 1 else "0" * 64
    with connection.cursor() as cur:
        for row in rows[seq - 1 :]:
            digest = entry_hash(
                prev_hash=prev,
                seq=row.seq,
                at=_at_text(row.at),
                actor_id=row.actor_id,
                actor_name=row.actor_name,
                action=row.action,
                object_type=row.object_type,
                object_id=row.object_id,
                object_repr=row.object_repr,
                region_code=row.region_code,
                before=row.before,
                after=row.after,
                key=key,
            )
            cur.execute(f"UPDATE {_table()} SET prev_hash = %s, hash = %s WHERE id = %s", [prev, digest, row.pk])
            prev = digest
    AuditHead.objects.filter(pk=1).update(hash=prev)


@pytest.mark.parametrize("forger_key", [UNKEYED, b"a guessed key"], ids=["plain-sha256", "wrong-key"])
def test_an_edited_entry_rehashed_without_the_key_is_found(registry_data, forger_key):
    mid = AuditEntry.objects.order_by("seq")[3]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {_table()} SET actor_name = %s WHERE id = %s", ["mallory", mid.pk])
    _rehash_from(mid.seq, forger_key)
    result = audit_verify()
    assert not result.ok and result.broken_seq == mid.seq  # the forged hashes do not carry the installation's key


def test_the_same_chain_rehashed_with_the_key_passes_so_the_key_is_what_protects_it(registry_data, settings):
    _rehash_from(1, settings.LANDCYCLE_AUDIT_KEY)
    assert audit_verify().ok


def _write(personas, registry_data, name: str) -> None:
    owner = registry_data["330282112"]["owner"]
    services.enterprise_update(actor=personas["admin"], enterprise=owner, contact=name)


@pytest.mark.django_db(transaction=True)
def test_every_committed_write_leaves_one_checkpoint_owner_only(registry_data, personas, checkpoints):
    _write(personas, registry_data, "王")
    with transaction.atomic():  # one transaction, two entries: one checkpoint
        _write(personas, registry_data, "李")
        _write(personas, registry_data, "张")
    points, forged = read_checkpoints(str(checkpoints))
    head = AuditHead.objects.get(pk=1)
    assert forged == [] and [p.seq for p in points] == [head.seq - 2, head.seq]
    assert points[-1].hash == head.hash
    assert stat.S_IMODE(os.stat(checkpoints).st_mode) == 0o600
    result = audit_verify()
    assert result.ok and result.checkpoints == 2


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_checkpoint(registry_data, personas, checkpoints):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        _write(personas, registry_data, "王")
        1 / 0
    assert not checkpoints.exists()


@pytest.mark.django_db(transaction=True)
def test_a_cut_off_tail_with_the_head_rolled_back_no_longer_matches_its_checkpoint(
    registry_data, personas, checkpoints, capsys
):
    for name in ("王", "李", "张"):
        _write(personas, registry_data, name)
    last_three = list(AuditEntry.objects.order_by("-seq")[:3])
    keep = last_three[-1].seq - 1
    kept = AuditEntry.objects.get(seq=keep)
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table()} WHERE seq > %s", [keep])
    AuditHead.objects.filter(pk=1).update(seq=keep, hash=kept.hash)
    assert audit_verify(checkpoints="").ok  # the database alone looks whole: only the checkpoints know better
    result = audit_verify()
    assert not result.ok and result.broken_seq == keep + 1
    assert f"第{keep + 3}条" in result.reason and "cut off" in result.reason
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1 and "checkpoint of" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_an_entry_rewritten_after_a_checkpoint_is_named_with_that_checkpoint(
    registry_data, personas, checkpoints, settings
):
    _write(personas, registry_data, "王")
    last = AuditEntry.objects.order_by("-seq").first()
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {_table()} SET actor_name = %s WHERE id = %s", ["mallory", last.pk])
    _rehash_from(last.seq, settings.LANDCYCLE_AUDIT_KEY)  # even with the key: the checkpoint still knows the head
    result = audit_verify()
    assert not result.ok and result.broken_seq == last.seq and "rewritten" in result.reason


@pytest.mark.django_db(transaction=True)
def test_a_changed_checkpoint_line_is_refused(registry_data, personas, checkpoints):
    _write(personas, registry_data, "王")
    row = json.loads(checkpoints.read_text())
    row["seq"] -= 1
    checkpoints.write_text(json.dumps(row) + "\n")
    result = audit_verify()
    assert not result.ok and "line 1 of the checkpoint file" in result.reason


def test_a_chain_from_before_the_key_is_moved_onto_it_once(registry_data, personas, settings):
    AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
    AuditHead.objects.all().delete()
    key = settings.LANDCYCLE_AUDIT_KEY
    settings.LANDCYCLE_AUDIT_KEY = UNKEYED  # an installation written by the version before the key
    for name in ("王", "李"):
        _write(personas, registry_data, name)
    settings.LANDCYCLE_AUDIT_KEY = key
    assert chain_is_unkeyed() and not audit_verify().ok
    assert audit_rekey() == 2
    assert audit_verify().ok and not chain_is_unkeyed()
    _write(personas, registry_data, "张")
    assert audit_verify().checked == 3


def test_the_key_file_is_made_once_and_owner_only(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LANDCYCLE_AUDIT_KEY"}
    env["LANDCYCLE_HOME"] = str(tmp_path)
    code = "from django.conf import settings; import landcycle.settings as s; print(s.LANDCYCLE_AUDIT_KEY.decode())"
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    again = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    key_file = tmp_path / "audit_key"
    assert first == again and len(first.strip()) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
