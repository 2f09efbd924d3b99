"""Redis or the broker down: citizens still file and track, officers still act, nothing is lost.

Real clients against a closed port, not mocks: the cache (Redis) at 127.0.0.1:1, and Celery
publishing (not eager) to a Redis broker at 127.0.0.1:1.
"""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from grievances.models import Grievance, Reply, ReplyState
from grievances.services import reply_create
from grievances.tasks import reply_sweep_task
from integrations.notifications.models import Notification, NotificationState
from integrations.notifications.tasks import notification_sweep_task
from tests.grievances.citizen_files import private_link, valid_form
from tests.grievances.factories import GrievanceFactory

pytestmark = pytest.mark.django_db
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }


def _reset_broker_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch) -> Iterator[None]:
    """Tasks are published for real (not run eagerly) to a broker nobody listens on."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", CLOSED_PORT)
    _reset_broker_pools()
    yield
    _reset_broker_pools()


@pytest.fixture
def grievance(office):
    return GrievanceFactory(
        office=office, citizen_phone="+8801712345678", citizen_email="rahim@example.com"
    )


def _file(client, **fields):
    return client.post("/grievances/new/", valid_form(**fields))


# --- Redis (the cache) down ------------------------------------------------------------------


def test_with_redis_down_a_citizen_files_and_sees_the_code_and_key(client, redis_down):
    response = _file(client, citizen_phone="01712345678")

    assert response.status_code == 302
    grievance = Grievance.objects.get()
    link = private_link(client.get(response["Location"]).content.decode())
    assert link.startswith(f"/track/{grievance.tracking_code}/?key=")


def test_with_redis_down_the_private_page_opens(client, redis_down):
    link = private_link(client.get(_file(client)["Location"]).content.decode())

    response = client.get(link)

    assert response.status_code == 200
    assert response.context["private"] is True


def test_with_redis_down_an_officer_opens_the_inbox(client, officer, grievance, redis_down):
    client.force_login(officer)

    response = client.get(reverse("grievances:officer-inbox") + "?tab=due_soon")

    assert response.status_code == 200


# --- the broker down -------------------------------------------------------------------------


def test_with_the_broker_down_an_officer_reply_is_kept_and_answered_with_a_redirect(
    client, officer, grievance, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grievances:officer-reply", args=[grievance.pk]),
            {"body": "আমরা বিষয়টি দেখছি", "send": "1"},
        )

    assert response.status_code == 302
    assert Reply.objects.get().state == ReplyState.QUEUED  # the sweeper delivers it
    # The citizen's news is in the outbox already, written with the reply's event.
    assert set(Notification.objects.values_list("channel", "state")) == {
        ("sms", NotificationState.QUEUED),
        ("email", NotificationState.QUEUED),
    }


def test_with_the_broker_down_a_citizen_with_a_phone_sees_the_code_and_key(
    client, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _file(client, citizen_phone="01712345678")

    assert response.status_code == 302
    grievance = Grievance.objects.get()
    link = private_link(client.get(response["Location"]).content.decode())
    assert link.startswith(f"/track/{grievance.tracking_code}/?key=")
    sms = Notification.objects.get()
    assert (sms.recipient, sms.state) == ("+8801712345678", NotificationState.QUEUED)


# --- the sweepers deliver what the broker lost -----------------------------------------------


def _age(queryset, minutes: int) -> None:
    moment = timezone.now() - timedelta(minutes=minutes)
    queryset.update(created_at=moment, updated_at=moment)


def test_the_reply_sweeper_delivers_a_citizen_only_reply_whose_task_was_lost(grievance, officer):
    # on_commit never runs here: the delivery task is "lost"
    reply = reply_create(grievance=grievance, author=officer, body="উত্তর", to_facebook=False)
    fresh = reply_create(grievance=grievance, author=officer, body="আরেকটি", to_facebook=False)
    _age(Reply.objects.filter(pk=reply.pk), minutes=10)

    swept = reply_sweep_task()

    assert swept == 1
    reply.refresh_from_db()
    fresh.refresh_from_db()
    assert reply.state == ReplyState.SENT
    assert fresh.state == ReplyState.QUEUED  # its own task may still be on the way


def test_the_notification_sweeper_delivers_a_message_whose_task_was_lost(grievance, officer):
    reply_create(grievance=grievance, author=officer, body="উত্তর", to_facebook=False)
    _age(Notification.objects.all(), minutes=60)

    notification_sweep_task()

    assert set(Notification.objects.values_list("state", flat=True)) == {NotificationState.SENT}
