from django.db import migrations

from core.seeding import seed_holidays


def seed(apps, schema_editor):
    seed_holidays(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
