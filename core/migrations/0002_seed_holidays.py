import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "holidays.json"


def seed(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    for row in json.loads(DATA.read_text(encoding="utf-8"))["holidays"]:
        Holiday.objects.get_or_create(
            date=row["date"], defaults={"name_en": row["name_en"], "name_bn": row["name_bn"]}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
