
import django.contrib.postgres.indexes
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('grievances', '0007_reply_next_attempt_at'),
        ('offices', '0002_seed_geography'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='grievance',
            index=models.Index(condition=models.Q(('status__in', ['new', 'accepted', 'in_progress'])), fields=['district', 'sort_due_at', 'id'], name='grievance_inbox_dist_open_due'),
        ),
        migrations.AddIndex(
            model_name='grievance',
            index=models.Index(fields=['citizen_phone'], name='grievance_search_phone'),
        ),
        migrations.AddIndex(
            model_name='grievance',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Upper(django.db.models.functions.comparison.Cast('citizen_name', models.TextField())), name='gin_trgm_ops'), name='grievance_search_name_trgm'),
        ),
    ]
