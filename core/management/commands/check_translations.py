"""Fail if any translatable string lacks a Bangla translation (CI runs this; needs xgettext)."""

import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

IGNORED = [".venv/*", ".data/*", "staticfiles/*", "artifacts/*", "node_modules/*"]


class Command(BaseCommand):
    help = "Extract messages as makemessages would and fail on untranslated or fuzzy Bangla."

    def handle(self, *args: object, **options: object) -> None:
        po_path = Path(settings.LOCALE_PATHS[0]) / "bn" / "LC_MESSAGES" / "django.po"
        with tempfile.TemporaryDirectory() as keep:
            saved = Path(keep) / "django.po"
            shutil.copy2(po_path, saved)
            try:
                call_command("makemessages", locale=["bn"], ignore_patterns=IGNORED, verbosity=0)
                catalogue = polib.pofile(str(po_path))
            finally:
                shutil.copy2(saved, po_path)  # leave the committed file exactly as it was

        missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
        if missing:
            listing = "\n".join(f"  {msgid!r}" for msgid in missing)
            raise CommandError(f"{len(missing)} string(s) have no Bangla translation:\n{listing}")
        self.stdout.write(f"All {len(catalogue.translated_entries())} strings are translated.")
