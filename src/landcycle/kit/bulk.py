"""Writing many new rows at once: :func:`insert_rows` — on PostgreSQL one ``COPY`` of every row, the ids drawn
from the table's sequence in one query; elsewhere ``bulk_create``. Used where a write makes tens of thousands of
rows in one go (the warnings refresh, the generated sample, an evaluation run's results): ``bulk_create``'s
per-field preparation and array parameters take seconds for that, COPY a fraction.

The values are those ``bulk_create`` writes (each field's ``get_db_prep_save``), and the ids rise in the order
of the objects, as ``bulk_create``'s do. Every value is computed from the objects' attributes, never from a
query: nothing may use the connection while it is in ``COPY``.
"""

from __future__ import annotations

from decimal import Decimal
from operator import attrgetter

from django.db import connections, models, router

BATCH = 1000


def insert_rows(model, objs: list, *, batch_size: int = BATCH) -> None:
    """Insert ``objs`` (unsaved instances of ``model``) and set their primary keys (``batch_size``: the
    ``bulk_create`` batches where there is no COPY)."""
    if not objs:
        return
    conn = connections[router.db_for_write(model)]
    if conn.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    qn = conn.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = ", ".join(qn(f.column) for f in [meta.pk, *fields])
    values = [_value(f, conn) for f in fields]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, pk in zip(objs, ids, strict=False):
                obj.pk = pk
                copy.write_row([pk, *(value(obj) for value in values)])
    for obj in objs:
        obj._state.adding, obj._state.db = False, conn.alias


# fields whose database value is the attribute as it is (get_db_prep_save returns it unchanged)
PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
# fields whose database value is the attribute itself when it already has the field's type (or is None):
# ``to_python``/``float`` of a Decimal/float gives it back unchanged, and PostgreSQL's adapters pass it on as it is
SAME_TYPE = {models.DecimalField: Decimal, models.FloatField: float}


def _value(field, conn):
    """How to get a field's database value from an object: the attribute itself for plain fields (the same
    value ``get_db_prep_save`` returns, without its cost per row), else ``get_db_prep_save``."""
    if isinstance(field, PLAIN) or (type(field) is models.DateField and not (field.auto_now or field.auto_now_add)):
        return attrgetter(field.attname)

    def prepared(obj):
        return field.get_db_prep_save(field.pre_save(obj, True), conn)

    kind = SAME_TYPE.get(type(field))
    if kind is None:
        return prepared
    get = attrgetter(field.attname)

    def same_or_prepared(obj):
        value = get(obj)
        return value if value is None or type(value) is kind else prepared(obj)

    return same_or_prepared
