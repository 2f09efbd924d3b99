from celery import shared_task

from integrations.notifications.sms import NotificationTransientError

# Retries back off 30 s, 60 s, … up to 30 min; after the last one the row simply stays queued
# and `notification_sweep_task` picks it up again. An outage delays messages, never loses them.
MAX_RETRIES = 8
_BACKOFF_BASE = 30
_BACKOFF_MAX = 30 * 60


@shared_task(bind=True, max_retries=MAX_RETRIES)
def notification_send_task(self, *, notification_id: int) -> None:  # type: ignore[no-untyped-def]
    from integrations.notifications.models import Notification, NotificationState
    from integrations.notifications.services import notification_send

    notification = Notification.objects.filter(
        pk=notification_id, state__in=[NotificationState.QUEUED, NotificationState.SENDING]
    ).first()
    if notification is None:  # sent, failed for good, or gone: nothing to do
        return
    try:
        notification_send(notification=notification)
    except NotificationTransientError as exc:
        if self.request.retries >= self.max_retries:
            return  # stays queued: the sweeper tries again later
        countdown = min(_BACKOFF_MAX, _BACKOFF_BASE * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task
def notification_sweep_task(*, older_than_minutes: int = 10) -> int:
    """Beat: re-enqueue notifications whose retries ran out, whose task was lost with the
    broker, or whose worker died while sending. Running twice is harmless (the claim)."""
    from datetime import timedelta

    from integrations.notifications.services import notification_list_stuck

    ids = notification_list_stuck(older_than=timedelta(minutes=older_than_minutes))
    for notification_id in ids:
        notification_send_task.delay(notification_id=notification_id)
    return len(ids)
