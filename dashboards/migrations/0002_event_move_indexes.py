# The refresh recomputes an office's summaries, including the transfers and appeals that left
# or reached it: these partial indexes find those events by office without scanning them all.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_summaries"),
        ("grievances", "0011_filing_token"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS dash_grievanceevent_from_office "
            "ON grievances_grievanceevent (from_office_id) "
            "WHERE kind IN ('transferred', 'appealed');"
            "CREATE INDEX IF NOT EXISTS dash_grievanceevent_to_office "
            "ON grievances_grievanceevent (to_office_id) "
            "WHERE kind IN ('transferred', 'appealed');",
            "DROP INDEX IF EXISTS dash_grievanceevent_from_office;"
            "DROP INDEX IF EXISTS dash_grievanceevent_to_office;",
        ),
    ]
