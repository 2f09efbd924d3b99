from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from core.exceptions import ApplicationError
from integrations.facebook.services import page_connect
from offices.models import Office


class Command(BaseCommand):
    help = (
        "Connect a Facebook page to a district office: the page token is stored encrypted and "
        "the app is subscribed to the page's feed webhooks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", required=True, help="District code (DHA) or slug (dhaka)")
        parser.add_argument("--page-id", required=True)
        parser.add_argument("--token", required=True, help="The page access token")
        parser.add_argument("--name", default="", help="The page's name, for the admin")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["office"].strip()
        office = (
            Office.objects.districts()
            .filter(
                Q(code__iexact=key) | Q(district__code__iexact=key) | Q(district__slug=key.lower())
            )
            .first()
        )
        if office is None:
            raise CommandError(f"No district office matches {key!r}.")
        try:
            page = page_connect(
                office=office,
                page_id=options["page_id"],
                token=options["token"],
                name=options["name"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None  # never the token
        self.stdout.write(f"Connected page {page.page_id} to {office.name_en} ({office.code}).")
