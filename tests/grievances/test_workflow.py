import pytest

from grievances.models import GrievanceStatus as S
from grievances.workflow import ALLOWED_TRANSITIONS, can_transition, next_statuses

ALLOWED = {
    (S.NEW, S.ACCEPTED),
    (S.NEW, S.NOT_GRIEVANCE),
    (S.NEW, S.DUPLICATE),
    (S.ACCEPTED, S.IN_PROGRESS),
    (S.ACCEPTED, S.RESOLVED),
    (S.ACCEPTED, S.NOT_GRIEVANCE),
    (S.ACCEPTED, S.DUPLICATE),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.IN_PROGRESS, S.DUPLICATE),
    (S.RESOLVED, S.CLOSED),
    (S.RESOLVED, S.IN_PROGRESS),
    (S.NOT_GRIEVANCE, S.ACCEPTED),
}


def test_every_status_has_a_row():
    assert set(ALLOWED_TRANSITIONS) == set(S)


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_can_transition(current, target):
    assert can_transition(current, target) is ((current, target) in ALLOWED)


def test_closed_and_duplicate_are_final():
    assert next_statuses(S.CLOSED) == []
    assert next_statuses(S.DUPLICATE) == []


def test_next_statuses_follow_the_life_cycle_order():
    assert next_statuses(S.NEW) == [S.ACCEPTED, S.NOT_GRIEVANCE, S.DUPLICATE]
