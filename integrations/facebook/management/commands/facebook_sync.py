from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations.facebook.graph import GraphTransientError
from integrations.facebook.models import FacebookPage
from integrations.facebook.services import describe_graph_error, page_sync


class Command(BaseCommand):
    help = "Run one polling sync now (no Celery) and print what it ingested."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--page", help="The Facebook page id")
        which.add_argument("--all", action="store_true", help="Every page that may be read now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            pages = list(FacebookPage.objects.syncable().select_related("office").order_by("pk"))
        else:
            pages = list(
                FacebookPage.objects.select_related("office").filter(page_id=options["page"])
            )
            if not pages:
                raise CommandError(f"No connected page has the id {options['page']!r}.")
        failed = False
        for page in pages:
            try:
                result = page_sync(page=page)
            except GraphTransientError as exc:
                self.stderr.write(f"{page.page_id}: {describe_graph_error(exc)}")
                failed = True
                continue
            ingested = result.ingested
            line = (
                f"{page.page_id} ({page.office.code}): {result.posts} posts, "
                f"{ingested.items} comments and posts read, "
                f"{ingested.grievances_created} new grievances, {ingested.events} events"
            )
            if result.error:
                line += f"; stopped: {result.error}"
                failed = True
            self.stdout.write(line)
        if failed:
            raise CommandError("Some pages could not be synced; see above and the admin.")
