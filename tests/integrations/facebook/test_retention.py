"""Processed webhook bodies are deleted after WEBHOOK_RETENTION_DAYS; nothing else is."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from config.celery import app
from integrations.facebook.models import WebhookDelivery
from integrations.facebook.tasks import facebook_webhook_purge_task

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 15, 21, 10, tzinfo=UTC)  # 03:10 in Dhaka, when beat runs the purge


@contextmanager
def frozen(moment: datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _delivery(
    *, processed_days_ago: float | None, error: str = "", parked: bool = False
) -> WebhookDelivery:
    received = NOW - timedelta(days=(processed_days_ago or 0) + 60)
    processed = None if processed_days_ago is None else NOW - timedelta(days=processed_days_ago)
    return WebhookDelivery.objects.create(
        body=b'{"object": "page", "entry": []}',
        signature="sha256=x",
        received_at=received,
        processed_at=processed,
        parked_at=processed if parked else None,
        error=error,
    )


def test_processed_deliveries_older_than_the_retention_are_purged(settings):
    settings.WEBHOOK_RETENTION_DAYS = 30
    old = _delivery(processed_days_ago=30.01)
    recent = _delivery(processed_days_ago=29.99)

    with frozen(NOW):
        purged = facebook_webhook_purge_task()

    assert purged == 1
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not WebhookDelivery.objects.filter(pk=old.pk).exists()


def test_unprocessed_and_parked_deliveries_are_kept_whatever_their_age(settings):
    settings.WEBHOOK_RETENTION_DAYS = 30
    unprocessed = _delivery(processed_days_ago=None)  # received 60 days ago, never processed
    parked = _delivery(processed_days_ago=400, error="The body is not JSON.", parked=True)

    with frozen(NOW):
        purged = facebook_webhook_purge_task()

    assert purged == 0
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {unprocessed.pk, parked.pk}


def test_the_retention_is_a_setting(settings):
    settings.WEBHOOK_RETENTION_DAYS = 7
    eight_days = _delivery(processed_days_ago=8)
    six_days = _delivery(processed_days_ago=6)

    with frozen(NOW):
        facebook_webhook_purge_task()

    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [six_days.pk]
    assert eight_days.pk not in WebhookDelivery.objects.values_list("pk", flat=True)


def test_a_purge_larger_than_one_batch_deletes_them_all(settings):
    from integrations.facebook.services.webhooks import webhook_deliveries_purge

    settings.WEBHOOK_RETENTION_DAYS = 30
    for _ in range(7):
        _delivery(processed_days_ago=31)

    with frozen(NOW):
        assert webhook_deliveries_purge(batch_size=3) == 7

    assert WebhookDelivery.objects.count() == 0


def test_beat_runs_the_purge_daily():
    entries = [e for e in app.conf.beat_schedule.values() if e["task"].endswith("purge_task")]

    assert "integrations.facebook.tasks.facebook_webhook_purge_task" in [e["task"] for e in entries]
