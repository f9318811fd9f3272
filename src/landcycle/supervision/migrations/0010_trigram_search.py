# Trigram (pg_trgm) GIN indexes for the contract list's, the warning board's and the global search's icontains
# (landcycle.kit.trigram): PostgreSQL only; nothing on SQLite.

from django.db import migrations

from landcycle.kit.trigram import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0009_warning_summaries_fill"),
    ]

    operations = [
        TrigramIndexes("contract", ["number", "holder_name", "project"]),  # the contract list; global search
        TrigramIndexes("warning", ["subject_label", "reason_zh", "reason_en"]),  # the warning board
    ]
