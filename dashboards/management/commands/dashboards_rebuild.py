import sys

from django.core.management.base import BaseCommand, CommandParser

from dashboards.summaries import summaries_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the dashboards' summaries from scratch, office by office. An interrupted "
        "rebuild resumes where it stopped unless --restart is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--restart", action="store_true", help="ignore an unfinished rebuild")
        parser.add_argument("--chunk", type=int, default=4, help="offices per transaction")

    def handle(self, *args: object, **options: object) -> None:
        quiet = options["verbosity"] == 0
        width = 40

        def progress(done: int, total: int) -> None:
            if quiet:
                return
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r[{bar}] {done}/{total} offices")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        summaries_rebuild(
            chunk=int(options["chunk"]),  # type: ignore[call-overload]
            resume=not options["restart"],
            progress=progress,
        )
        if not quiet:
            self.stdout.write(self.style.SUCCESS("Dashboard summaries rebuilt."))
