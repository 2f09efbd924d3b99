"""Queueing after commit survives a broker that is down: committed work is never an error."""

from collections.abc import Iterator

import pytest

from config.celery import app
from core.tasks import enqueue_after_commit
from integrations.notifications.tasks import notification_send_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch) -> Iterator[None]:
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    app._pool, app.amqp._producer_pool = None, None
    yield
    app._pool, app.amqp._producer_pool = None, None


def test_a_broker_error_after_commit_is_logged_not_raised(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_after_commit(notification_send_task, notification_id=1)

    assert len(callbacks) == 1
    assert "could not queue integrations.notifications.tasks.notification_send_task" in caplog.text


def test_the_task_is_queued_only_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    sent: list[dict[str, int]] = []
    monkeypatch.setattr(notification_send_task, "delay", lambda **kw: sent.append(kw))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_after_commit(notification_send_task, notification_id=7)
    assert sent == []
    callbacks[0]()

    assert sent == [{"notification_id": 7}]
