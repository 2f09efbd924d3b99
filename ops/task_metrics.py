"""Celery task outcomes per queue, counted in Redis.

Workers run as separate processes, in separate containers, often several per queue; the web
process that answers /ops/metrics sees none of their memory. prometheus_client's multiprocess
mode shares a directory between processes of one host only, so the counters live where every
worker already has a connection: one Redis hash, `HINCRBY` per finished task (one round trip,
atomic). A Redis restart resets them; Prometheus' `rate()` and `increase()` handle counter
resets. A Redis error never fails a task: it is logged once per process and the count is lost.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from functools import cache
from typing import Any

from celery import current_app
from celery.signals import task_failure, task_rejected, task_retry, task_success
from django.conf import settings
from redis import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

KEY = "shunani:metrics:celery-tasks"
OUTCOMES = ("succeeded", "failed", "retried", "rejected")
_warned = [False]


def redis_client() -> Redis:
    """One connection pool per process (and per REDIS_URL, which tests change)."""
    return _client(
        settings.REDIS_URL, settings.REDIS_CONNECT_TIMEOUT, settings.REDIS_SOCKET_TIMEOUT
    )


@cache
def _client(url: str, connect_timeout: float, timeout: float) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=connect_timeout, socket_timeout=timeout)


def task_queue(task: Any) -> str:
    """The queue a task came from: the delivery's routing key, else its route."""
    request = getattr(task, "request", None)
    delivery = getattr(request, "delivery_info", None) or {}
    queue = delivery.get("routing_key") or ""
    if not queue:
        route = (current_app.conf.task_routes or {}).get(getattr(task, "name", ""), {})
        queue = route.get("queue", "") if isinstance(route, dict) else ""
    return str(queue or "unknown")


def task_outcome_count(task: Any, outcome: str) -> None:
    try:
        redis_client().hincrby(KEY, f"{task_queue(task)}|{outcome}", 1)
    except RedisError:
        if not _warned[0]:
            _warned[0] = True
            logger.warning("task metrics: Redis refused a counter; task counts are incomplete")


def task_outcomes() -> dict[tuple[str, str], int]:
    """{(queue, outcome): count} as stored."""
    raw = redis_client().hgetall(KEY)
    counts: dict[tuple[str, str], int] = {}
    for field, value in raw.items():
        queue, _, outcome = (field.decode() if isinstance(field, bytes) else str(field)).partition(
            "|"
        )
        counts[(queue, outcome)] = int(value)
    return counts


def _on_success(sender: Any = None, **kwargs: Any) -> None:
    task_outcome_count(sender, "succeeded")


def _on_failure(sender: Any = None, **kwargs: Any) -> None:
    task_outcome_count(sender, "failed")


def _on_retry(sender: Any = None, **kwargs: Any) -> None:
    task_outcome_count(sender, "retried")


def _on_rejected(sender: Any = None, **kwargs: Any) -> None:
    message = kwargs.get("message")
    queue = ""
    if message is not None:
        queue = (getattr(message, "delivery_info", None) or {}).get("routing_key", "")
    with suppress(RedisError):
        redis_client().hincrby(KEY, f"{queue or 'unknown'}|rejected", 1)


def connect_signals() -> None:
    task_success.connect(_on_success, weak=False, dispatch_uid="ops-task-success")
    task_failure.connect(_on_failure, weak=False, dispatch_uid="ops-task-failure")
    task_retry.connect(_on_retry, weak=False, dispatch_uid="ops-task-retry")
    task_rejected.connect(_on_rejected, weak=False, dispatch_uid="ops-task-rejected")
