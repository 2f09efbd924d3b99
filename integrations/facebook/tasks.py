"""Celery entry points: ids in, re-read, one service, errors classified (STYLE.md §8)."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

# Kept importable from here; their home is core.tasks (any task's countdown has the same cap).
from core.tasks import REDIS_DEFAULT_VISIBILITY_TIMEOUT, countdown_cap  # noqa: F401
from integrations.facebook.graph import GraphTransientError
from integrations.facebook.models import FacebookPage, WebhookDelivery


@shared_task
def facebook_sync_all_task() -> int:
    """Beat: one sync task per page that may be read now. Returns how many were queued."""
    from integrations.facebook.services import app_paused_until, page_sync_is_due

    if app_paused_until() is not None:  # code 4: the whole app is throttled
        return 0
    queued = 0
    for page in FacebookPage.objects.syncable().only(
        "pk", "page_id", "state", "usage_peak", "last_synced_at"
    ):
        if page_sync_is_due(page=page):
            # A sync still waiting when the next round comes (say, behind a burst of webhooks)
            # is dropped: the next round queues a fresh one instead of piling them up.
            facebook_page_sync_task.apply_async(
                kwargs={"page_id": page.pk}, expires=settings.FACEBOOK_SYNC_INTERVAL_SECONDS
            )
            queued += 1
    return queued


@shared_task(
    autoretry_for=(GraphTransientError,),
    retry_backoff=30,  # 30 s, 60 s, 120 s ... with jitter
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=5,
)
def facebook_page_sync_task(*, page_id: int) -> None:
    from integrations.facebook.services import page_sync

    page = FacebookPage.objects.syncable().select_related("office").filter(pk=page_id).first()
    if page is None:  # gone, paused, or waiting for a person to reconnect it
        return
    page_sync(page=page)  # throttling and dead tokens become page state, not retries


@shared_task(
    autoretry_for=(OperationalError,),  # deadlock or lost connection: the body is in Postgres
    retry_backoff=5,
    retry_backoff_max=5 * 60,
    retry_jitter=True,
    max_retries=8,
)
def facebook_webhook_process_task(*, delivery_id: int) -> None:
    from integrations.facebook.services import webhook_delivery_process

    delivery = WebhookDelivery.objects.filter(
        pk=delivery_id, processed_at__isnull=True, parked_at__isnull=True
    ).first()
    if delivery is None:
        return
    try:
        webhook_delivery_process(delivery=delivery)
    except Exception as exc:
        # Visible in the admin; the class name only: messages may quote citizens' text.
        WebhookDelivery.objects.filter(pk=delivery_id).update(error=type(exc).__name__)
        raise


@shared_task
def facebook_webhook_sweep_task() -> int:
    from integrations.facebook.services import webhook_deliveries_requeue

    return webhook_deliveries_requeue()


@shared_task
def facebook_private_reply_task(*, private_reply_id: int) -> None:
    """The private link by Messenger; exactly once per comment (services.private_replies)."""
    from integrations.facebook.services import private_reply_deliver

    private_reply_deliver(private_reply_id=private_reply_id)


@shared_task
def facebook_private_reply_sweep_task() -> int:
    """Beat: queue again the private links whose task was lost (still `queued`)."""
    from integrations.facebook.services import private_replies_requeue

    return private_replies_requeue()


# Reply delivery and its sweeper are grievances' tasks (grievances.tasks.reply_deliver_task,
# reply_sweep_task). These old names stay for messages already queued under them when the
# change is deployed: they forward, and can go once no such message can be left.


@shared_task
def facebook_reply_deliver_task(*, reply_id: int) -> None:
    """Old name of `grievances.tasks.reply_deliver_task`; forwards to it."""
    from grievances.tasks import reply_deliver_task

    reply_deliver_task(reply_id=reply_id)


@shared_task
def facebook_reply_sweep_task() -> int:
    """Old name of `grievances.tasks.reply_sweep_task`; forwards to it."""
    from grievances.tasks import reply_sweep_task

    return reply_sweep_task()


@shared_task
def facebook_webhook_purge_task() -> int:
    """Beat, daily: delete processed webhook bodies older than WEBHOOK_RETENTION_DAYS."""
    from integrations.facebook.services.webhooks import webhook_deliveries_purge

    return webhook_deliveries_purge()
