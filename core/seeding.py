import json
from pathlib import Path

from django.apps.registry import Apps

HOLIDAYS = Path(__file__).resolve().parent / "data" / "holidays.json"


def seed_holidays(apps: Apps) -> None:
    """Idempotent: an existing date (perhaps edited in the admin) is left as it is."""
    holiday_model = apps.get_model("core", "Holiday")
    for row in json.loads(HOLIDAYS.read_text(encoding="utf-8"))["holidays"]:
        holiday_model.objects.get_or_create(
            date=row["date"], defaults={"name_en": row["name_en"], "name_bn": row["name_bn"]}
        )
