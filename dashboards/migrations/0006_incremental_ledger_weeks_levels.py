# The summaries become incremental by grievance (a ledger of each grievance as counted), gain
# a week grain and levels of detail: the old rows cannot be carried over, so they are emptied
# and the next refresh (or `manage.py dashboards_rebuild`, quicker on a big database) rebuilds
# them. The indexes that found moves by office served the old per-office recompute; the
# refresh now finds Facebook replies delivered since its last run, and Facebook posts whose
# first-response deadline passed unanswered, on small indexes instead.

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboards', '0005_export_log'),
        ('grievances', '0012_inbox_appeals_index'),
        ('offices', '0002_seed_geography'),
    ]

    operations = [
        migrations.RunSQL(
            "TRUNCATE dashboards_eventsummary, dashboards_durationsummary, "
            "dashboards_upazilasummary;"
            "UPDATE dashboards_refreshstate SET started_at = NULL, finished_at = NULL;",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "DROP INDEX IF EXISTS dash_grievanceevent_from_office;"
            "DROP INDEX IF EXISTS dash_grievanceevent_to_office;"
            "CREATE INDEX IF NOT EXISTS dash_reply_facebook_sent ON grievances_reply (sent_at) "
            "WHERE to_facebook AND state = 'sent';"
            "CREATE INDEX IF NOT EXISTS dash_grievance_facebook_unanswered "
            "ON grievances_grievance (first_response_due_at) "
            "WHERE channel IN ('facebook_comment', 'facebook_post') "
            "AND first_responded_at IS NULL;",
            "DROP INDEX IF EXISTS dash_reply_facebook_sent;"
            "DROP INDEX IF EXISTS dash_grievance_facebook_unanswered;"
            "CREATE INDEX IF NOT EXISTS dash_grievanceevent_from_office "
            "ON grievances_grievanceevent (from_office_id) "
            "WHERE kind IN ('transferred', 'appealed');"
            "CREATE INDEX IF NOT EXISTS dash_grievanceevent_to_office "
            "ON grievances_grievanceevent (to_office_id) "
            "WHERE kind IN ('transferred', 'appealed');",
        ),
        migrations.CreateModel(
            name='SummarisedGrievance',
            fields=[
                ('grievance_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('office_id', models.BigIntegerField()),
                ('district_id', models.BigIntegerField(null=True)),
                ('upazila_id', models.BigIntegerField(null=True)),
                ('category_id', models.BigIntegerField(null=True)),
                ('channel', models.CharField(max_length=20)),
                ('tier', models.PositiveSmallIntegerField()),
                ('outcome', models.CharField(blank=True, max_length=30)),
                ('received_day', models.DateField()),
                ('accepted_day', models.DateField(null=True)),
                ('first_responded_day', models.DateField(null=True)),
                ('first_responded_on_time', models.BooleanField(default=False)),
                ('first_response_days', models.PositiveSmallIntegerField(null=True)),
                ('resolved_day', models.DateField(null=True)),
                ('resolved_on_time', models.BooleanField(default=False)),
                ('resolution_days', models.PositiveSmallIntegerField(null=True)),
                ('closed_day', models.DateField(null=True)),
                ('finished_day', models.DateField(null=True)),
                ('facebook', models.BooleanField(default=False)),
                ('answered_publicly', models.BooleanField(default=False)),
                ('ignored_day', models.DateField(null=True)),
                ('open', models.BooleanField(default=False)),
                ('untriaged', models.BooleanField(default=False)),
                ('sort_due_at', models.DateTimeField(null=True)),
                ('first_response_due_at', models.DateTimeField(null=True)),
                ('last_event_id', models.BigIntegerField(default=0)),
                ('last_feedback_id', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RemoveIndex(
            model_name='durationsummary',
            name='dash_duration_bucket',
        ),
        migrations.RemoveIndex(
            model_name='durationsummary',
            name='dash_duration_office',
        ),
        migrations.RemoveIndex(
            model_name='eventsummary',
            name='dash_event_bucket',
        ),
        migrations.RemoveIndex(
            model_name='eventsummary',
            name='dash_event_office',
        ),
        migrations.RemoveIndex(
            model_name='upazilasummary',
            name='dash_upazila_office',
        ),
        migrations.RemoveField(
            model_name='refreshstate',
            name='rebuild_pending',
        ),
        migrations.AddField(
            model_name='durationsummary',
            name='level',
            field=models.PositiveSmallIntegerField(choices=[(0, 'every category and channel apart'), (1, 'channels summed'), (2, 'categories and channels summed')], default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='eventsummary',
            name='level',
            field=models.PositiveSmallIntegerField(choices=[(0, 'every category and channel apart'), (1, 'channels summed'), (2, 'categories and channels summed')], default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='refreshstate',
            name='rebuild_step',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='durationsummary',
            name='category',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='grievances.category'),
        ),
        migrations.AlterField(
            model_name='durationsummary',
            name='district',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offices.district'),
        ),
        migrations.AlterField(
            model_name='durationsummary',
            name='grain',
            field=models.CharField(choices=[('d', 'day'), ('w', 'week within its month'), ('m', 'month')], max_length=1),
        ),
        migrations.AlterField(
            model_name='durationsummary',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offices.office'),
        ),
        migrations.AlterField(
            model_name='eventsummary',
            name='category',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='grievances.category'),
        ),
        migrations.AlterField(
            model_name='eventsummary',
            name='district',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offices.district'),
        ),
        migrations.AlterField(
            model_name='eventsummary',
            name='grain',
            field=models.CharField(choices=[('d', 'day'), ('w', 'week within its month'), ('m', 'month')], max_length=1),
        ),
        migrations.AlterField(
            model_name='eventsummary',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offices.office'),
        ),
        migrations.AlterField(
            model_name='upazilasummary',
            name='district',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offices.district'),
        ),
        migrations.AlterField(
            model_name='upazilasummary',
            name='grain',
            field=models.CharField(choices=[('d', 'day'), ('w', 'week within its month'), ('m', 'month')], max_length=1),
        ),
        migrations.AlterField(
            model_name='upazilasummary',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offices.office'),
        ),
        migrations.AlterField(
            model_name='upazilasummary',
            name='upazila',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offices.upazila'),
        ),
        migrations.AddIndex(
            model_name='durationsummary',
            index=models.Index(fields=['level', 'grain', 'bucket', 'district'], name='dash_duration_read'),
        ),
        migrations.AddIndex(
            model_name='eventsummary',
            index=models.Index(fields=['level', 'grain', 'bucket', 'district'], name='dash_event_read'),
        ),
        migrations.AddIndex(
            model_name='durationsummary',
            index=models.Index(models.F('office'), models.F('bucket'), models.F('level'), models.F('grain'), models.F('measure'), models.F('working_days'), models.F('channel'), django.db.models.functions.comparison.Coalesce('category', 0), name='dash_duration_key'),
        ),
        migrations.AddIndex(
            model_name='eventsummary',
            index=models.Index(models.F('office'), models.F('bucket'), models.F('level'), models.F('grain'), models.F('channel'), django.db.models.functions.comparison.Coalesce('category', 0), name='dash_event_key'),
        ),
        migrations.AddIndex(
            model_name='upazilasummary',
            index=models.Index(models.F('office'), models.F('bucket'), models.F('grain'), django.db.models.functions.comparison.Coalesce('upazila', 0), name='dash_upazila_key'),
        ),
    ]
