"""Webhook deliveries: stored before they are acknowledged, processed by a task, swept if lost."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from integrations.facebook.models import FacebookPage, WebhookDelivery
from integrations.facebook.services.ingest import (
    IngestResult,
    comments_ingest,
    observations_from_webhook,
)
from integrations.facebook.tasks import facebook_webhook_process_task

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


@transaction.atomic
def webhook_delivery_store(*, body: bytes, signature: str) -> WebhookDelivery:
    """Keep a verified body, then queue its processing once the row is committed."""
    delivery = WebhookDelivery.objects.create(body=body, signature=signature[:100])
    # robust: with the broker down the body is still kept and answered 200; the sweeper
    # queues unprocessed deliveries again.
    transaction.on_commit(
        lambda: facebook_webhook_process_task.delay(delivery_id=delivery.pk), robust=True
    )
    return delivery


def webhook_delivery_process(*, delivery: WebhookDelivery) -> IngestResult:
    """Ingest one stored delivery. Safe to run twice: ingestion is idempotent."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1, last_attempt_at=timezone.now()
    )
    with transaction.atomic():
        locked = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery.pk, processed_at__isnull=True)
            .first()
        )
        if locked is None:  # done already, or another worker has it right now
            return IngestResult()
        delivery = locked
        result = IngestResult()
        try:
            payload = json.loads(bytes(delivery.body))
        except (ValueError, UnicodeError):
            # Signed by Meta but not JSON: nothing to ingest; keep it visible in the admin.
            delivery.error = "The body is not JSON."
            payload = None
        if payload is not None:
            by_page = observations_from_webhook(payload, received_at=delivery.received_at)
            pages = FacebookPage.objects.select_related("office").in_bulk(
                list(by_page), field_name="page_id"
            )
            for page_id, observations in by_page.items():
                page = pages.get(page_id)
                if page is None:
                    logger.warning("webhook for a page that is not connected: %s", page_id)
                    continue
                result += comments_ingest(page=page, observations=observations)
            FacebookPage.objects.filter(page_id__in=list(pages)).update(
                last_webhook_at=delivery.received_at
            )
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["processed_at", "error"])
    return result


def webhook_deliveries_requeue() -> int:
    """Queue again every delivery left unprocessed too long (a lost task, a Redis restart)."""
    cutoff = timezone.now() - timedelta(seconds=settings.FACEBOOK_WEBHOOK_RETRY_SECONDS)
    stuck = list(
        WebhookDelivery.objects.filter(processed_at__isnull=True, received_at__lt=cutoff)
        .exclude(last_attempt_at__gte=cutoff)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .values_list("pk", flat=True)[:1000]
    )
    for delivery_id in stuck:
        facebook_webhook_process_task.delay(delivery_id=delivery_id)
    if stuck:
        logger.warning("re-queued %d unprocessed webhook deliveries", len(stuck))
    return len(stuck)


def webhook_deliveries_purge(*, batch_size: int = 5000) -> int:
    """Delete delivery bodies processed more than WEBHOOK_RETENTION_DAYS ago; how many went.

    The comments they carried are in FacebookComment already. Unprocessed deliveries and parked
    ones (processed with an error a person should read) are kept whatever their age. Deleted in
    batches, so no statement holds locks for long.
    """
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)
    purgeable = WebhookDelivery.objects.filter(processed_at__lt=cutoff, error="")
    deleted = 0
    while True:
        ids = list(purgeable.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        count, _ = WebhookDelivery.objects.filter(pk__in=ids).delete()
        deleted += count
    if deleted:
        logger.info("purged %d processed webhook deliveries", deleted)
    return deleted
