"""Facebook replies and throttling: waits are honoured and never spent, and no reply collects
a pile of countdown tasks (graph-api.md §6.3, issue items 9 and 10).

The clock is ours to move, and the broker is a list: what would be queued, with its
countdown. "Running" the queue runs the real task for each entry that is due.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from celery import current_app
from django.core.cache import cache
from django.utils import timezone, translation

from grievances.models import Reply, ReplyState
from grievances.services import reply_retry
from grievances.tasks import reply_deliver_task, reply_sweep_task
from integrations.facebook.models import FacebookPage, FacebookPageState
from integrations.facebook.services import reply_deliver
from integrations.facebook.services.replies import MAX_ATTEMPTS
from integrations.facebook.services.sync import APP_PAUSE_KEY
from integrations.facebook.tasks import countdown_cap
from tests.integrations.facebook.conftest import PAGE_ID

pytestmark = pytest.mark.django_db
BODY = "আপনার অভিযোগটি বিদ্যুৎ বিভাগে পাঠানো হয়েছে।"
SWEEP = timedelta(minutes=5)  # longer than CELERY_BEAT_SCHEDULE["reply-sweep"]: the worst case


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _graph_over_http(settings, fake_server):
    settings.FACEBOOK_GRAPH_URL = f"{fake_server.base_url}/"
    settings.FACEBOOK_GRAPH_TIMEOUT = 1.0


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    """Our clock (timezone.now everywhere, auto_now included), moved by the test."""
    moving = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: moving.now)
    return moving


@dataclass
class Queued:
    reply_id: int
    countdown: float
    eta: datetime


class Broker:
    """What would be queued for `reply_deliver_task`, and a way to run what is due."""

    def __init__(self, clock: Clock, capture) -> None:
        self.clock, self.capture = clock, capture
        self.pending: list[Queued] = []
        self.countdowns: list[float] = []

    def apply_async(self, kwargs=None, countdown=None, **options) -> None:
        countdown = countdown or 0
        self.countdowns.append(countdown)
        eta = self.clock.now + timedelta(seconds=countdown)
        self.pending.append(Queued(kwargs["reply_id"], countdown, eta))

    def delay(self, **kwargs) -> None:
        self.apply_async(kwargs=kwargs)

    def pending_for(self, reply: Reply) -> list[Queued]:
        return [task for task in self.pending if task.reply_id == reply.pk]

    def run(self, work) -> None:
        """Run `work` as a worker would: its on-commit enqueues reach the broker."""
        with self.capture(execute=True):
            work()

    def run_due(self) -> None:
        due = [task for task in self.pending if task.eta <= self.clock.now]
        self.pending = [task for task in self.pending if task.eta > self.clock.now]
        for task in due:
            self.run(lambda task=task: reply_deliver_task.run(reply_id=task.reply_id))

    def sweep(self) -> None:
        self.run(reply_sweep_task.run)


@pytest.fixture
def broker(monkeypatch, clock, django_capture_on_commit_callbacks):
    fake = Broker(clock, django_capture_on_commit_callbacks)
    monkeypatch.setattr(reply_deliver_task, "apply_async", fake.apply_async)
    monkeypatch.setattr(reply_deliver_task, "delay", fake.delay)
    return fake


def make_reply(comment):
    return Reply.objects.create(grievance=comment.grievance, body=BODY, to_facebook=True)


def page_replies(fake_graph, comment):
    return [c for c in fake_graph.replies_by_page(PAGE_ID) if c.parent_id == comment.graph_id]


def test_a_page_rate_limit_is_waited_out_with_one_post_and_no_attempt_spent(
    comment, fake_graph, fake_server, fault, clock, broker
):
    # F11: the page is over its limit for an hour; every POST until then is refused.
    limit = fault("buc_limit", method="POST", path="comments", times=None, params={"minutes": 60})
    reply = make_reply(comment)
    started = clock.now

    broker.run(lambda: reply_deliver(reply=reply))
    for _ in range(9):  # 45 minutes of sweeps and of whatever was queued
        clock.advance(SWEEP)
        broker.run_due()
        broker.sweep()

    reply.refresh_from_db()
    assert limit.fired == 1  # one POST, not one per sweep
    assert (reply.state, reply.attempts) == (ReplyState.QUEUED, 0)
    assert reply.next_attempt_at >= started + timedelta(minutes=60)
    page = FacebookPage.objects.get(page_id=PAGE_ID)
    assert page.state == FacebookPageState.PAUSED  # every call with the page's token waits

    fake_server.state.faults.remove(limit)  # the hour is over
    for _ in range(4):
        clock.advance(SWEEP)
        broker.run_due()
        broker.sweep()
    broker.run_due()

    reply.refresh_from_db()
    assert reply.state == ReplyState.SENT
    assert [p.message for p in page_replies(fake_graph, comment)] == [BODY]


def test_a_reply_on_a_page_paused_by_throttling_waits_for_the_pause(
    comment, fake_graph, clock, broker
):
    until = clock.now + timedelta(minutes=30)
    FacebookPage.objects.filter(page_id=PAGE_ID).update(
        state=FacebookPageState.PAUSED, paused_until=until
    )
    reply = make_reply(comment)

    broker.run(lambda: reply_deliver(reply=reply))

    reply.refresh_from_db()
    assert page_replies(fake_graph, comment) == []
    assert (reply.state, reply.attempts, reply.next_attempt_at) == (ReplyState.QUEUED, 0, until)
    assert [task.eta for task in broker.pending_for(reply)] == [until]


def test_a_reply_waits_while_the_whole_app_is_throttled(comment, fake_graph, clock, broker):
    until = clock.now + timedelta(minutes=10)
    cache.set(APP_PAUSE_KEY, until, timeout=600)
    reply = make_reply(comment)

    broker.run(lambda: reply_deliver(reply=reply))
    broker.sweep()

    reply.refresh_from_db()
    assert page_replies(fake_graph, comment) == []
    assert (reply.state, reply.attempts, reply.next_attempt_at) == (ReplyState.QUEUED, 0, until)
    assert len(broker.pending_for(reply)) == 1


def test_an_app_rate_limit_pauses_the_app_and_keeps_the_attempt(
    comment, fake_graph, fault, clock, broker
):
    fault("app_limit", method="POST", path="comments")
    reply = make_reply(comment)

    broker.run(lambda: reply_deliver(reply=reply))

    reply.refresh_from_db()
    assert (reply.state, reply.attempts) == (ReplyState.QUEUED, 0)
    assert cache.get(APP_PAUSE_KEY) > clock.now
    assert reply.next_attempt_at > clock.now


def test_after_a_policy_block_and_an_hour_of_sweeps_at_most_one_task_waits_within_the_cap(
    comment, fake_graph, fault, clock, broker
):
    block = fault("policy_block", method="POST", path="comments", times=None)
    reply = make_reply(comment)
    cap = countdown_cap()

    broker.run(lambda: reply_deliver(reply=reply))
    for _ in range(12):  # an hour of sweeps
        clock.advance(SWEEP)
        broker.run_due()
        broker.sweep()
        assert len(broker.pending_for(reply)) <= 1

    assert all(countdown <= cap for countdown in broker.countdowns)
    assert block.fired == 1
    reply.refresh_from_db()
    assert (reply.state, reply.attempts) == (ReplyState.QUEUED, 0)
    page = FacebookPage.objects.get(page_id=PAGE_ID)
    assert reply.next_attempt_at == page.writes_paused_until > clock.now


def test_when_the_block_ends_the_sweeper_sends_the_reply(
    comment, fake_graph, fake_server, fault, clock, broker
):
    block = fault("policy_block", method="POST", path="comments", times=None)
    reply = make_reply(comment)
    broker.run(lambda: reply_deliver(reply=reply))
    fake_server.state.faults.remove(block)

    clock.advance(timedelta(hours=6, minutes=5))
    broker.run_due()
    broker.sweep()
    broker.run_due()

    reply.refresh_from_db()
    assert reply.state == ReplyState.SENT
    assert len(page_replies(fake_graph, comment)) == 1


def test_the_countdown_cap_stays_under_the_brokers_visibility_timeout():
    visibility = current_app.conf.broker_transport_options["visibility_timeout"]

    assert 0 < countdown_cap() < visibility


def test_a_queued_task_arriving_early_does_nothing(comment, fake_graph, clock, broker):
    reply = make_reply(comment)
    Reply.objects.filter(pk=reply.pk).update(next_attempt_at=clock.now + timedelta(minutes=20))

    broker.run(lambda: reply_deliver(reply=reply))

    reply.refresh_from_db()
    assert (reply.state, reply.attempts) == (ReplyState.QUEUED, 0)
    assert page_replies(fake_graph, comment) == []
    assert broker.pending == []


def test_try_again_gives_a_failed_reply_a_fresh_set_of_attempts(
    comment, fake_graph, gro, clock, broker
):
    reply = make_reply(comment)
    Reply.objects.filter(pk=reply.pk).update(
        state=ReplyState.FAILED, attempts=MAX_ATTEMPTS, last_error="unreachable"
    )

    broker.run(lambda: reply_retry(reply=reply, actor=gro))
    reply_deliver(reply=reply)

    reply.refresh_from_db()
    assert (reply.state, reply.attempts) == (ReplyState.SENT, 1)
    assert [p.message for p in page_replies(fake_graph, comment)] == [BODY]


@pytest.mark.parametrize(
    "pause",
    [
        {"writes_paused_until": timedelta(hours=3)},
        {"state": FacebookPageState.PAUSED, "paused_until": timedelta(minutes=40)},
    ],
    ids=["blocked-368", "throttled"],
)
def test_the_sweeper_leaves_replies_on_a_paused_page_alone(comment, clock, broker, pause):
    reply = make_reply(comment)
    Reply.objects.filter(pk=reply.pk).update(updated_at=clock.now - timedelta(hours=1))
    FacebookPage.objects.filter(page_id=PAGE_ID).update(
        **{k: clock.now + v if isinstance(v, timedelta) else v for k, v in pause.items()}
    )

    broker.sweep()

    assert broker.pending == []
