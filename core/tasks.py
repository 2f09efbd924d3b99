"""Queueing Celery tasks once the transaction that asked for them has committed, and
housekeeping that belongs to no domain app.

The row in PostgreSQL is the truth (DESIGN.md §4); the task only delivers it sooner. So a
broker that is down or slow must never turn committed work into an error page: the failure is
logged and a beat sweeper finds the row later.
"""

import logging
from typing import Any

from celery import Task, shared_task
from django.core.management import call_command
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(
    task: Task[Any, Any], /, *, countdown: float | None = None, **kwargs: Any
) -> None:
    """Queue `task(**kwargs)` after commit; if the broker refuses, log it and carry on.

    Only for work a sweeper recovers from the database: that is what makes losing the message
    safe. Outside a transaction the task is queued at once, with the same care.
    """

    def send() -> None:
        try:
            if countdown is None:
                task.delay(**kwargs)
            else:
                task.apply_async(kwargs=kwargs, countdown=countdown)
        except Exception as exc:  # kombu/redis errors of every kind: the sweeper will retry
            logger.warning(
                "could not queue %s (%s); its sweeper will pick it up",
                task.name,
                type(exc).__name__,
            )

    transaction.on_commit(send, robust=True)


@shared_task
def session_purge_task() -> None:
    """Beat, daily: delete expired sessions (Django's `clearsessions`). A session expires
    SESSION_COOKIE_AGE after its last save; officers' idle and absolute timeouts end it sooner
    in the middleware, and this removes the row."""
    call_command("clearsessions")
