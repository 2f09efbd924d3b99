from unittest import mock

import pytest
from django.core import mail

from integrations.notifications.models import SECRET_PLACEHOLDER, Notification, NotificationState
from integrations.notifications.services import (
    SECRET_HIDDEN,
    notification_queue,
    notification_send,
)
from integrations.notifications.sms import NotificationTransientError
from integrations.notifications.tasks import MAX_RETRIES, notification_sweep_task

pytestmark = pytest.mark.django_db


def _queue_sms(capture, **kwargs) -> Notification:
    with capture(execute=True):
        kwargs.setdefault("body", "আপনার অভিযোগ গৃহীত")
        return notification_queue(channel="sms", recipient="+8801712345678", **kwargs)


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


LINK = "https://shunani.example.gov.bd/track/DHA-2612-00001/?key=s3cr3t-key"


def _queue_with_link(capture, **kwargs) -> Notification:
    return _queue_sms(
        capture, body=f"কোড DHA-2612-00001: {SECRET_PLACEHOLDER}", secret=LINK, **kwargs
    )


def test_the_private_link_is_never_in_the_stored_text_and_reaches_only_a_real_gateway(
    http_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        queued = notification_queue(
            channel="sms",
            recipient="+8801712345678",
            body=f"কোড: {SECRET_PLACEHOLDER}",
            secret=LINK,
        )
    assert "key=" not in Notification.objects.get(pk=queued.pk).body

    notification = notification_send(notification=queued)

    assert notification.state == NotificationState.SENT
    assert http_sms.accepted[0]["text"] == f"কোড: {LINK}"
    notification.refresh_from_db()
    assert (notification.secret, notification.body) == ("", f"কোড: {SECRET_PLACEHOLDER}")


def test_the_outbox_and_console_backends_never_see_the_private_link(
    settings, django_capture_on_commit_callbacks, capsys
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        sms = notification_queue(
            channel="sms", recipient="+8801712345678", body=SECRET_PLACEHOLDER, secret=LINK
        )
        email = notification_queue(
            channel="email", recipient="a@example.com", body=SECRET_PLACEHOLDER, secret=LINK
        )

    printed = capsys.readouterr().out
    assert "s3cr3t-key" not in printed
    assert SECRET_HIDDEN in printed
    for row in (sms, email):
        row.refresh_from_db()
        assert row.state == NotificationState.SENT
        assert "s3cr3t-key" not in row.body + row.secret


def test_a_message_refused_for_good_forgets_the_private_link(
    http_sms, django_capture_on_commit_callbacks
):
    http_sms.fail_next, http_sms.fail_status = 1, 400

    notification = _queue_with_link(django_capture_on_commit_callbacks)

    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert notification.secret == ""


def test_the_admin_shows_neither_the_secret_nor_the_raw_text(admin_client):
    notification = Notification.objects.create(
        channel="sms", recipient="+8801712345678", body=f"a {SECRET_PLACEHOLDER}", secret=LINK
    )

    html = admin_client.get(
        f"/admin/notifications/notification/{notification.pk}/change/"
    ).content.decode()

    assert "s3cr3t-key" not in html
    assert f"a {SECRET_HIDDEN}" in html


def test_a_recipient_typed_by_the_public_gets_at_most_the_daily_cap(
    settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_DAILY_LIMIT_PER_RECIPIENT = 3

    rows = [
        _queue_sms(django_capture_on_commit_callbacks, capped=True, secret=LINK) for _ in range(5)
    ]
    other = _queue_sms(django_capture_on_commit_callbacks, capped=False)

    states = [Notification.objects.get(pk=row.pk).state for row in rows]
    assert states == ["sent"] * 3 + ["failed"] * 2
    refused = Notification.objects.get(pk=rows[-1].pk)
    assert "daily limit" in refused.last_error
    assert refused.secret == ""
    assert Notification.objects.get(pk=other.pk).state == "sent"  # staff messages: no cap


@pytest.mark.django_db(transaction=True)
def test_the_gateway_is_called_outside_any_transaction_and_row_lock():
    """Claim, commit, send, record: while the gateway talks, the row is committed `sending`
    and another connection can read and lock it without waiting."""
    from django.db import connection

    from integrations.notifications import services

    seen: list[tuple[bool, str]] = []

    class WatchingGateway:
        name, delivers_externally = "watching", True

        def send(self, *, to: str, text: str) -> str:
            row = Notification.objects.get(pk=notification.pk)
            seen.append((connection.in_atomic_block, row.state))
            return "id-1"

    notification = Notification.objects.create(channel="sms", recipient="+8801712345678", body="x")
    services.notification_send(notification=notification, sms=WatchingGateway())

    assert seen == [(False, "sending")]  # committed as claimed; no transaction open
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT


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
