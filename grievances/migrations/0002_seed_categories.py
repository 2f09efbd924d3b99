from django.db import migrations

from grievances.seeding import seed_categories


def seed(apps, schema_editor):
    seed_categories(apps)


class Migration(migrations.Migration):
    dependencies = [("grievances", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
