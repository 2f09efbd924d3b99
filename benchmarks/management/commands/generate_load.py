"""Fill the database with N synthetic grievances through COPY, for the benchmarks.

    python manage.py generate_load 1000000 [--offices 64] [--chunk 50000]

Rows are spread over the DC offices with realistic statuses, channels, priorities, dates and
Bangla/English text. Tracking codes start with "LD" so they never collide with real ones.
Columns this command does not know get their model default, so new fields don't break it.
"""

import csv
import io
import random
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone

from grievances.models import Category, Grievance
from offices.models import Office

WORDS_BN = [
    "জমি",
    "নামজারি",
    "রাস্তা",
    "ভাঙা",
    "বিদ্যুৎ",
    "নেই",
    "ভাতা",
    "পাচ্ছি",
    "না",
    "হাসপাতাল",
    "ডাক্তার",
    "স্কুল",
    "শিক্ষক",
    "ত্রাণ",
    "বন্যা",
    "চাঁদাবাজি",
    "মাদক",
    "পানি",
    "সরবরাহ",
    "ড্রেন",
    "ময়লা",
    "ঘুষ",
    "দালাল",
    "সেবা",
    "দেরি",
]
WORDS_EN = [
    "land",
    "road",
    "broken",
    "electricity",
    "allowance",
    "hospital",
    "school",
    "relief",
    "flood",
    "drain",
    "bribe",
    "delay",
]
STATUSES = [
    ("new", 0.12),
    ("accepted", 0.10),
    ("in_progress", 0.23),
    ("resolved", 0.10),
    ("closed", 0.40),
    ("not_grievance", 0.05),
]
CHANNELS = [
    ("facebook_comment", 0.55),
    ("facebook_post", 0.05),
    ("web", 0.3),
    ("officer_entry", 0.1),
]
NULL = "\\N"
PRIORITIES = [("normal", 0.8), ("high", 0.12), ("low", 0.05), ("urgent", 0.03)]


def _pick(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


class Command(BaseCommand):
    help = "Insert N synthetic grievances with COPY (benchmarks/inbox.py reads them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--offices", type=int, default=64)
        parser.add_argument("--chunk", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])
        offices = list(Office.objects.districts().order_by("pk")[: options["offices"]])
        categories: list[int | None] = [*Category.objects.values_list("pk", flat=True)] or [None]
        fields = [
            f for f in Grievance._meta.concrete_fields if not f.generated and not f.primary_key
        ]
        columns = [f.column for f in fields]
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM grievances_grievance")
            start = cursor.fetchone()[0] + 1
        written = 0
        while written < options["count"]:
            size = min(options["chunk"], options["count"] - written)
            buffer = io.StringIO()
            out = csv.writer(buffer)
            for n in range(start + written, start + written + size):
                row = self._row(rng, n, offices, categories, now)
                out.writerow([self._value(f, row) for f in fields])
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(  # psycopg2: COPY, not INSERT
                    f"COPY grievances_grievance ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                    buffer,
                )
            written += size
            self.stdout.write(f"{written} / {options['count']}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE grievances_grievance")
        self.stdout.write(self.style.SUCCESS(f"Inserted {written} grievances."))

    def _row(
        self,
        rng: random.Random,
        n: int,
        offices: list[Office],
        categories: list[int | None],
        now: datetime,
    ) -> dict[str, Any]:
        office = offices[n % len(offices)]
        received = now - timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        status = _pick(rng, STATUSES)
        words = rng.sample(WORDS_BN, 6) + rng.sample(WORDS_EN, 2)
        row: dict[str, Any] = {
            "created_at": received,
            "updated_at": received,
            "tracking_code": f"LD{office.pk}-{n}",
            "office_id": office.pk,
            "district_id": office.district_id,
            "category_id": rng.choice(categories),
            "channel": _pick(rng, CHANNELS),
            "status": status,
            "priority": _pick(rng, PRIORITIES),
            "description": " ".join(words) + f" #{n}",
            "received_at": received,
            "first_response_due_at": received + timedelta(days=1),
            "last_activity_at": received + timedelta(hours=rng.randrange(0, 400)),
        }
        if status != "new":
            row["accepted_at"] = received + timedelta(hours=6)
            row["due_at"] = received + timedelta(days=42)
        if status in ("resolved", "closed"):
            row["outcome"] = "action_taken"
            row["resolved_at"] = received + timedelta(days=rng.randrange(1, 40))
        if status == "closed":
            row["closed_at"] = row["resolved_at"] + timedelta(days=14)
        if status == "not_grievance":
            row["not_grievance_reason"] = "spam"
        return row

    @staticmethod
    def _value(field: Any, row: dict[str, Any]) -> Any:
        if field.attname in row:
            value = row[field.attname]
        elif field.null:
            return NULL
        else:
            value = field.get_default()
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, datetime):
            return value.isoformat()
        if value is None:
            return NULL
        return value
