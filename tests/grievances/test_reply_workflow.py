"""A reply's delivery states: which may follow which."""

import pytest

from grievances.models import ReplyState as R
from grievances.workflow import REPLY_TRANSITIONS, reply_can_transition

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
