"""Queueing Celery tasks once the transaction that asked for them has committed, and
housekeeping that belongs to no domain app.

The row in PostgreSQL is the truth (DESIGN.md §4); the task only delivers it sooner. So a
broker that is down or slow must never turn committed work into an error page: the failure is
logged and a beat sweeper finds the row later.

After a failure this process stops trying for `BROKER_PAUSE_SECONDS`: a hung broker then costs
one request its socket timeout, not every request (and every message of a request) in turn.
"""

import logging
import time
from typing import Any

from celery import Task, current_app, shared_task
from django.core.management import call_command
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BROKER_PAUSE_SECONDS = 15.0
# What publishing raises when the broker is down, refusing or hung. Anything else is a bug and
# is left to on_commit(robust=True), which logs it with its traceback.
BROKER_ERRORS: tuple[type[Exception], ...] = (KombuError, RedisError, OSError)
_paused_until = [0.0]  # monotonic time; per process
REDIS_DEFAULT_VISIBILITY_TIMEOUT = 60 * 60  # kombu's, when the setting does not say


def countdown_cap() -> int:
    """The longest countdown (seconds) a task may be queued with.

    Redis hands a task with a countdown to a worker at once and delivers it again if it is not
    acknowledged within the broker's visibility timeout, so a longer countdown turns into
    duplicate tasks. Half the timeout leaves room for the run itself. Longer waits live on the
    row (e.g. `Reply.next_attempt_at`) and a beat sweeper picks the row up once it is due.
    """
    options = current_app.conf.broker_transport_options or {}
    visibility = int(options.get("visibility_timeout", REDIS_DEFAULT_VISIBILITY_TIMEOUT))
    return max(60, visibility // 2)


def broker_pause_reset() -> None:
    """Try the broker again at once (tests, and a broker known to be back)."""
    _paused_until[0] = 0.0


def enqueue_after_commit(
    task: Task[Any, Any], /, *, countdown: float | None = None, **kwargs: Any
) -> None:
    """Queue `task(**kwargs)` after commit; if the broker refuses, log it and carry on.

    Only for work a sweeper recovers from the database: that is what makes losing the message
    safe. Outside a transaction the task is queued at once, with the same care.
    """

    def send() -> None:
        if time.monotonic() < _paused_until[0]:
            logger.info("broker paused after an error; %s left to its sweeper", task.name)
            return
        try:
            if countdown is None:
                task.delay(**kwargs)
            else:
                task.apply_async(kwargs=kwargs, countdown=countdown)
        except BROKER_ERRORS as exc:  # the sweeper will queue it again
            _paused_until[0] = time.monotonic() + BROKER_PAUSE_SECONDS
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
