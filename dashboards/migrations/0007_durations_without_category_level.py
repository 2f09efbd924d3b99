from django.db import migrations


class Migration(migrations.Migration):
    """Duration histograms lose their per-category level (a category is read from the full
    level): the rows at that level are no longer read or kept."""

    dependencies = [("dashboards", "0006_incremental_ledger_weeks_levels")]

    operations = [
        migrations.RunSQL(
            "DELETE FROM dashboards_durationsummary WHERE level = 1",
            migrations.RunSQL.noop,
        ),
    ]
