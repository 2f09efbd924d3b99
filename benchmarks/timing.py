"""What the benchmark scripts share: Django set up for a script, and p50/p95 of a callable."""

import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) of `samples`."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def time_ms(
    fn: Callable[[], Any], runs: int, before: Callable[[], Any] | None = None
) -> tuple[float, float]:
    """p50/p95 in milliseconds of `runs` calls of `fn` after one warm-up call; `before` (e.g.
    emptying a cache) runs ahead of each call, outside the timing."""
    if before:
        before()
    fn()  # warm the caches and the connection
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def time_sql_ms(sql: str, params: Sequence[Any] | None, runs: int) -> tuple[float, float]:
    """p50/p95 of one SQL statement on the default connection: the bare-query baseline."""
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return time_ms(run, runs)
