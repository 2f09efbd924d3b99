"""The one place a grievance's status changes: checked against grievances/workflow.py,
under the row lock, with a STATUS_CHANGED event."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ApplicationError
from grievances.models import (
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
)
from grievances.services._common import _event, _lock
from grievances.workflow import can_transition

Kind = GrievanceEvent.Kind
S = GrievanceStatus


# --- the one place a status changes -----------------------------------------------------------


@transaction.atomic
def grievance_change_status(
    *,
    grievance: Grievance,
    to: str,
    actor: User | None,
    note: str = "",
    is_public: bool = True,
    updates: dict[str, Any] | None = None,
    event_data: dict[str, Any] | None = None,
) -> Grievance:
    """Move `grievance` to `to` if the workflow allows it, with other fields in the same save."""
    return change_status_locked(
        grievance=_lock(grievance),
        to=to,
        actor=actor,
        note=note,
        is_public=is_public,
        updates=updates,
        event_data=event_data,
    )


def change_status_locked(
    *,
    grievance: Grievance,
    to: str,
    actor: User | None,
    note: str = "",
    is_public: bool = True,
    updates: dict[str, Any] | None = None,
    event_data: dict[str, Any] | None = None,
) -> Grievance:
    """`grievance_change_status` for a service that already holds the row lock (from `_lock`,
    in its transaction): the row is not locked and re-read a second time."""
    from_status = grievance.status
    if not can_transition(from_status, to):
        raise ApplicationError(
            _("A grievance cannot move from “%(from)s” to “%(to)s”.")
            % {"from": S(from_status).label, "to": S(to).label},
            extra={"from": from_status, "to": to},
        )

    now = timezone.now()
    grievance.status = to
    for field, value in (updates or {}).items():
        setattr(grievance, field, value)
    grievance.last_activity_at = now
    grievance.full_clean()
    grievance.save(
        update_fields=["status", "last_activity_at", "updated_at", *(updates or {}).keys()]
    )
    _event(
        grievance,
        Kind.STATUS_CHANGED,
        actor,
        from_status=from_status,
        to_status=to,
        note=note,
        is_public=is_public,
        data=event_data or {},
    )
    return grievance
