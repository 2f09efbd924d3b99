"""Helpers every grievance service shares: the row lock, the gate's checks, the event."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation

from accounts.models import User
from core.calendar import add_working_days
from core.digits import to_bangla_digits
from grievances.access import access_for
from grievances.models import (
    Grievance,
    GrievanceEvent,
)
from grievances.services.notify import grievance_notify_citizen

# --- helpers ----------------------------------------------------------------------------------


def _lock(grievance: Grievance) -> Grievance:
    """Re-read under a row lock: two officers clicking at once must not both win."""
    return Grievance.objects.select_for_update().get(pk=grievance.pk)


def _ensure_may_act(actor: User | None, grievance: Grievance) -> None:
    """Defence in depth behind the selectors, asked of the gate. The system (actor None) acts.

    Call it on the locked row: a transfer that committed first has changed the office."""
    if actor is not None:
        access_for(actor, grievance).ensure_may_act()


def _ensure_may_manage(actor: User | None, grievance: Grievance) -> None:
    if actor is not None:
        access_for(actor, grievance).ensure_may_manage()


def _event(grievance: Grievance, kind: str, actor: User | None, **fields: Any) -> GrievanceEvent:
    """Record what happened. News for the citizen is queued (SMS/e-mail rows) in the same
    transaction, so it commits or rolls back with the event and no broker outage can lose it."""
    event = GrievanceEvent.objects.create(grievance=grievance, kind=kind, actor=actor, **fields)
    grievance_notify_citizen(event=event)
    return event


def _tier_deadline(tier: int, start: datetime) -> datetime:
    return add_working_days(start, settings.GRIEVANCE_TIER_DEADLINE_DAYS[tier])


def _active_digits(number: int) -> str:
    """A number in the digits of the active language (Bangla digits on Bangla pages)."""
    text = str(number)
    return to_bangla_digits(text) if (translation.get_language() or "bn").startswith("bn") else text
