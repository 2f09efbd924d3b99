"""Indexes on grievances for Open311's `requests` (GeoReport v2: newest first, within a window
of requested_datetime, optionally one service): an index range on `received_at`, read
backwards, stops after 1,000 rows instead of sorting the window.

They live here, not in grievances' Meta, because only Open311 reads grievances in this order;
the grievances model does not declare them (Django does not manage them), and this migration
removes them when reversed.
"""

from django.db import migrations

INDEXES = {
    "open311_grievance_received": "(received_at, id)",
    "open311_grievance_cat_received": "(category_id, received_at, id)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("grievances", "0011_filing_token"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON grievances_grievance {columns}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
