from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.history import demo_seed_history
from demo.services import demo_seed

ALLOW_FLAG = "--allow-without-debug"


class Command(BaseCommand):
    help = "Create the demo logins and data (safe to run again). Prints the logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Only the logins: no months of grievances for the dashboards.",
        )
        parser.add_argument(
            "--history-per-month",
            type=int,
            default=12,
            help="Grievances a month in an average district's history (default 12).",
        )
        parser.add_argument(
            ALLOW_FLAG,
            action="store_true",
            help=(
                "Run although DEBUG is off: only for a throw-away demo on production settings "
                "(docker compose --profile demo). It creates an administrator whose password "
                "is printed and public."
            ),
        )

    def handle(self, *args: object, **options: object) -> None:
        if not (settings.DEBUG or options["allow_without_debug"]):
            raise CommandError(
                "Refusing to create the demo logins (admin / shunani-demo) with DEBUG off: these "
                f"look like production settings. For a throw-away demo pass {ALLOW_FLAG}."
            )
        logins = demo_seed()
        self.stdout.write(f"Demo logins (password for all: {logins[0].password}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.what}")
        if not options["without_history"]:
            made = demo_seed_history(per_month=int(options["history_per_month"]))  # type: ignore[call-overload]
            self.stdout.write(
                f"Dashboard history: {made} grievances over the last months"
                if made
                else "Dashboard history: already there; summaries rebuilt"
            )
