"""Make an API key from the command line (the admin's "API keys" page does the same).

    python manage.py api_key_create --name "333 call centre" --owner dha-officer \
        --scope write --office DHA [--expires-in-days 365]
    python manage.py api_key_create --name "a2i dashboard" --owner national --national-read

Prints the key once: only its hash is stored.
"""

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from api.keys import api_key_create
from api.models import ApiKeyScope
from offices.models import Office


class Command(BaseCommand):
    help = "Create an API key for a user, limited to offices (by code), and print it once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner", required=True, help="username")
        parser.add_argument("--scope", choices=ApiKeyScope.values, default=ApiKeyScope.READ)
        parser.add_argument("--office", action="append", default=[], help="office code, e.g. DHA")
        parser.add_argument("--national-read", action="store_true")
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        owner = User.objects.filter(username=options["owner"]).first()
        if owner is None:
            raise CommandError(f"No user {options['owner']!r}.")
        offices = list(Office.objects.filter(code__in=options["office"]))
        missing = set(options["office"]) - {o.code for o in offices}
        if missing:
            raise CommandError(f"No office with code {', '.join(sorted(missing))}.")
        if options["national_read"] and options["scope"] != ApiKeyScope.READ:
            raise CommandError("A national read key reads only: leave --scope out.")
        days = options["expires_in_days"]
        raw, key = api_key_create(
            name=options["name"],
            owner=owner,
            scope=options["scope"],
            offices=offices,
            national_read=options["national_read"],
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        self.stdout.write(f"API key {key} (shown once, store it now):\n{raw}")
