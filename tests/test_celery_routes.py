"""Every task runs on the queue of its workload (config/celery.py), and compose consumes each."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
import yaml

from config.celery import QUEUES, TASK_QUEUES, app

ROOT = Path(__file__).resolve().parent.parent


def _project_tasks() -> list[str]:
    app.loader.import_default_modules()  # every <app>/tasks.py, as a worker imports them
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def _queue_of(task_name: str) -> str:
    return str(app.amqp.router.route({}, task_name)["queue"].name)


def test_every_task_in_the_project_has_a_route():
    tasks = _project_tasks()

    assert len(tasks) >= 13
    assert [name for name in tasks if name not in TASK_QUEUES] == []


def test_every_route_names_an_existing_task_and_queue():
    tasks = set(_project_tasks())

    assert sorted(set(TASK_QUEUES) - tasks) == []
    assert set(TASK_QUEUES.values()) == set(QUEUES)


@pytest.mark.parametrize("task_name", sorted(TASK_QUEUES))
def test_a_task_is_sent_to_its_queue(task_name):
    assert _queue_of(task_name) == TASK_QUEUES[task_name]


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("integrations.facebook.tasks.facebook_webhook_process_task", "webhooks"),
        ("integrations.facebook.tasks.facebook_page_sync_task", "facebook_sync"),
        ("grievances.tasks.reply_deliver_task", "replies"),
        ("integrations.facebook.tasks.facebook_reply_deliver_task", "replies"),
        ("integrations.notifications.tasks.notification_send_task", "notifications"),
        ("grievances.tasks.grievance_deadline_sweep_task", "housekeeping"),
    ],
)
def test_webhooks_sync_replies_and_notifications_do_not_share_a_queue(task_name, queue):
    assert _queue_of(task_name) == queue


def test_beat_schedules_only_routed_tasks():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}

    assert sorted(scheduled - set(TASK_QUEUES)) == []


def test_a_worker_without_q_consumes_every_queue():
    assert sorted(q.name for q in app.amqp.queues.consume_from.values()) == sorted(QUEUES)


def test_compose_runs_one_worker_per_queue():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    consumed: list[str] = []
    for service in services.values():
        argv = (
            shlex.split(service.get("command", ""))
            if isinstance(service.get("command"), str)
            else []
        )
        if argv[:4] == ["celery", "-A", "config", "worker"]:
            assert "-Q" in argv, "every compose worker names its queue"
            consumed += argv[argv.index("-Q") + 1].split(",")

    assert sorted(consumed) == sorted(QUEUES)


def test_make_run_runs_one_worker_on_every_queue():
    procfile = (ROOT / "Procfile.dev").read_text().splitlines()
    workers = [line for line in procfile if " worker" in line and line.startswith("worker:")]

    assert len(workers) == 1
    assert "-Q" not in shlex.split(workers[0].split(":", 1)[1])


@pytest.fixture
def redis_broker(settings):
    """A real Redis broker (this run's REDIS_URL) for a few messages, cleaned before and after."""
    import redis
    from kombu import Connection

    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = f"test-routes-{os.getpid()}:"

    def clean() -> None:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)

    clean()
    with Connection(settings.REDIS_URL, transport_options={"global_keyprefix": prefix}) as conn:
        for queue in app.amqp.queues.values():
            queue(conn.default_channel).declare()
        yield conn, client, prefix
    clean()


@pytest.mark.parametrize("task_name", sorted(TASK_QUEUES))
def test_a_message_lands_in_its_own_queue_and_no_other(redis_broker, task_name):
    conn, client, prefix = redis_broker

    app.send_task(task_name, kwargs={}, connection=conn)

    lengths = {queue: client.llen(f"{prefix}{queue}") for queue in QUEUES}
    assert lengths == {queue: int(queue == TASK_QUEUES[task_name]) for queue in QUEUES}


def test_each_queue_is_bound_by_its_own_exchange_and_key():
    bindings = {name: (q.exchange.name, q.routing_key) for name, q in app.amqp.queues.items()}

    assert bindings == {name: (name, name) for name in QUEUES}
