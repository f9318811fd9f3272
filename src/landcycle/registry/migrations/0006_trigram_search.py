# Trigram (pg_trgm) GIN indexes for the lists' and the global search's icontains (landcycle.kit.trigram):
# PostgreSQL only; nothing on SQLite.

from django.db import migrations

from landcycle.kit.trigram import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_filter_indexes"),
    ]

    operations = [
        TrigramIndexes("enterprise", ["name", "uscc", "contact"]),  # the enterprise list; global search: name, uscc
        TrigramIndexes("parcel", ["number", "address"]),  # the parcel list; global search
        TrigramIndexes("park", ["name", "code"]),  # the parcel list (park__name), the park list; global search
    ]
