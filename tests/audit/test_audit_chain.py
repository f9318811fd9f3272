"""The audit log: one row per write in the same transaction, append-only, hash-chained."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_verify
from landcycle.registry import services
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db(transaction=False)


def test_every_write_leaves_one_row_with_who_and_before_after(registry_data, personas):
    ent = registry_data["330282112"]["owner"]
    n = AuditEntry.objects.count()
    services.enterprise_update(actor=personas["xinpu"], enterprise=ent, name="慈溪市新浦新电器有限公司")
    assert AuditEntry.objects.count() == n + 1
    row = AuditEntry.objects.order_by("-seq").first()
    assert row.actor == personas["xinpu"] and row.action == "enterprise.update"
    assert row.region_code == "330282112" and row.object_id == str(ent.pk)
    assert '"name":"慈溪市新浦镇电器有限公司"' in row.before and "新浦新电器" in row.after
    assert audit_verify().ok


def test_a_refused_write_leaves_no_row(registry_data, personas):
    ent = registry_data["330282112"]["owner"]
    n = AuditEntry.objects.count()
    with pytest.raises(RuleError):
        services.enterprise_update(actor=personas["admin"], enterprise=ent, uscc="914403001922038217")
    assert AuditEntry.objects.count() == n


def test_a_write_rolled_back_later_takes_its_audit_row_with_it(registry_data, personas):
    ent = registry_data["330282112"]["owner"]
    n = AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            services.enterprise_update(actor=personas["admin"], enterprise=ent, contact="王")
            1 / 0
    assert AuditEntry.objects.count() == n
    assert audit_verify().ok


def test_rows_refuse_to_be_changed_or_deleted_through_the_orm(registry_data):
    row = AuditEntry.objects.first()
    row.action = "x"
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()


def _table():
    return AuditEntry._meta.db_table


def test_an_edited_row_is_found(registry_data):
    mid = AuditEntry.objects.order_by("seq")[5]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {_table()} SET after = %s WHERE id = %s", ['{"name":"forged"}', mid.pk])
    result = audit_verify()
    assert not result.ok and result.broken_seq == mid.seq


def test_a_deleted_row_is_found(registry_data):
    mid = AuditEntry.objects.order_by("seq")[5]
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table()} WHERE id = %s", [mid.pk])
    result = audit_verify()
    assert not result.ok and result.broken_seq == mid.seq


def test_a_deleted_tail_is_found(registry_data):
    last = AuditEntry.objects.order_by("-seq").first()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table()} WHERE id = %s", [last.pk])
    result = audit_verify()
    assert not result.ok and result.broken_seq == last.seq


def test_swapped_rows_are_found(registry_data):
    a, b = AuditEntry.objects.order_by("seq")[3:5]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {_table()} SET seq = %s WHERE id = %s", [10**9, a.pk])
        cur.execute(f"UPDATE {_table()} SET seq = %s WHERE id = %s", [a.seq, b.pk])
        cur.execute(f"UPDATE {_table()} SET seq = %s WHERE id = %s", [b.seq, a.pk])
    result = audit_verify()
    assert not result.ok and result.broken_seq == a.seq


def test_verify_command_exit_codes(registry_data, capsys):
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out
    mid = AuditEntry.objects.order_by("seq")[2]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {_table()} SET actor_name = %s WHERE id = %s", ["mallory", mid.pk])
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert f"entry {mid.seq}" in err and f"第{mid.seq}条" in err
