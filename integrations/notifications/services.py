"""Queue and deliver notifications. Rows first: a message exists before anything is sent."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.tasks import enqueue_after_commit
from integrations.notifications.mail import email_delivers_externally, email_send
from integrations.notifications.models import (
    Notification,
    NotificationChannel,
    NotificationState,
)
from integrations.notifications.sms import NotificationError, NotificationTransientError, SmsApi
from integrations.notifications.sms_outbox import OutboxSmsApi
from integrations.notifications.tasks import notification_send_task

REDACTED = "[…]"


def sms_api_from_settings() -> SmsApi:
    """The adapter SMS_BACKEND names: "outbox" (default) or "http"."""
    if settings.SMS_BACKEND == "http":
        from integrations.notifications.sms_http import HttpSmsApi

        return HttpSmsApi(
            url=settings.SMS_HTTP_URL,
            token=settings.SMS_HTTP_TOKEN,
            sender_id=settings.SMS_SENDER_ID,
            timeout=getattr(settings, "SMS_HTTP_TIMEOUT", 10.0),
        )
    return OutboxSmsApi()


@transaction.atomic
def notification_queue(
    *,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    redact_after_send: bool = False,
    dedupe_key: str = "",
) -> Notification:
    """Store the message, then (after commit) hand it to a task to deliver.

    With a `dedupe_key`, asking twice queues one message: the second call returns the first.
    """
    fields = {
        "channel": channel,
        "recipient": recipient,
        "subject": subject[:200],
        "body": body,
        "redact_after_send": redact_after_send,
    }
    if dedupe_key:
        # The partial unique index decides under concurrency, not a check-then-insert.
        notification, created = Notification.objects.get_or_create(
            dedupe_key=dedupe_key[:100], defaults=fields
        )
        if not created:
            return notification
    else:
        notification = Notification(**fields)
        notification.full_clean()
        notification.save()
    enqueue_after_commit(notification_send_task, notification_id=notification.pk)
    return notification


def notification_send(*, notification: Notification, sms: SmsApi | None = None) -> Notification:
    """Deliver a queued notification once. Safe to run twice, and in parallel.

    The row stays locked while the gateway is called, so two workers never send it twice. A
    transient failure is recorded on the row (committed) and then raised for the task to retry.
    """
    failure: NotificationTransientError | None = None
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification.pk, state=NotificationState.QUEUED)
            .first()
        )
        if row is None:  # already sent or failed, or another worker is sending it now
            notification.refresh_from_db()
            return notification

        now = timezone.now()
        row.attempts += 1
        row.last_attempt_at = now
        fields = ["attempts", "last_attempt_at", "updated_at"]
        try:
            row.external_id, row.backend, external = _deliver(row, sms)
        except NotificationTransientError as exc:
            row.last_error = str(exc)[:1000]
            fields.append("last_error")
            failure = exc
        except NotificationError as exc:
            row.state = NotificationState.FAILED
            row.last_error = str(exc)[:1000]
            fields += ["state", "last_error"]
        else:
            row.state = NotificationState.SENT
            row.sent_at = now
            row.last_error = ""
            fields += ["state", "sent_at", "last_error", "external_id", "backend"]
            if row.redact_after_send and external:
                row.body = REDACTED
                fields.append("body")
        row.save(update_fields=fields)
    if failure is not None:
        raise failure
    return row


def _deliver(row: Notification, sms: SmsApi | None) -> tuple[str, str, bool]:
    """(external id, backend name, whether the text left this machine)."""
    if row.channel == NotificationChannel.SMS:
        api = sms or sms_api_from_settings()
        return api.send(to=row.recipient, text=row.body), api.name, api.delivers_externally
    email_send(to=row.recipient, subject=row.subject, text=row.body)
    return "", "email", email_delivers_externally()


def notification_list_stuck(*, older_than: timedelta) -> list[int]:
    """Ids of queued rows nobody has tried for a while (their retries ran out or were lost)."""
    cutoff = timezone.now() - older_than
    return list(
        Notification.objects.filter(state=NotificationState.QUEUED, created_at__lt=cutoff)
        .exclude(last_attempt_at__gte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
