"""Writing a refresh's rows in bulk (used by ``refresh.warnings_refresh``): new rows with their primary keys
set, changed rows with one prepared UPDATE.

- :func:`insert_rows` — on PostgreSQL a ``COPY`` of every row, the ids drawn from the table's sequence in
  one query (a province's first refresh writes ~25,000 warnings and as many events: ``bulk_create``'s
  per-field preparation and array parameters take seconds for that, COPY a fraction); elsewhere
  ``bulk_create``. The values are those ``bulk_create`` writes (each field's ``get_db_prep_save``).
- :func:`update_rows` — the tracked fields of changed rows, as one prepared UPDATE run for every row
  (executemany): Django's ``bulk_update`` builds a CASE per field and row, which takes seconds for a county.
"""

from __future__ import annotations

from operator import attrgetter

from django.db import connections, models, router

BATCH = 1000


def insert_rows(model, objs: list) -> None:
    """Insert ``objs`` (unsaved instances of ``model``) and set their primary keys."""
    if not objs:
        return
    conn = connections[router.db_for_write(model)]
    if conn.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
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


def _value(field, conn):
    """How to get a field's database value from an object: the attribute itself for plain fields (the same
    value ``get_db_prep_save`` returns, without its cost per row), else ``get_db_prep_save``."""
    if isinstance(field, PLAIN) or (type(field) is models.DateField and not (field.auto_now or field.auto_now_add)):
        return attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), conn)


def update_rows(model, rows: list, names: tuple[str, ...]) -> None:
    """Write the fields ``names`` of ``rows`` (saved instances of ``model``)."""
    if not rows:
        return
    conn = connections[router.db_for_write(model)]
    qn = conn.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    sql = (
        f"UPDATE {qn(model._meta.db_table)} SET "
        + ", ".join(f"{qn(f.column)} = %s" for f in fields)
        + f" WHERE {qn(model._meta.pk.column)} = %s"
    )
    params = [[f.get_db_prep_save(getattr(w, f.attname), conn) for f in fields] + [w.pk] for w in rows]
    with conn.cursor() as cursor:
        cursor.executemany(sql, params)
