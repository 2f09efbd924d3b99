"""The grievance life cycle and a reply's delivery: the only place that says which status (or
reply state) may follow which.

Services enforce them (`grievance_change_status`; every reply state change in
`grievances/services/replies.py`); templates and APIs use `next_statuses` to decide which
actions to offer. Transfers, assignments and appeals are not statuses: they are services that
may also change the status through this table.
"""

from datetime import datetime, timedelta
from typing import Final

from django.conf import settings

from core.calendar import working_days_between
from grievances.models import GrievanceStatus as S
from grievances.models import ReplyState as R

ALLOWED_TRANSITIONS: Final[dict[S, frozenset[S]]] = {
    S.NEW: frozenset({S.ACCEPTED, S.NOT_GRIEVANCE, S.DUPLICATE}),
    # An accepted grievance can be answered at once (e.g. information provided) without
    # being assigned first.
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.RESOLVED, S.NOT_GRIEVANCE, S.DUPLICATE}),
    S.IN_PROGRESS: frozenset({S.RESOLVED, S.DUPLICATE}),
    # IN_PROGRESS again: the citizen said "not fixed" (reopen) or appealed to the next tier.
    # CLOSED: the citizen confirmed the fix, or their time to answer is up (see
    # `office_may_close`: no officer takes that time away from them).
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    # A grievance set aside by mistake can be taken back: nothing a citizen sent is lost.
    S.NOT_GRIEVANCE: frozenset({S.ACCEPTED}),
    S.DUPLICATE: frozenset(),
}


def may_undo_set_aside(*, status: str, set_aside: bool) -> bool:
    """The one move outside the table: a comment the classifier set aside (and no officer has
    decided on since) goes back to NEW, as it arrived, when an officer undoes it
    (grievances/services/triage.py)."""
    return set_aside and status == S.NOT_GRIEVANCE


def can_transition(current: str, target: str) -> bool:
    return S(target) in ALLOWED_TRANSITIONS[S(current)]


def next_statuses(current: str) -> list[S]:
    """For templates and APIs: which status changes to offer, in life-cycle order."""
    order = list(S)
    return sorted(ALLOWED_TRANSITIONS[S(current)], key=order.index)


# A public reply's delivery (DESIGN.md §4: an outbox row first, delivered by a task).
REPLY_TRANSITIONS: Final[dict[R, frozenset[R]]] = {
    # SENDING: an attempt claimed it. SENT: a citizen-only reply, delivered once it is on the
    # tracking page. FAILED: it may not go at all (contact details, nowhere to post it...).
    R.QUEUED: frozenset({R.SENDING, R.SENT, R.FAILED}),
    # QUEUED: Facebook refused the attempt before doing anything (throttled), so it waits.
    # Staying `sending` is not a change: a lost attempt is taken over by the next one.
    R.SENDING: frozenset({R.SENT, R.FAILED, R.QUEUED}),
    R.SENT: frozenset(),
    # QUEUED: an officer sends it again. SENT: an attempt whose answer came after another
    # attempt had given up; Facebook has the reply, so it is sent.
    R.FAILED: frozenset({R.QUEUED, R.SENT}),
}


# How long one attempt may hold `sending` before another may assume it died: longer than a
# delivery can take (a Facebook POST: FACEBOOK_GRAPH_TIMEOUT), shorter than the first retry.
SENDING_LEASE = timedelta(seconds=45)
# A queued task may start a moment before its countdown ends (two machines' clocks).
DUE_TOLERANCE = timedelta(seconds=5)


def reply_can_transition(current: str, target: str) -> bool:
    return R(target) in REPLY_TRANSITIONS[R(current)]


def citizen_time_to_answer_is_up(*, resolved_at: datetime | None, now: datetime) -> bool:
    """After the office's answer, the citizen has GRIEVANCE_CITIZEN_RESPONSE_DAYS working days
    to confirm, reopen or appeal (DESIGN.md §3.2). True once those days have all passed."""
    if resolved_at is None:
        return False
    return working_days_between(resolved_at, now) > settings.GRIEVANCE_CITIZEN_RESPONSE_DAYS


def office_may_close(
    *, status: str, resolved_at: datetime | None, may_manage: bool, now: datetime
) -> bool:
    """Whether someone in the office may close a grievance by hand (with a reason).

    Only the citizen's answer or the auto-close step closes a resolved grievance in the
    citizen's time; after it, the office's GRO or head may close it (e.g. before the sweep).
    """
    return (
        may_manage
        and can_transition(status, S.CLOSED)
        and citizen_time_to_answer_is_up(resolved_at=resolved_at, now=now)
    )
