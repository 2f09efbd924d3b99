"""Resolution and after: resolve, close, reopen, appeal."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ApplicationError
from grievances.models import (
    Grievance,
    GrievanceEvent,
    GrievanceOutcome,
    GrievanceStatus,
    GrievanceTier,
    StaffNotificationKind,
)
from grievances.services._common import (
    _active_digits,
    _ensure_may_act,
    _ensure_may_manage,
    _event,
    _lock,
    _tier_deadline,
)
from grievances.services.staff import staff_notify
from grievances.services.status import change_status_locked
from grievances.workflow import citizen_time_to_answer_is_up, office_may_close

Kind = GrievanceEvent.Kind
S = GrievanceStatus


# --- resolution and after --------------------------------------------------------------------


@transaction.atomic
def grievance_resolve(
    *,
    grievance: Grievance,
    actor: User | None,
    outcome: str,
    note: str,
    referred_to: str = "",
) -> Grievance:
    """Publish the office's answer. An outcome is required; a referral names where it went."""
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance)
    if outcome not in GrievanceOutcome.values:
        raise ApplicationError(_("Choose the outcome."))
    if outcome == GrievanceOutcome.REFERRED and not referred_to.strip():
        raise ApplicationError(
            _("A referred grievance must name the office or body it was referred to."),
            extra={"field": "referred_to"},
        )
    if not note.strip():
        raise ApplicationError(_("Write the answer the citizen will see."))
    now = timezone.now()
    return change_status_locked(
        grievance=grievance,
        to=S.RESOLVED,
        actor=actor,
        note=note.strip(),
        updates={
            "outcome": outcome,
            "outcome_note": note.strip(),
            "referred_to": referred_to.strip(),
            "resolved_at": now,
            "last_public_update_at": now,
        },
    )


@transaction.atomic
def grievance_close(*, grievance: Grievance, actor: User | None, note: str = "") -> Grievance:
    """Final. The citizen confirmed the fix or the auto-close step found their time up (actor
    None); or the office's GRO or head closes it after the citizen's time, saying why."""
    grievance = _lock(grievance)
    if actor is not None:
        _ensure_may_manage(actor, grievance)
        if grievance.status == S.RESOLVED and not office_may_close(
            status=grievance.status,
            resolved_at=grievance.resolved_at,
            may_manage=True,
            now=timezone.now(),
        ):
            raise ApplicationError(
                _(
                    "The citizen has %(days)s working days to confirm, reopen or appeal. "
                    "Until then only the citizen's answer can close this grievance."
                )
                % {"days": _active_digits(settings.GRIEVANCE_CITIZEN_RESPONSE_DAYS)}
            )
        if not note.strip():
            raise ApplicationError(_("Say why the office is closing the grievance."))
    return change_status_locked(
        grievance=grievance,
        to=S.CLOSED,
        actor=actor,
        note=note.strip(),
        updates={"closed_at": timezone.now()},
        event_data={"closed_by": "office"} if actor is not None else None,
    )


def _ensure_citizen_may_still_answer(grievance: Grievance) -> None:
    if grievance.status != S.RESOLVED or grievance.resolved_at is None:
        raise ApplicationError(_("Only a resolved grievance can be reopened or appealed."))
    if citizen_time_to_answer_is_up(resolved_at=grievance.resolved_at, now=timezone.now()):
        raise ApplicationError(
            _("The time to reopen or appeal this grievance (%(days)s working days) has passed.")
            % {"days": settings.GRIEVANCE_CITIZEN_RESPONSE_DAYS}
        )


def _cleared_resolution() -> dict[str, Any]:
    return {"outcome": "", "outcome_note": "", "referred_to": "", "resolved_at": None}


@transaction.atomic
def grievance_reopen(*, grievance: Grievance, actor: User | None, note: str) -> Grievance:
    """The citizen (actor None) or the office says it was not fixed: back to work, same tier."""
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance)
    _ensure_citizen_may_still_answer(grievance)
    previous = {"outcome": grievance.outcome, "outcome_note": grievance.outcome_note}
    grievance = change_status_locked(
        grievance=grievance,
        to=S.IN_PROGRESS,
        actor=actor,
        note=note,
        updates={
            **_cleared_resolution(),
            "due_at": _tier_deadline(grievance.tier, timezone.now()),
            "escalation_level": 0,
        },
        event_data={"reopened": True, "previous": previous},
    )
    reopened = grievance.events.order_by("-pk").values_list("pk", flat=True).first()
    staff_notify(
        grievance=grievance,
        kind=StaffNotificationKind.REOPENED,
        key=f"{grievance.pk}:{reopened}",
        actor=actor,
    )
    return grievance


@transaction.atomic
def grievance_appeal(*, grievance: Grievance, actor: User | None, reason: str) -> Grievance:
    """Tier 2: the appeal officer's office (the parent office) takes it, with a new deadline."""
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance)
    _ensure_citizen_may_still_answer(grievance)
    if grievance.tier != GrievanceTier.OFFICE:
        raise ApplicationError(_("This grievance has already been appealed."))
    parent = grievance.office.parent
    if parent is None:
        raise ApplicationError(_("This office has no appeal office."))
    if not reason.strip():
        raise ApplicationError(_("Say why you are appealing."))

    from_office = grievance.office
    now = timezone.now()
    grievance = change_status_locked(
        grievance=grievance,
        to=S.IN_PROGRESS,
        actor=actor,
        note=reason.strip(),
        updates={
            **_cleared_resolution(),
            "tier": GrievanceTier.APPEAL,
            "office": parent,
            "assigned_to": None,
            "due_at": _tier_deadline(GrievanceTier.APPEAL, now),
            "escalation_level": 0,
        },
    )
    _event(
        grievance,
        Kind.APPEALED,
        actor,
        from_office=from_office,
        to_office=parent,
        note=reason.strip(),
        is_public=True,
        data={"tier": GrievanceTier.APPEAL},
    )
    # Appealed once only (tier 1 to 2): the grievance is the key.
    staff_notify(
        grievance=grievance, kind=StaffNotificationKind.APPEALED, key=str(grievance.pk), actor=actor
    )
    return grievance
