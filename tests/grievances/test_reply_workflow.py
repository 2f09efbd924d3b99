"""A reply's delivery states: the table, and the services that are the only writers of them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import ApplicationError
from grievances.models import Reply
from grievances.models import ReplyState as R
from grievances.services import (
    reply_claim,
    reply_defer,
    reply_lock_for_attempt,
    reply_mark_failed,
    reply_mark_sent,
    reply_requeue,
)
from grievances.workflow import REPLY_TRANSITIONS, SENDING_LEASE, reply_can_transition
from tests.grievances.factories import GrievanceFactory

ALLOWED = {
    (R.QUEUED, R.SENDING),
    (R.QUEUED, R.SENT),
    (R.QUEUED, R.FAILED),
    (R.SENDING, R.SENT),
    (R.SENDING, R.FAILED),
    (R.SENDING, R.QUEUED),
    (R.FAILED, R.QUEUED),
    (R.FAILED, R.SENT),
}


def test_every_reply_state_has_a_row():
    assert set(REPLY_TRANSITIONS) == set(R)


@pytest.mark.parametrize("current", list(R))
@pytest.mark.parametrize("target", list(R))
def test_reply_can_transition(current, target):
    assert reply_can_transition(current, target) is ((current, target) in ALLOWED)


@pytest.fixture
def reply(office):
    return Reply.objects.create(grievance=GrievanceFactory(office=office), body="উত্তর")


@pytest.mark.django_db
def test_a_sent_reply_cannot_be_failed_and_stays_sent(reply):
    reply_mark_sent(reply=reply, external_id="1_2")

    with pytest.raises(ApplicationError):
        reply_mark_failed(reply=reply, reason="too late")

    reply.refresh_from_db()
    assert (reply.state, reply.last_error) == (R.SENT, "")


@pytest.mark.django_db
def test_a_queued_reply_cannot_be_requeued(reply):
    with pytest.raises(ApplicationError):
        reply_requeue(reply=reply, until=timezone.now(), reason="throttled")

    reply.refresh_from_db()
    assert (reply.state, reply.next_attempt_at) == (R.QUEUED, None)


@pytest.mark.django_db
def test_a_claim_counts_the_attempt_and_sent_does_not_count_it_again(reply):
    reply_claim(reply=reply)
    reply_mark_sent(reply=reply, external_id="1_2")

    reply.refresh_from_db()
    assert (reply.state, reply.attempts, reply.external_id) == (R.SENT, 1, "1_2")


@pytest.mark.django_db
def test_a_claimed_reply_is_not_attempted_again_within_its_lease(reply):
    reply_claim(reply=reply)
    assert reply_lock_for_attempt(reply=reply) is None

    Reply.objects.filter(pk=reply.pk).update(updated_at=timezone.now() - SENDING_LEASE * 2)
    assert reply_lock_for_attempt(reply=reply) is not None


@pytest.mark.django_db
def test_a_deferred_reply_keeps_its_state_and_when_its_attempt_began(reply):
    reply = reply_claim(reply=reply)
    began = reply.updated_at
    until = timezone.now() + timedelta(hours=2)

    reply_defer(reply=reply, until=until, reason="throttled", give_back_attempt=True)

    reply.refresh_from_db()
    assert (reply.state, reply.updated_at, reply.attempts) == (R.SENDING, began, 0)
    assert (reply.next_attempt_at, reply.last_error) == (until, "throttled")
