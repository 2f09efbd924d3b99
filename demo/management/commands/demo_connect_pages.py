from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from demo.services import demo_connect_pages
from integrations.facebook.graph import GraphError


class Command(BaseCommand):
    help = "Connect the fake Graph server's demo pages to their DC offices (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        try:
            pages = demo_connect_pages()
        except (GraphError, ApplicationError) as exc:
            raise CommandError(f"Could not connect the demo pages: {exc}") from exc
        for page in pages:
            self.stdout.write(f"  {page.page_id}  {page.name}  →  {page.office.code}")
