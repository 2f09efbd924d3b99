"""The grievance life cycle. The only place that says which status may follow which.

Services enforce it (`grievance_change_status`); templates and APIs use `next_statuses` to
decide which actions to offer. Transfers, assignments and appeals are not statuses: they are
services that may also change the status through this table.
"""

from typing import Final

from grievances.models import GrievanceStatus as S

ALLOWED_TRANSITIONS: Final[dict[S, frozenset[S]]] = {
    S.NEW: frozenset({S.ACCEPTED, S.NOT_GRIEVANCE, S.DUPLICATE}),
    # An accepted grievance can be answered at once (e.g. information provided) without
    # being assigned first.
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.RESOLVED, S.NOT_GRIEVANCE, S.DUPLICATE}),
    S.IN_PROGRESS: frozenset({S.RESOLVED, S.DUPLICATE}),
    # IN_PROGRESS again: the citizen said "not fixed" (reopen) or appealed to the next tier.
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    # A grievance set aside by mistake can be taken back: nothing a citizen sent is lost.
    S.NOT_GRIEVANCE: frozenset({S.ACCEPTED}),
    S.DUPLICATE: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return S(target) in ALLOWED_TRANSITIONS[S(current)]


def next_statuses(current: str) -> list[S]:
    """For templates and APIs: which status changes to offer, in life-cycle order."""
    order = list(S)
    return sorted(ALLOWED_TRANSITIONS[S(current)], key=order.index)
