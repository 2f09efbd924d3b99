"""`python manage.py restore <backup>`: put a backup back (docs/operations.md, "Restore").

The database's tables are replaced by the backup's (pg_restore --clean, in one transaction);
the attachments are written into MEDIA_ROOT. Stop the web, workers and beat first.

    manage.py restore --list                       the backups in BACKUP_DIR, newest first
    manage.py restore --verify <backup>            read and check it, change nothing
    manage.py restore <backup> --yes               restore into DATABASE_URL and MEDIA_ROOT
    manage.py restore <backup> --database-url postgres://... --media-root /tmp/m --yes
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backups import (
    BackupError,
    Database,
    backup_dir,
    backup_restore,
    backup_verify,
    backups_list,
)
from ops.pgtools import PgToolError
from ops.streams import BackupFormatError


class Command(BaseCommand):
    help = "Restore a backup written by `manage.py backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", nargs="?", help="a backup directory, or its name")
        parser.add_argument("--list", action="store_true")
        parser.add_argument("--verify", action="store_true", help="check only, change nothing")
        parser.add_argument("--latest", action="store_true", help="the newest in BACKUP_DIR")
        parser.add_argument("--database-url", help="default: the configured database")
        parser.add_argument("--media-root", type=Path, help="default: MEDIA_ROOT")
        parser.add_argument("--no-media", action="store_true")
        parser.add_argument("--yes", action="store_true", help="replace the data, no question")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for when, path in backups_list():
                self.stdout.write(f"{path.name}  {when.isoformat()}")
            return
        path = self._path(options)
        try:
            if options["verify"]:
                manifest = backup_verify(path)
                self.stdout.write(
                    f"{path.name} is complete: database {manifest['database']['size']} bytes, "
                    f"{manifest['media']['files']} files"
                )
                return
            db = (
                Database.from_url(options["database_url"])
                if options["database_url"]
                else Database.from_settings()
            )
            if not options["yes"]:
                raise CommandError(
                    f"This replaces every table of database {db.name!r} and writes the "
                    "attachments into the media directory. Add --yes to go ahead."
                )
            result = backup_restore(
                path, db=db, media_root=options["media_root"], with_media=not options["no_media"]
            )
        except (BackupError, BackupFormatError, PgToolError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        self.stdout.write(f"restored {path.name} into {db.name}: {result['files']} files")

    def _path(self, options: dict[str, Any]) -> Path:
        if options["latest"]:
            backups = backups_list()
            if not backups:
                raise CommandError(f"No backup in {backup_dir()}.")
            return backups[0][1]
        if not options["backup"]:
            raise CommandError("Name a backup (see --list), or pass --latest.")
        path = Path(options["backup"])
        if not path.is_dir() and (backup_dir() / path).is_dir():
            path = backup_dir() / path
        return path
