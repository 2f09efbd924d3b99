"""Webhook deliveries: stored before they are acknowledged, processed by a task, swept if lost.

Meta re-sends a body it thinks we missed (graph-api.md §4.3): a body is stored once, keyed by
its sha256. A body that is not the documented shape is parked with the reason: kept for a
person to look at, never retried. So is one that kept failing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from core.tasks import enqueue_after_commit
from integrations.facebook.models import FacebookPage, WebhookDelivery
from integrations.facebook.services.ingest import (
    IngestResult,
    comments_ingest,
    observations_from_webhook,
)
from integrations.facebook.tasks import facebook_webhook_process_task
from integrations.facebook.wire import webhook_payload_problem

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


@transaction.atomic
def webhook_delivery_store(*, body: bytes, signature: str) -> WebhookDelivery | None:
    """Keep a verified body, then queue its processing once the row is committed.

    None when the same body is already stored: it is acknowledged and not processed again.
    """
    delivery = _delivery_insert_once(body=body, signature=signature[:100])
    if delivery is None:
        logger.info("facebook webhook: a body already stored was delivered again")
        return None
    # With the broker down the body is still kept and answered 200; the sweeper queues
    # unprocessed deliveries again.
    enqueue_after_commit(facebook_webhook_process_task, delivery_id=delivery.pk)
    return delivery


def _delivery_insert_once(*, body: bytes, signature: str) -> WebhookDelivery | None:
    """INSERT … ON CONFLICT DO NOTHING on the body's sha256: two copies arriving at once
    cannot both be stored (a look-then-insert could). None when the body is already there."""
    digest = hashlib.sha256(body).hexdigest()
    received_at = timezone.now()
    table = connection.ops.quote_name(WebhookDelivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (body, body_sha256, signature, received_at, attempts, error) "  # noqa: S608 -- the table name is ours
            "VALUES (%s, %s, %s, %s, 0, '') ON CONFLICT (body_sha256) DO NOTHING RETURNING id",
            [body, digest, signature, received_at],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return WebhookDelivery(
        pk=row[0], body=body, body_sha256=digest, signature=signature, received_at=received_at
    )


def _park(delivery: WebhookDelivery, reason: str) -> None:
    delivery.parked_at = timezone.now()
    delivery.error = reason
    delivery.save(update_fields=["parked_at", "error"])
    logger.warning("facebook webhook delivery %s parked: %s", delivery.pk, reason)


def webhook_delivery_process(*, delivery: WebhookDelivery) -> IngestResult:
    """Ingest one stored delivery. Safe to run twice: ingestion is idempotent."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1, last_attempt_at=timezone.now()
    )
    with transaction.atomic():
        locked = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery.pk, processed_at__isnull=True, parked_at__isnull=True)
            .first()
        )
        if locked is None:  # done already, parked, or another worker has it right now
            return IngestResult()
        delivery = locked
        result = IngestResult()
        try:
            payload = json.loads(bytes(delivery.body))
        except (ValueError, UnicodeError):
            # Signed by Meta but not JSON: nothing to ingest; keep it visible in the admin.
            _park(delivery, "The body is not JSON.")
            return result
        problem = webhook_payload_problem(payload)
        if problem:
            _park(delivery, problem)
            return result
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
        delivery.save(update_fields=["processed_at"])
    return result


def webhook_deliveries_requeue() -> int:
    """Queue again every delivery left unprocessed too long (a lost task, a Redis restart).

    One that failed MAX_ATTEMPTS times is parked with its last error instead: kept, visible
    in the admin, never retried again.
    """
    waiting = WebhookDelivery.objects.filter(processed_at__isnull=True, parked_at__isnull=True)
    gave_up = waiting.filter(attempts__gte=MAX_ATTEMPTS).update(
        parked_at=timezone.now(),
        error=Concat(Value(f"Gave up after {MAX_ATTEMPTS} attempts. Last error: "), F("error")),
    )
    if gave_up:
        logger.error("parked %d webhook deliveries that kept failing", gave_up)
    cutoff = timezone.now() - timedelta(seconds=settings.FACEBOOK_WEBHOOK_RETRY_SECONDS)
    stuck = list(
        waiting.filter(received_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
        .exclude(last_attempt_at__gte=cutoff)
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
    purgeable = WebhookDelivery.objects.filter(
        processed_at__lt=cutoff, parked_at__isnull=True, error=""
    )
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
