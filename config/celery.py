"""The Celery app: `celery -A config worker` / `celery -A config beat`.

Tasks go to queues by workload, so a slow kind of work never waits behind another: a page's
history backfill does not delay webhooks, and a long SMS-gateway outage does not delay public
replies. `TASK_QUEUES` below is the one place that says which task runs where; every task must
be listed (tests/test_celery_routes.py fails otherwise).

- `make run` and the system tests run one worker without `-Q`: it consumes every queue in
  `QUEUES`.
- docker-compose runs one worker per queue (`-Q webhooks`, ...), each scalable on its own.

Workers and beat log through the project's LOGGING (config/settings/base.py), never through
Celery's own setup: that would replace the root handlers and with them the filter that masks
phone numbers, e-mail addresses and keys (core/logging.py).
"""

import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

WEBHOOKS = "webhooks"  # stored Facebook webhook deliveries: the citizen's comment, now
FACEBOOK_SYNC = "facebook_sync"  # polling a page (a first sync reads its whole history)
REPLIES = "replies"  # public replies, to the tracking page and to Facebook
NOTIFICATIONS = "notifications"  # SMS and e-mail to citizens and officers
HOUSEKEEPING = "housekeeping"  # beat's sweeps, deadline checks and purges

QUEUES = (WEBHOOKS, FACEBOOK_SYNC, REPLIES, NOTIFICATIONS, HOUSEKEEPING)

TASK_QUEUES: dict[str, str] = {
    "integrations.facebook.tasks.facebook_webhook_process_task": WEBHOOKS,
    "integrations.facebook.tasks.facebook_page_sync_task": FACEBOOK_SYNC,
    "integrations.facebook.tasks.facebook_reply_deliver_task": REPLIES,
    "grievances.tasks.reply_deliver_task": REPLIES,
    "integrations.facebook.tasks.facebook_private_reply_task": REPLIES,
    "integrations.notifications.tasks.notification_send_task": NOTIFICATIONS,
    "grievances.tasks.grievance_notify_citizen_task": NOTIFICATIONS,
    "integrations.facebook.tasks.facebook_sync_all_task": HOUSEKEEPING,
    "integrations.facebook.tasks.facebook_webhook_sweep_task": HOUSEKEEPING,
    "integrations.facebook.tasks.facebook_webhook_purge_task": HOUSEKEEPING,
    "integrations.facebook.tasks.facebook_reply_sweep_task": HOUSEKEEPING,
    "integrations.facebook.tasks.facebook_private_reply_sweep_task": HOUSEKEEPING,
    "integrations.notifications.tasks.notification_sweep_task": HOUSEKEEPING,
    "grievances.tasks.grievance_deadline_sweep_task": HOUSEKEEPING,
    "grievances.tasks.citizen_leftovers_sweep_task": HOUSEKEEPING,
    "grievances.tasks.grievance_deadlines_office_task": HOUSEKEEPING,
    "grievances.tasks.reply_sweep_task": HOUSEKEEPING,
    "core.tasks.session_purge_task": HOUSEKEEPING,
    "ops.tasks.personal_data_erase_task": HOUSEKEEPING,
    "dashboards.tasks.dashboards_refresh_task": HOUSEKEEPING,
}

app = Celery("shunani")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Belt and braces: even if Celery configured logging itself, it must leave the root alone.
app.conf.worker_hijack_root_logger = False
# Each queue its own exchange and routing key: with the default exchange shared, every queue
# would be bound by the same key and each message copied into all of them.
app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in QUEUES]
app.conf.task_default_queue = HOUSEKEEPING  # never relied on: every task is in TASK_QUEUES
app.conf.task_routes = {name: {"queue": queue} for name, queue in TASK_QUEUES.items()}
app.autodiscover_tasks()


@setup_logging.connect
def use_the_project_logging(**kwargs: Any) -> None:
    """Connected, so Celery skips its own logging setup; apply the project's instead."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
