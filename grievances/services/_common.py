"""Helpers every grievance service shares: the row lock, the access checks, the event."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.calendar import add_working_days
from core.digits import to_bangla_digits
from grievances.models import (
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
)
from grievances.services.notify import grievance_notify_citizen
from offices.models import Office
from offices.selectors import office_role_for_user, office_user_may_manage

Kind = GrievanceEvent.Kind
S = GrievanceStatus


# --- helpers ----------------------------------------------------------------------------------


def _lock(grievance: Grievance) -> Grievance:
    """Re-read under a row lock: two officers clicking at once must not both win."""
    return Grievance.objects.select_for_update().get(pk=grievance.pk)


def _ensure_may_act(actor: User | None, office: Office) -> None:
    """Defence in depth behind the selectors: members of the office act; national staff never."""
    if actor is None or actor.is_superuser:
        return
    if actor.is_national:
        raise PermissionDenied(_("National viewers can read but not change grievances."))
    if office_role_for_user(user=actor, office=office) is None:
        raise PermissionDenied(_("You do not work in this grievance's office."))


def _ensure_may_manage(actor: User | None, office: Office) -> None:
    _ensure_may_act(actor, office)
    if actor is not None and not office_user_may_manage(user=actor, office=office):
        raise PermissionDenied(_("Only the office's GRO or head may do this."))


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
