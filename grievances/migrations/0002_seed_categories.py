import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "categories.json"


def seed(apps, schema_editor):
    Category = apps.get_model("grievances", "Category")
    for order, row in enumerate(json.loads(DATA.read_text(encoding="utf-8")), start=1):
        Category.objects.get_or_create(
            slug=row["slug"],
            defaults={"name_en": row["name_en"], "name_bn": row["name_bn"], "sort_order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("grievances", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
