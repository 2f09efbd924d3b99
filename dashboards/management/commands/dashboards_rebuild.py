import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dashboards.summaries import REBUILD_STEPS, summaries_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the dashboards' summaries from scratch, step by step. An interrupted "
        "rebuild resumes at the step where it stopped unless --restart is given. After the "
        "first step, --jobs steps run at once (by default up to two, one per core)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--restart", action="store_true", help="ignore an unfinished rebuild")
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(os.cpu_count() or 1, 2),
            help="steps run at once after the first, each on a connection of its own",
        )

    def handle(self, *args: object, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        width = 40

        def progress(done: int, total: int) -> None:
            if quiet:
                return
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            following = f"; next: {REBUILD_STEPS[done][0]}" if done < total else ""
            sys.stderr.write(f"\r[{bar}] {done}/{total} steps{following}\033[K")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        progress(0, len(REBUILD_STEPS))
        summaries_rebuild(resume=not options["restart"], progress=progress, jobs=options["jobs"])
        if not quiet:
            self.stdout.write(self.style.SUCCESS("Dashboard summaries rebuilt."))
