"""Issue 18: the bulk path of the audit chain (``audit_append_many``: one COPY on PostgreSQL, ``bulk_create``
elsewhere) stores what as many single appends store — the same rows, the same hashes, the instant to the
microsecond — and the chain it leaves verifies, is checkpointed at its new head and still catches a forgery."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from landcycle.audit.models import AuditEntry, AuditHead
from landcycle.audit.services import (
    _ROW_FIELDS,
    NewEntry,
    _at_text,
    audit_append_many,
    audit_record,
    audit_record_many,
    audit_verify,
    canonical,
    read_checkpoints,
)
from landcycle.registry.models import Enterprise

pytestmark = pytest.mark.django_db(transaction=False)

# an instant with microseconds, in a zone other than the database's: what a COPY must store to the microsecond
FROZEN = dt.datetime(2026, 12, 7, 21, 40, 5, 123457, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)
    return FROZEN


@pytest.fixture
def checkpoints(settings, tmp_path):
    path = tmp_path / "audit-checkpoints"
    settings.LANDCYCLE_AUDIT_CHECKPOINTS = str(path)
    return path


def _entries(n: int) -> list[NewEntry]:
    return [
        NewEntry(
            action="test.bulk" if i % 3 else "test.bulk.update",
            object_type="registry.enterprise",
            object_id=str(1000 + i),
            object_repr=f'慈溪市第{i}号企业 "引号" \\ 反斜杠\t制表\n换行'[:200],
            region_code="330282112" if i % 2 else "",
            before="" if i % 3 else canonical({"name": f"旧名{i}", "area": Decimal("12.50")}),
            after=canonical({"name": f"新名{i}", "on": dt.date(2025, 1, i % 28 + 1), "n": i, "none": None}),
        )
        for i in range(n)
    ]


def _tail(after_seq: int) -> list[tuple]:
    return list(AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq").values_list(*_ROW_FIELDS))


def _head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, "0" * 64)


def test_a_bulk_append_stores_what_single_appends_store(registry_data, personas, frozen):
    entries = _entries(40)
    start = _head()[0]
    with transaction.atomic():
        for e in entries:
            audit_record(
                actor=personas["xinpu"],
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                object_repr=e.object_repr,
                region_code=e.region_code,
                before=None if not e.before else _parsed(e.before),
                after=_parsed(e.after),
            )
        singles, single_head = _tail(start), _head()
        transaction.set_rollback(True)
    assert _head()[0] == start and not _tail(start)

    assert audit_append_many(actor=personas["xinpu"], entries=entries) == 40
    bulk = _tail(start)
    assert bulk == singles and _head() == single_head  # same rows, same hashes, same head
    assert [row[0] for row in bulk] == list(range(start + 1, start + 41))
    assert {_at_text(row[1]) for row in bulk} == {_at_text(frozen)} == {"2026-12-07T13:40:05.123457Z"}
    assert audit_verify().ok


def _parsed(text: str):
    import json

    return json.loads(text)


def test_audit_record_many_gives_the_entries_of_audit_record_per_object(registry_data, personas, frozen):
    firms = list(Enterprise.objects.order_by("pk"))
    start = _head()[0]
    with transaction.atomic():
        for firm in firms:
            audit_record(
                actor=personas["admin"], action="x.touch", obj=firm, region_code=firm.town.code, after={"k": firm.name}
            )
        singles = _tail(start)
        transaction.set_rollback(True)
    written = audit_record_many(
        actor=personas["admin"],
        action="x.touch",
        items=[(f, None, {"k": f.name}) for f in firms],
        region_code_of=lambda f: f.town.code,
    )
    assert written == len(firms) > 0 and _tail(start) == singles


def test_an_empty_bulk_append_writes_nothing(registry_data, personas):
    head, count = _head(), AuditEntry.objects.count()
    assert audit_record_many(actor=personas["admin"], action="x", items=[]) == 0
    assert audit_append_many(actor=personas["admin"], entries=iter(())) == 0
    assert (_head(), AuditEntry.objects.count()) == (head, count)


@pytest.mark.django_db(transaction=True)
def test_a_big_bulk_append_verifies_and_its_checkpoint_covers_the_new_head(registry_data, personas, checkpoints):
    # more rows than one bulk_create batch, between single appends
    audit_record(actor=personas["admin"], action="x.before", object_type="t", object_id="1")
    with transaction.atomic():
        audit_record(actor=personas["admin"], action="x.same-transaction", object_type="t", object_id="2")
        assert audit_append_many(actor=None, entries=_entries(4500)) == 4500
    bulk_head = _head()
    audit_record(actor=personas["admin"], action="x.after", object_type="t", object_id="3")
    points, forged = read_checkpoints(str(checkpoints))
    assert forged == [] and [p.seq for p in points] == [bulk_head[0] - 4501, bulk_head[0], bulk_head[0] + 1]
    assert (points[1].seq, points[1].hash) == bulk_head
    last = AuditEntry.objects.order_by("-seq").first()
    assert (points[2].seq, points[2].hash) == (last.seq, last.hash) == _head()
    assert AuditEntry.objects.filter(action="test.bulk", actor_name="system", actor_id=None).count() == 3000
    ids = list(AuditEntry.objects.order_by("seq").values_list("id", flat=True))
    assert ids == sorted(ids)  # written in chain order
    result = audit_verify()
    assert result.ok and result.checked == last.seq and result.checkpoints == 3


def _forge(seq: int, column: str, value: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditEntry._meta.db_table} SET {column} = %s WHERE seq = %s", [value, seq])


@pytest.mark.parametrize(
    "column,value",
    [("after", '{"name":"forged"}'), ("object_repr", "别的企业"), ("region_code", "330282109")],
)
def test_a_forged_row_of_a_bulk_append_is_found(registry_data, personas, column, value):
    start = _head()[0]
    audit_append_many(actor=personas["admin"], entries=_entries(30))
    audit_record(actor=personas["admin"], action="x.after", object_type="t", object_id="1")
    assert audit_verify().ok
    _forge(start + 17, column, value)
    result = audit_verify()
    assert not result.ok and result.broken_seq == start + 17


def test_a_shifted_instant_in_a_bulk_append_is_found(registry_data, personas, frozen):
    start = _head()[0]
    audit_append_many(actor=personas["admin"], entries=_entries(5))
    row = AuditEntry.objects.get(seq=start + 3)
    with connection.cursor() as cur:  # one microsecond later
        cur.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET at = %s WHERE id = %s",
            [row.at + dt.timedelta(microseconds=1), row.pk],
        )
    result = audit_verify()
    assert not result.ok and result.broken_seq == start + 3


def test_a_bulk_append_rolled_back_leaves_neither_rows_nor_head(registry_data, personas):
    head, count = _head(), AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_append_many(actor=personas["admin"], entries=_entries(10))
        1 / 0
    assert (_head(), AuditEntry.objects.count()) == (head, count)
    assert audit_verify().ok


def _snapshot_as_before(obj) -> dict:
    """``snapshot`` as first written, on ``model_to_dict``."""
    from django.db import models
    from django.forms.models import model_to_dict

    data = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields])
    out = {}
    for k, v in data.items():
        if isinstance(v, models.Model):
            v = v.pk
        if isinstance(v, (Decimal, dt.date, dt.datetime)):
            v = str(v)
        out[k] = v
    return out


def test_snapshot_is_what_model_to_dict_gave(registry_data):
    from landcycle.accounts.models import User
    from landcycle.audit.services import snapshot
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.registry.models import Occupancy, Parcel, Park, Region

    objects = [
        *Enterprise.objects.all(),
        *Parcel.objects.all(),
        *Park.objects.all(),
        *Occupancy.objects.all(),
        *Region.objects.all()[:5],
        *YearlyFigure.objects.all()[:20],
        *User.objects.all(),
    ]
    assert len({type(o) for o in objects}) >= 6
    for obj in objects:
        assert snapshot(obj) == _snapshot_as_before(obj)
        assert list(snapshot(obj)) == list(_snapshot_as_before(obj))
