import json
from pathlib import Path

from django.apps.registry import Apps

CATEGORIES = Path(__file__).resolve().parent / "data" / "categories.json"


def seed_categories(apps: Apps) -> None:
    """Idempotent: an existing category (perhaps renamed in the admin) is left as it is."""
    category_model = apps.get_model("grievances", "Category")
    for order, row in enumerate(json.loads(CATEGORIES.read_text(encoding="utf-8")), start=1):
        category_model.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name_en": row["name_en"],
                "name_bn": row["name_bn"],
                "sort_order": order * 10,
            },
        )
