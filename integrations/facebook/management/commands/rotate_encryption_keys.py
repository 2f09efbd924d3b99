from typing import Any

from django.core.management.base import BaseCommand

from integrations.facebook.services import pages_rotate_tokens


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored Facebook page token with the first key of "
        "FIELD_ENCRYPTION_KEYS. Put the new key first, run this, then drop the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = pages_rotate_tokens()
        self.stdout.write(f"Re-encrypted {count} page token(s) with the first key.")
