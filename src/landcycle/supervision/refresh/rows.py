"""Writing a refresh's rows in bulk (used by ``refresh.warnings_refresh``): new rows with their primary keys
set, changed rows with one prepared UPDATE.

- :func:`insert_rows` — ``landcycle.kit.bulk``'s (a province's first refresh writes ~25,000 warnings and as
  many events): on PostgreSQL a ``COPY`` of every row, the ids drawn from the table's sequence in one query;
  elsewhere ``bulk_create``. The values are those ``bulk_create`` writes (each field's ``get_db_prep_save``).
- :func:`update_rows` — the tracked fields of changed rows, as one prepared UPDATE run for every row
  (executemany): Django's ``bulk_update`` builds a CASE per field and row, which takes seconds for a county.
"""

from __future__ import annotations

from django.db import connections, router

from landcycle.kit.bulk import insert_rows

__all__ = ["insert_rows", "update_rows"]


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
