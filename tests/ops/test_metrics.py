"""/ops/metrics: refused to anyone without the token or an allowed address; its figures match
known states of the database and Redis."""

from datetime import timedelta

import pytest
from celery import current_app
from celery.signals import task_failure
from django.conf import settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from grievances.models import Grievance, Reply, ReplyState
from integrations.facebook.models import FacebookPageState, WebhookDelivery
from integrations.notifications.models import Notification, NotificationState
from ops import metrics as ops_metrics
from ops import task_metrics
from ops.tasks import personal_data_erase_task
from tests.grievances.factories import GrievanceFactory
from tests.integrations.facebook.factories import (
    OTHER_PAGE_ID,
    PAGE_ID,
    FacebookPageFactory,
)
from tests.offices.factories import UserFactory, district_office

URL = "/ops/metrics"
TOKEN = "a-long-random-metrics-token"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    return TOKEN


def scrape(client) -> dict[str, dict[tuple, float]]:
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    figures: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            key = tuple(sorted(sample.labels.items()))
            figures.setdefault(sample.name, {})[key] = sample.value
    return figures


# --- who may read it ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_refused_to_anonymous_callers(client, metrics_token):
    response = client.get(URL)
    assert response.status_code == 403
    assert b"shunani_" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer wrong", f"Basic {TOKEN}", TOKEN, "Bearer "])
def test_refused_with_a_wrong_token(client, metrics_token, header):
    assert client.get(URL, HTTP_AUTHORIZATION=header).status_code == 403


@pytest.mark.django_db
def test_refused_to_a_signed_in_superuser_without_the_token(client, metrics_token):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_refused_to_everyone_when_nothing_is_configured(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", []
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer ").status_code == 403
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_served_with_the_token(client, metrics_token):
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"shunani_outbox_pending" in response.content


@pytest.mark.django_db
def test_served_to_an_allowed_network_and_not_to_a_forged_forwarded_for(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    settings.TRUSTED_PROXIES = []
    assert client.get(URL, REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get(URL, REMOTE_ADDR="192.0.2.7").status_code == 403
    forged = client.get(URL, REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="10.20.3.4")
    assert forged.status_code == 403


# --- figures against known states ----------------------------------------------------------------


@pytest.mark.django_db
def test_pages_by_state_and_usage_peak(client, metrics_token):
    now = timezone.now()
    dha, ctg, syl = district_office("DHA"), district_office("CTG"), district_office("SYL")
    FacebookPageFactory(page_id=PAGE_ID, office=dha, usage_peak=42)
    FacebookPageFactory(
        page_id=OTHER_PAGE_ID,
        office=ctg,
        state=FacebookPageState.PAUSED,
        paused_until=now + timedelta(hours=1),
        usage_peak=93,
    )
    FacebookPageFactory(page_id="104500000000003", office=syl, state="needs_reauth")
    figures = scrape(client)
    pages = figures["shunani_facebook_pages"]
    assert pages[(("state", "active"),)] == 1
    assert pages[(("state", "paused"),)] == 1
    assert pages[(("state", "needs_reauth"),)] == 1
    peaks = figures["shunani_facebook_page_usage_peak_percent"]
    assert peaks[(("office", ctg.code), ("page_id", OTHER_PAGE_ID))] == 93
    assert figures["shunani_facebook_usage_peak_percent"][()] == 93


@pytest.mark.django_db
def test_outboxes_a_failed_reply_and_a_stuck_webhook(client, metrics_token, office):
    now = timezone.now()
    grievance = GrievanceFactory(office=office)
    Reply.objects.create(grievance=grievance, body="উত্তর", state=ReplyState.FAILED)
    Reply.objects.create(grievance=grievance, body="উত্তর ২", state=ReplyState.QUEUED)
    Reply.objects.create(grievance=grievance, body="উত্তর ৩", state=ReplyState.SENT, sent_at=now)
    stuck = WebhookDelivery.objects.create(body=b"{}", signature="sha256=x")
    WebhookDelivery.objects.filter(pk=stuck.pk).update(received_at=now - timedelta(minutes=15))
    WebhookDelivery.objects.create(
        body=b"[]", signature="sha256=y", processed_at=now, parked_at=now, error="not JSON"
    )
    WebhookDelivery.objects.create(body=b"[1]", signature="sha256=z", processed_at=now)
    Notification.objects.create(
        channel="sms", recipient="01711000000", body="x", state=NotificationState.FAILED
    )
    figures = scrape(client)
    pending, failed = figures["shunani_outbox_pending"], figures["shunani_outbox_failed"]
    oldest = figures["shunani_outbox_oldest_pending_age_seconds"]
    replies, webhooks = (("outbox", "replies"),), (("outbox", "webhook_deliveries"),)
    notifications = (("outbox", "notifications"),)
    # The grievance's own "filed" SMS/e-mail may be queued too; replies are exact.
    assert (pending[replies], failed[replies]) == (1, 1)
    assert (pending[webhooks], failed[webhooks]) == (1, 1)
    assert failed[notifications] == 1
    assert 15 * 60 <= oldest[webhooks] < 16 * 60
    assert oldest[replies] < 60


@pytest.mark.django_db
def test_overdue_grievances_by_office_use_the_one_definition(client, metrics_token):
    now = timezone.now()
    dha, ctg = district_office("DHA"), district_office("CTG")
    late = [GrievanceFactory(office=dha) for _ in range(2)] + [GrievanceFactory(office=ctg)]
    GrievanceFactory(office=dha)  # not yet due
    Grievance.objects.filter(pk__in=[g.pk for g in late]).update(
        first_response_due_at=now - timedelta(days=3)
    )
    figures = scrape(client)
    overdue = figures["shunani_grievances_overdue"]
    assert overdue == {(("office", dha.code),): 2, (("office", ctg.code),): 1}
    expected = Grievance.objects.overdue().count()
    assert sum(overdue.values()) == expected == 3


@pytest.mark.django_db
def test_queue_length_per_queue_read_from_the_broker(client, metrics_token, monkeypatch):
    monkeypatch.setattr(current_app.conf, "broker_url", settings.REDIS_URL)
    redis = Redis.from_url(settings.REDIS_URL)
    try:
        redis.lpush("replies", "m1", "m2", "m3")
        redis.lpush("webhooks\x06\x163", "high priority")
        figures = scrape(client)
    finally:
        redis.delete("replies", "webhooks\x06\x163")
    depth = figures["shunani_celery_queue_length"]
    assert depth[(("queue", "replies"),)] == 3
    assert depth[(("queue", "webhooks"),)] == 1
    assert depth[(("queue", "notifications"),)] == 0
    assert set(depth) == {
        (("queue", q),)
        for q in ("webhooks", "facebook_sync", "replies", "notifications", "housekeeping")
    }


@pytest.mark.django_db
def test_task_outcomes_per_queue(client, metrics_token):
    personal_data_erase_task.delay()  # eager: runs here, succeeds, on the housekeeping queue
    task = current_app.tasks["grievances.tasks.reply_deliver_task"]
    task_failure.send(sender=task, task_id="t1", exception=RuntimeError("x"))
    figures = scrape(client)
    tasks = figures["shunani_celery_tasks_total"]
    assert tasks[(("outcome", "succeeded"), ("queue", "housekeeping"))] == 1
    assert tasks[(("outcome", "failed"), ("queue", "replies"))] == 1
    assert tasks[(("outcome", "failed"), ("queue", "housekeeping"))] == 0
    assert task_metrics.task_outcomes()[("replies", "failed")] == 1


@pytest.mark.django_db
def test_request_latency_is_labelled_by_route_not_path(client, metrics_token, office):
    grievance = GrievanceFactory(office=office)
    client.get(f"/track/{grievance.tracking_code}/")
    client.get("/no-such-page/abc123/")
    figures = scrape(client)
    counts = figures["shunani_http_request_duration_seconds_count"]
    routes = {dict(key)["route"] for key in counts}
    assert "grievances:track" in routes
    assert "unresolved" in routes
    assert not any(grievance.tracking_code in route for route in routes)
    assert not any("no-such-page" in route for route in routes)


@pytest.mark.django_db
def test_dashboard_summary_age_from_a_registered_source(client, metrics_token, monkeypatch):
    assert "shunani_dashboard_summary_age_seconds" not in scrape(client)
    computed = timezone.now() - timedelta(minutes=20)
    monkeypatch.setattr(ops_metrics, "_summary_age_sources", [])
    ops_metrics.summary_age_source_register(lambda: computed)
    age = scrape(client)["shunani_dashboard_summary_age_seconds"][()]
    assert 20 * 60 <= age < 21 * 60
    ops_metrics.summary_age_source_register(lambda: None)  # never computed
    assert scrape(client)["shunani_dashboard_summary_age_seconds"][()] == float("inf")


@pytest.mark.django_db
def test_dashboard_summary_age_from_the_setting(client, metrics_token, settings):
    settings.METRICS_SUMMARY_AGE_SOURCE = "tests.ops.test_metrics.summary_ten_minutes_ago"
    age = scrape(client)["shunani_dashboard_summary_age_seconds"][()]
    assert 590 <= age < 660


def summary_ten_minutes_ago():
    return timezone.now() - timedelta(minutes=10)


@pytest.mark.django_db
def test_the_outbox_counts_can_use_small_partial_indexes():
    """Only unsent rows are read: with sequential scans off, the planner finds an index."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for table, where, index in (
            ("grievances_reply", "NOT (state = 'sent')", "ops_reply_unsent"),
            ("notifications_notification", "NOT (state = 'sent')", "ops_notification_unsent"),
            ("facebook_facebookprivatereply", "NOT (state = 'sent')", "ops_fbprivate_unsent"),
            ("facebook_webhookdelivery", "parked_at IS NOT NULL", "ops_fbwebhook_parked"),
        ):
            cursor.execute(f"EXPLAIN SELECT count(*) FROM {table} WHERE {where}")  # noqa: S608
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert index in plan, plan
