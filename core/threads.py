"""Work shared among a few threads, each on a database connection of its own (Django opens
one per thread): a big load or a rebuild using every core of the database server."""

import threading
from collections.abc import Callable

from django.db import connection


def run_threads(
    count: int, work: Callable[[], None], stop: Callable[[BaseException], None]
) -> None:
    """Run `work` on `count` threads and wait for them all; each closes its connection when
    done. `work` records its own failures. Interrupted while waiting (Ctrl-C), `stop(error)`
    tells the threads to stop after what they are doing, and they are waited for before the
    interruption is raised: none is left writing after the caller has moved on."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(max(count, 1))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException as error:
        stop(error)
        for thread in threads:
            thread.join()
        raise
