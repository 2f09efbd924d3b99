"""`python manage.py backup`: one backup of the database and the attachments (docs/operations.md).

manage.py backup                      write one backup into BACKUP_DIR
manage.py backup --prune              then delete those outside the retention
manage.py backup --daily-at 02:30     keep running: one backup (and prune) every day then
"""

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backups import BackupError, backup_create, backups_prune
from ops.pgtools import PgToolError


def seconds_until(daily_at: str, now: datetime) -> float:
    """Seconds from `now` (aware) to the next `HH:MM` in TIME_ZONE."""
    hour, minute = (int(part) for part in daily_at.split(":"))
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    return (target - local).total_seconds()


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the attachments (MEDIA_ROOT)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--destination", type=Path, help="default: BACKUP_DIR")
        parser.add_argument("--prune", action="store_true", help="apply BACKUP_KEEP_* after")
        parser.add_argument(
            "--daily-at", metavar="HH:MM", help="run forever, once a day at this local time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        destination = options["destination"]
        if not options["daily_at"]:
            self._once(destination, options["prune"])
            return
        while True:
            wait = seconds_until(options["daily_at"], datetime.now(tz=ZoneInfo("UTC")))
            self.stdout.write(f"next backup in {wait / 3600:.1f} h")
            time.sleep(wait)
            try:
                self._once(destination, options["prune"])
            except CommandError as exc:  # logged; tomorrow is another try (and an alert)
                self.stderr.write(str(exc))

    def _once(self, destination: Path | None, prune: bool) -> None:
        try:
            path = backup_create(destination=destination)
        except (BackupError, PgToolError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(f"backup written: {path}")
        if prune:
            for deleted in backups_prune(destination):
                self.stdout.write(f"pruned: {deleted.name}")
