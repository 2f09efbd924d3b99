from django.core.management.base import BaseCommand

from demo.services import demo_seed


class Command(BaseCommand):
    help = "Create the demo logins and data (safe to run again). Prints the logins."

    def handle(self, *args: object, **options: object) -> None:
        logins = demo_seed()
        self.stdout.write(f"Demo logins (password for all: {logins[0].password}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.what}")
