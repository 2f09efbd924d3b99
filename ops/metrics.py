"""The Prometheus figures an operator watches (docs/operations.md, "Metrics").

prometheus_client, not django-prometheus: we want a dozen figures that mean something here
(routes by name, outboxes, pages, overdue by office), not every model's insert counter, and
django-prometheus would add a middleware pair, database and cache wrappers we do not need.

- Request latency is measured in each web process (RouteLatencyMiddleware). gunicorn runs
  several processes: with PROMETHEUS_MULTIPROC_DIR set (compose sets it; config/gunicorn.py
  clears it at start and marks dead workers) they share it through prometheus_client's
  multiprocess files; without it (runserver, tests) the process's own registry is read.
- Everything else is read at scrape time from where it is true: PostgreSQL (outboxes, pages,
  overdue grievances; a handful of grouped counts on indexed columns), Redis (queue lengths,
  task outcomes counted by ops/task_metrics.py).
- The dashboards' summary age comes from a callable named by METRICS_SUMMARY_AGE_SOURCE (or
  registered with `summary_age_source_register`), returning the time of the newest summary.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from celery import current_app
from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from redis import Redis
from redis.exceptions import RedisError

from grievances.models import Grievance, Reply, ReplyState
from integrations.facebook.models import (
    FacebookPage,
    FacebookPageState,
    FacebookPrivateReply,
    PrivateReplyState,
    WebhookDelivery,
)
from integrations.notifications.models import Notification, NotificationState
from offices.models import Office
from ops import task_metrics

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "shunani_http_request_duration_seconds",
    "Time to answer a request, by resolved route name.",
    ["route", "method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# kombu's Redis transport keeps a queue's messages of priority p > 0 in "<queue>\x06\x16<p>".
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")

_summary_age_sources: list[Callable[[], datetime | None]] = []


def summary_age_source_register(source: Callable[[], datetime | None]) -> None:
    """For the dashboards app: `source()` returns when the newest summary was computed."""
    if source not in _summary_age_sources:
        _summary_age_sources.append(source)


def _summary_age_source() -> Callable[[], datetime | None] | None:
    dotted = getattr(settings, "METRICS_SUMMARY_AGE_SOURCE", "")
    if dotted:
        source: Callable[[], datetime | None] = import_string(dotted)
        return source
    return _summary_age_sources[-1] if _summary_age_sources else None


def _queue_names() -> list[str]:
    return [queue.name for queue in current_app.conf.task_queues or []]


def queue_lengths() -> dict[str, int] | None:
    """Messages waiting per queue; None when the broker is not Redis."""
    url = str(current_app.conf.broker_url or "")
    if not url.startswith(("redis://", "rediss://")):
        return None
    client = Redis.from_url(
        url,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )
    names = _queue_names()
    pipe = client.pipeline(transaction=False)
    for name in names:
        for suffix in _PRIORITY_SUFFIXES:
            pipe.llen(name + suffix)
    lengths = pipe.execute()
    step = len(_PRIORITY_SUFFIXES)
    return {name: sum(lengths[i * step : (i + 1) * step]) for i, name in enumerate(names)}


def _unsent(rows: QuerySet[Any], failed: str) -> dict[str, Any]:
    """Pending (queued or being sent), failed, and the oldest pending row's time."""
    by_state = {
        state: (n, oldest)
        for state, n, oldest in rows.values_list("state")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .values_list("state", "n", "oldest")
        .order_by()
    }
    pending = [(n, oldest) for state, (n, oldest) in by_state.items() if state != failed]
    return {
        "pending": sum(n for n, _ in pending),
        "failed": by_state.get(failed, (0, None))[0],
        "oldest": min((oldest for _, oldest in pending), default=None),
    }


def _age(now: datetime, then: datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then else 0.0


class StateCollector(Collector):
    """Figures read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from self._outboxes(now)
        yield from self._pages()
        yield from self._overdue(now)
        yield from self._celery()
        yield from self._summary_age(now)

    def _outboxes(self, now: datetime) -> Iterator[Metric]:
        pending = GaugeMetricFamily(
            "shunani_outbox_pending", "Rows waiting to be delivered.", labels=["outbox"]
        )
        failed = GaugeMetricFamily(
            "shunani_outbox_failed", "Rows that failed for good.", labels=["outbox"]
        )
        oldest = GaugeMetricFamily(
            "shunani_outbox_oldest_pending_age_seconds",
            "Age of the oldest row still waiting (0 when none).",
            labels=["outbox"],
        )
        # Each query reads only rows not sent, through a small partial index
        # (ops/migrations/0001): cheap however many rows were delivered over the years.
        replies = _unsent(Reply.objects.exclude(state=ReplyState.SENT), ReplyState.FAILED)
        notifications = _unsent(
            Notification.objects.exclude(state=NotificationState.SENT), NotificationState.FAILED
        )
        private = _unsent(
            FacebookPrivateReply.objects.exclude(state=PrivateReplyState.SENT),
            PrivateReplyState.FAILED,
        )
        unprocessed = WebhookDelivery.objects.filter(
            processed_at__isnull=True, parked_at__isnull=True
        ).aggregate(pending=Count("id"), oldest=Min("received_at"))
        webhooks = {
            **unprocessed,
            "failed": WebhookDelivery.objects.filter(parked_at__isnull=False).count(),
        }
        for name, row in (
            ("replies", replies),
            ("notifications", notifications),
            ("webhook_deliveries", webhooks),
            ("private_replies", private),
        ):
            pending.add_metric([name], row["pending"])
            failed.add_metric([name], row["failed"])
            oldest.add_metric([name], _age(now, row["oldest"]))
        yield from (pending, failed, oldest)

    def _pages(self) -> Iterator[Metric]:
        pages = GaugeMetricFamily(
            "shunani_facebook_pages", "Connected Facebook pages by state.", labels=["state"]
        )
        counts = dict(FacebookPage.objects.values_list("state").annotate(n=Count("id")).order_by())
        for state in FacebookPageState.values:
            pages.add_metric([state], counts.get(state, 0))
        yield pages
        peak = GaugeMetricFamily(
            "shunani_facebook_page_usage_peak_percent",
            "The highest usage percentage Facebook reported for each page (graph-api.md §6.2).",
            labels=["page_id", "office"],
        )
        for page_id, office, value in FacebookPage.objects.filter(
            usage_peak__isnull=False
        ).values_list("page_id", "office__code", "usage_peak"):
            peak.add_metric([page_id, office], value or 0)
        yield peak
        top = FacebookPage.objects.aggregate(top=Max("usage_peak"))["top"]
        yield GaugeMetricFamily(
            "shunani_facebook_usage_peak_percent",
            "The highest usage percentage over every page.",
            value=top or 0,
        )

    def _overdue(self, now: datetime) -> Iterator[Metric]:
        overdue = GaugeMetricFamily(
            "shunani_grievances_overdue",
            "Open grievances past their current deadline (Grievance.objects.overdue).",
            labels=["office"],
        )
        counts = dict(
            Grievance.objects.overdue(now)
            .values_list("office_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        codes = dict(Office.objects.filter(pk__in=counts).values_list("pk", "code"))
        for office_id, n in sorted(counts.items()):
            overdue.add_metric([codes.get(office_id, str(office_id))], n)
        yield overdue

    def _celery(self) -> Iterator[Metric]:
        try:
            lengths = queue_lengths()
        except RedisError:
            logger.warning("metrics: the broker did not answer; queue lengths left out")
            lengths = None
        if lengths is not None:
            depth = GaugeMetricFamily(
                "shunani_celery_queue_length", "Tasks waiting in each queue.", labels=["queue"]
            )
            for name, n in lengths.items():
                depth.add_metric([name], n)
            yield depth
        try:
            outcomes = task_metrics.task_outcomes()
        except RedisError:
            logger.warning("metrics: Redis did not answer; task outcomes left out")
            return
        tasks = CounterMetricFamily(
            "shunani_celery_tasks",
            "Finished Celery tasks by queue and outcome.",
            labels=["queue", "outcome"],
        )
        queues = set(_queue_names()) | {queue for queue, _ in outcomes}
        for queue in sorted(queues):
            for outcome in task_metrics.OUTCOMES:
                tasks.add_metric([queue, outcome], outcomes.get((queue, outcome), 0))
        yield tasks

    def _summary_age(self, now: datetime) -> Iterator[Metric]:
        source = _summary_age_source()
        if source is None:
            return
        newest = source()
        age = GaugeMetricFamily(
            "shunani_dashboard_summary_age_seconds",
            "Seconds since the dashboards' newest summary was computed (+Inf: never).",
        )
        age.add_metric([], _age(now, newest) if newest else float("inf"))
        yield age


class _LocalLatency(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from REQUEST_LATENCY.collect()


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def metrics_text() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(_LocalLatency())
    registry.register(StateCollector())
    return generate_latest(registry)
