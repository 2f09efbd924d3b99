from unittest import mock

import pytest
from django.core import mail

from integrations.notifications.models import Notification, NotificationState
from integrations.notifications.services import (
    REDACTED,
    notification_queue,
    notification_send,
)
from integrations.notifications.sms import NotificationTransientError
from integrations.notifications.tasks import MAX_RETRIES, notification_sweep_task

pytestmark = pytest.mark.django_db


def _queue_sms(capture, **kwargs) -> Notification:
    with capture(execute=True):
        return notification_queue(
            channel="sms", recipient="+8801712345678", body="আপনার অভিযোগ গৃহীত", **kwargs
        )


def test_a_message_is_a_row_before_anything_is_sent(django_capture_on_commit_callbacks):
    with mock.patch("integrations.notifications.services.notification_send_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notification = notification_queue(channel="sms", recipient="+8801712345678", body="x")

        assert Notification.objects.get().state == NotificationState.QUEUED
        delay.assert_not_called()  # only after commit
        for callback in callbacks:
            callback()

    delay.assert_called_once_with(notification_id=notification.pk)


def test_the_outbox_adapter_keeps_the_message_for_the_admin(django_capture_on_commit_callbacks):
    notification = _queue_sms(django_capture_on_commit_callbacks)

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.backend == "outbox"
    assert notification.body == "আপনার অভিযোগ গৃহীত"


def test_the_http_adapter_posts_to_the_gateway(http_sms, django_capture_on_commit_callbacks):
    notification = _queue_sms(django_capture_on_commit_callbacks)

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.external_id == "msg-1"
    assert http_sms.accepted == [
        {
            "to": "+8801712345678",
            "from": "SHUNANI",
            "text": "আপনার অভিযোগ গৃহীত",
            "_auth": "Bearer gateway-token",
        }
    ]


def test_a_message_sent_while_the_gateway_fails_is_delivered_after_it_recovers(
    http_sms, eager_retries, django_capture_on_commit_callbacks
):
    http_sms.fail_next = 3  # an outage that ends after three attempts

    notification = _queue_sms(django_capture_on_commit_callbacks)

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.attempts == 4
    assert len(http_sms.received) == 4
    assert len(http_sms.accepted) == 1


def test_a_long_outage_leaves_the_message_queued_and_the_sweeper_delivers_it(
    http_sms, eager_retries, django_capture_on_commit_callbacks
):
    http_sms.down = True

    notification = _queue_sms(django_capture_on_commit_callbacks)

    notification.refresh_from_db()
    assert notification.state == NotificationState.QUEUED  # delayed, not lost
    assert notification.attempts == MAX_RETRIES + 1
    assert "503" in notification.last_error
    assert http_sms.accepted == []

    http_sms.down = False
    swept = notification_sweep_task(older_than_minutes=0)

    notification.refresh_from_db()
    assert swept == 1
    assert notification.state == NotificationState.SENT
    assert len(http_sms.accepted) == 1


def test_a_gateway_that_is_not_even_listening_is_a_transient_failure(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/send"  # discard port: connection refused
    notification = Notification.objects.create(channel="sms", recipient="+8801712345678", body="x")

    with pytest.raises(NotificationTransientError):
        notification_send(notification=notification)

    notification.refresh_from_db()
    assert notification.state == NotificationState.QUEUED
    assert notification.attempts == 1


def test_a_refused_message_fails_for_good_with_a_readable_reason(http_sms):
    http_sms.fail_next, http_sms.fail_status = 1, 400
    notification = Notification.objects.create(channel="sms", recipient="+8801712345678", body="x")

    notification = notification_send(notification=notification)

    assert notification.state == NotificationState.FAILED
    assert "400" in notification.last_error


def test_sending_twice_sends_once(http_sms):
    notification = Notification.objects.create(channel="sms", recipient="+8801712345678", body="x")

    notification_send(notification=notification)
    notification_send(notification=notification)

    assert len(http_sms.received) == 1


def test_a_secret_in_the_text_is_blanked_once_it_has_left(
    http_sms, django_capture_on_commit_callbacks
):
    notification = _queue_sms(django_capture_on_commit_callbacks, redact_after_send=True)

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.body == REDACTED
    assert http_sms.accepted[0]["text"] == "আপনার অভিযোগ গৃহীত"


def test_email_goes_through_django(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_queue(
            channel="email", recipient="citizen@example.com", subject="Shunani", body="Hello"
        )

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["citizen@example.com"], "Shunani", "Hello")
    ]


def test_the_same_dedupe_key_queues_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = notification_queue(
            channel="sms", recipient="+8801712345678", body="x", dedupe_key="k1"
        )
        second = notification_queue(
            channel="sms", recipient="+8801712345678", body="y", dedupe_key="k1"
        )

    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(callbacks) == 1
