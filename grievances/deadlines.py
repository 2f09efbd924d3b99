"""Where a grievance stands against its current deadline, for a row or a page: overdue (by how
many working days), due soon, or on time. Overdue itself is defined once, in
`GrievanceQuerySet.overdue` / `Grievance.is_overdue_at`; this module only measures it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

from core.calendar import calendar_days_holding, dhaka_date, holidays_between, working_days_between
from grievances.models import Grievance

OVERDUE = "overdue"
DUE_SOON = "due_soon"
ON_TIME = "on_time"
CLOSED = "closed"  # no deadline runs: resolved, closed, not a grievance, duplicate


@dataclass(frozen=True, slots=True)
class DeadlineState:
    state: str  # OVERDUE, DUE_SOON, ON_TIME or CLOSED
    deadline: datetime
    overdue_by_working_days: int = 0  # 0 while overdue: past the deadline on a day off

    @property
    def is_overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def is_due_soon(self) -> bool:
        return self.state == DUE_SOON


def deadline_state(
    grievance: Grievance,
    *,
    now: datetime,
    due_soon_until: datetime | None = None,
    holidays: set[date] | None = None,
) -> DeadlineState:
    """`due_soon_until` is `grievances.inbox.due_soon_cutoff(now)` (looked up here, only for
    a deadline that may be near, if not given); `holidays` (covering the deadline to `now`)
    saves a query per grievance."""
    deadline = grievance.current_deadline
    if not grievance.is_open:
        return DeadlineState(CLOSED, deadline)
    if grievance.is_overdue_at(now):
        days = working_days_between(deadline, now, holidays)
        return DeadlineState(OVERDUE, deadline, overdue_by_working_days=days)
    if due_soon_until is None:
        if deadline > now + timedelta(days=calendar_days_holding(settings.GRIEVANCE_DUE_SOON_DAYS)):
            return DeadlineState(ON_TIME, deadline)  # past any due-soon cut-off: no query
        from grievances.inbox import due_soon_cutoff

        due_soon_until = due_soon_cutoff(now)
    if deadline <= due_soon_until:
        return DeadlineState(DUE_SOON, deadline)
    return DeadlineState(ON_TIME, deadline)


def overdue_by_working_days(grievance: Grievance, *, now: datetime) -> int:
    """Working days since the current deadline passed; 0 if it has not (or is not running)."""
    if not grievance.is_overdue_at(now):
        return 0
    return working_days_between(grievance.current_deadline, now)


def label_deadlines(
    grievances: Iterable[Grievance], *, now: datetime, due_soon_until: datetime
) -> None:
    """Set `.deadline` (a `DeadlineState`) on each grievance, reading the holidays once."""
    rows = list(grievances)
    past = [g.current_deadline for g in rows if g.is_overdue_at(now)]
    holidays = holidays_between(dhaka_date(min(past)), dhaka_date(now)) if past else set()
    for grievance in rows:
        grievance.deadline = deadline_state(  # type: ignore[attr-defined]
            grievance, now=now, due_soon_until=due_soon_until, holidays=holidays
        )
