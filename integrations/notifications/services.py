"""Queue and deliver notifications. Rows first: a message exists before anything is sent."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.tasks import enqueue_after_commit
from integrations.notifications.mail import email_delivers_externally, email_send
from integrations.notifications.models import (
    SECRET_PLACEHOLDER,
    Notification,
    NotificationChannel,
    NotificationState,
)
from integrations.notifications.sms import NotificationError, NotificationTransientError, SmsApi
from integrations.notifications.sms_outbox import OutboxSmsApi
from integrations.notifications.tasks import notification_send_task


def sms_api_from_settings() -> SmsApi:
    """The adapter SMS_BACKEND names: "outbox" (default) or "http"."""
    if settings.SMS_BACKEND == "http":
        from integrations.notifications.sms_http import HttpSmsApi

        return HttpSmsApi(
            url=settings.SMS_HTTP_URL,
            token=settings.SMS_HTTP_TOKEN,
            sender_id=settings.SMS_SENDER_ID,
            timeout=settings.SMS_HTTP_TIMEOUT,
        )
    return OutboxSmsApi()


# Text the console and outbox backends show where the private link would go.
SECRET_HIDDEN = "[…]"  # noqa: S105  # not a password
# A worker that claimed a message and died: after this long another may try again. Longer
# than an SMS request or an SMTP conversation can take (SMS_HTTP_TIMEOUT, EMAIL_TIMEOUT).
SENDING_LEASE = timedelta(minutes=5)
DAILY_CAP_ERROR = "daily limit for this recipient reached"


def _over_daily_cap(recipient: str) -> bool:
    """At most NOTIFICATION_DAILY_LIMIT_PER_RECIPIENT messages a day to one address."""
    since = timezone.now() - timedelta(days=1)
    sent = (
        Notification.objects.filter(recipient=recipient, created_at__gte=since)
        .exclude(last_error=DAILY_CAP_ERROR)
        .count()
    )
    return sent >= settings.NOTIFICATION_DAILY_LIMIT_PER_RECIPIENT


@transaction.atomic
def notification_queue(
    *,
    channel: str,
    recipient: str,
    body: str,
    subject: str = "",
    secret: str = "",
    dedupe_key: str = "",
    capped: bool = False,
) -> Notification:
    """Store the message, then (after commit) hand it to a task to deliver.

    `secret` (e.g. a private link) stands in the body as SECRET_PLACEHOLDER; it is stored
    apart, added only when sending to a real gateway and blanked once the message is final.
    `capped`: the recipient was typed by a member of the public, so the daily cap applies; a
    message over it is kept as failed, never sent. With a `dedupe_key`, asking twice queues one
    message: the second call returns the first.
    """
    fields: dict[str, object] = {
        "channel": channel,
        "recipient": recipient,
        "subject": subject[:200],
        "body": body,
        "secret": secret,
    }
    if capped and _over_daily_cap(recipient):
        fields.update(state=NotificationState.FAILED, last_error=DAILY_CAP_ERROR, secret="")
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
    if notification.state == NotificationState.QUEUED:
        enqueue_after_commit(notification_send_task, notification_id=notification.pk)
    return notification


def notification_send(*, notification: Notification, sms: SmsApi | None = None) -> Notification:
    """Deliver a queued notification once: claim, commit, send, record. Safe to run twice.

    The claim (state `sending`) is a short transaction of its own, so no row lock or open
    transaction is held while the gateway or mail server is talked to. A transient failure is
    recorded (the row goes back to `queued`) and then raised for the task to retry.
    """
    row = _claim(notification.pk)
    if row is None:  # already sent or failed, or another worker is sending it now
        notification.refresh_from_db()
        return notification
    try:
        row.external_id, row.backend = _deliver(row, sms)
    except NotificationTransientError as exc:
        _record(row, state=NotificationState.QUEUED, error=str(exc))
        raise
    except NotificationError as exc:
        _record(row, state=NotificationState.FAILED, error=str(exc))
    else:
        _record(row, state=NotificationState.SENT)
    return row


def _claim(pk: int) -> Notification | None:
    """Mark the row `sending` (one attempt more) and commit; None if it is not ours to send."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=pk)
            .filter(
                Q(state=NotificationState.QUEUED)
                | Q(state=NotificationState.SENDING, last_attempt_at__lt=now - SENDING_LEASE)
            )
            .first()
        )
        if row is None:
            return None
        row.state = NotificationState.SENDING
        row.attempts += 1
        row.last_attempt_at = now
        row.save(update_fields=["state", "attempts", "last_attempt_at", "updated_at"])
    return row


def _record(row: Notification, *, state: str, error: str = "") -> None:
    """The result of one attempt. A final state forgets the secret."""
    row.state = state
    row.last_error = error[:1000]
    fields = ["state", "last_error", "updated_at"]
    if state == NotificationState.SENT:
        row.sent_at = timezone.now()
        fields += ["sent_at", "external_id", "backend"]
    if state != NotificationState.QUEUED:
        row.secret = ""
        fields.append("secret")
    row.save(update_fields=fields)


def notification_text(row: Notification, *, external: bool) -> str:
    """The text as sent: the secret only when it leaves for a real gateway or mail server."""
    return row.body.replace(SECRET_PLACEHOLDER, row.secret if external else SECRET_HIDDEN)


def _deliver(row: Notification, sms: SmsApi | None) -> tuple[str, str]:
    """Send it now, outside any transaction: (external id, backend name)."""
    if row.channel == NotificationChannel.SMS:
        api = sms or sms_api_from_settings()
        text = notification_text(row, external=api.delivers_externally)
        return api.send(to=row.recipient, text=text), api.name
    text = notification_text(row, external=email_delivers_externally())
    email_send(to=row.recipient, subject=row.subject, text=text)
    return "", "email"


def notification_list_stuck(*, older_than: timedelta) -> list[int]:
    """Ids of rows nobody has tried for a while: queued (retries ran out, or the task was lost
    with the broker) or claimed by a worker that died while sending."""
    cutoff = timezone.now() - older_than
    return list(
        Notification.objects.filter(
            state__in=[NotificationState.QUEUED, NotificationState.SENDING], created_at__lt=cutoff
        )
        .exclude(last_attempt_at__gte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
