"""The office at work: triage, assign, transfer, categorise, priority, internal notes."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ApplicationError
from grievances.models import (
    Category,
    Grievance,
    GrievanceEvent,
    GrievancePriority,
    GrievanceStatus,
    NotGrievanceReason,
    StaffNotificationKind,
)
from grievances.services._common import (
    _ensure_may_act,
    _ensure_may_manage,
    _event,
    _lock,
    _tier_deadline,
)
from grievances.services.staff import staff_notify
from grievances.services.status import change_status_locked
from grievances.services.triage import record_decision
from offices.models import Office, OfficeMembership
from triage.models import Decision

Kind = GrievanceEvent.Kind
S = GrievanceStatus


# --- triage ----------------------------------------------------------------------------------


@transaction.atomic
def grievance_accept(*, grievance: Grievance, actor: User | None, note: str = "") -> Grievance:
    """It is a grievance: the tier's working-day clock starts now."""
    grievance = _lock(grievance)  # first the lock, then the check: a transfer may have won
    _ensure_may_act(actor, grievance)
    grievance = _accept_locked(grievance=grievance, actor=actor, note=note)
    record_decision(grievance, decision=Decision.ACCEPTED, actor=actor)
    return grievance


def _accept_locked(*, grievance: Grievance, actor: User | None, note: str = "") -> Grievance:
    now = timezone.now()
    return change_status_locked(
        grievance=grievance,
        to=S.ACCEPTED,
        actor=actor,
        note=note,
        updates={"accepted_at": now, "due_at": _tier_deadline(grievance.tier, now)},
    )


@transaction.atomic
def grievance_mark_not_grievance(
    *, grievance: Grievance, actor: User | None, reason: str, note: str = ""
) -> Grievance:
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance)
    if reason not in NotGrievanceReason.values:
        raise ApplicationError(_("Choose why this is not a grievance."))
    if reason == NotGrievanceReason.OTHER and not note.strip():
        raise ApplicationError(_("Say why this is not a grievance."))
    grievance = change_status_locked(
        grievance=grievance,
        to=S.NOT_GRIEVANCE,
        actor=actor,
        note=note,
        is_public=False,
        updates={"not_grievance_reason": reason},
    )
    record_decision(grievance, decision=Decision.NOT_GRIEVANCE, actor=actor, reason=reason)
    return grievance


@transaction.atomic
def grievance_mark_duplicate(
    *, grievance: Grievance, original: Grievance, actor: User | None, note: str = ""
) -> Grievance:
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance)
    while original.duplicate_of_id is not None:  # always link to the first one
        original = original.duplicate_of  # type: ignore[assignment]
    if original.pk == grievance.pk:
        raise ApplicationError(_("A grievance cannot duplicate itself."))
    return change_status_locked(
        grievance=grievance,
        to=S.DUPLICATE,
        actor=actor,
        note=note or original.tracking_code,
        updates={"duplicate_of": original},
    )


@transaction.atomic
def grievance_assign(*, grievance: Grievance, assignee: User, actor: User | None) -> Grievance:
    """Give the grievance to `assignee`. Officers may take work; GROs and heads give it."""
    grievance = _lock(grievance)
    if actor is not None and actor.pk != assignee.pk:
        _ensure_may_manage(actor, grievance)
    else:
        _ensure_may_act(actor, grievance)
    if not OfficeMembership.objects.filter(user=assignee, office_id=grievance.office_id).exists():
        raise ApplicationError(_("%(user)s does not work in this office.") % {"user": assignee})
    if not grievance.is_open:
        raise ApplicationError(_("Only an open grievance can be assigned."))

    if grievance.status == S.NEW:
        grievance = _accept_locked(grievance=grievance, actor=actor)
    if grievance.status == S.ACCEPTED:
        grievance = change_status_locked(
            grievance=grievance,
            to=S.IN_PROGRESS,
            actor=actor,
            updates={"assigned_to": assignee},
        )
    else:
        grievance.assigned_to = assignee
        grievance.last_activity_at = timezone.now()
        grievance.save(update_fields=["assigned_to", "last_activity_at", "updated_at"])
    event = _event(
        grievance, Kind.ASSIGNED, actor, data={"assignee_id": assignee.pk}, note=str(assignee)
    )
    staff_notify(
        grievance=grievance,
        kind=StaffNotificationKind.ASSIGNED,
        key=f"{grievance.pk}:{event.pk}",
        actor=actor,
        person=assignee,
    )
    return grievance


@transaction.atomic
def grievance_transfer(
    *, grievance: Grievance, to_office: Office, actor: User | None, reason: str
) -> Grievance:
    """Change the owner office. Status, tier and deadline stay; the event says what happened."""
    grievance = _lock(grievance)
    _ensure_may_manage(actor, grievance)
    if not reason.strip():
        raise ApplicationError(_("Say why the grievance is being transferred."))
    if to_office.pk == grievance.office_id:
        raise ApplicationError(_("The grievance is already with that office."))
    if not to_office.is_active:
        raise ApplicationError(_("That office is not active."))
    if not grievance.is_open:
        raise ApplicationError(_("Only an open grievance can be transferred."))

    from_office = grievance.office
    grievance.office = to_office
    grievance.assigned_to = None  # the new office decides who works on it
    grievance.escalation_level = 0
    grievance.last_activity_at = timezone.now()
    grievance.save(
        update_fields=[
            "office",
            "assigned_to",
            "escalation_level",
            "last_activity_at",
            "updated_at",
        ]
    )
    _event(
        grievance,
        Kind.TRANSFERRED,
        actor,
        from_office=from_office,
        to_office=to_office,
        note=reason.strip(),
        is_public=True,
    )
    return grievance


@transaction.atomic
def grievance_categorise(
    *, grievance: Grievance, category: Category, actor: User | None
) -> Grievance:
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance)
    previous = grievance.category
    grievance.category = category
    grievance.last_activity_at = timezone.now()
    grievance.save(update_fields=["category", "last_activity_at", "updated_at"])
    _event(
        grievance,
        Kind.CATEGORISED,
        actor,
        note=category.name_en,
        data={"from": previous.slug if previous else "", "to": category.slug},
    )
    record_decision(grievance, decision=Decision.CATEGORISED, actor=actor, category=category.slug)
    return grievance


@transaction.atomic
def grievance_set_priority(*, grievance: Grievance, priority: str, actor: User | None) -> Grievance:
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance)
    if priority not in GrievancePriority.values:
        raise ApplicationError(_("Unknown priority."))
    previous = grievance.priority
    grievance.priority = priority
    grievance.save(update_fields=["priority", "updated_at"])
    _event(grievance, Kind.PRIORITY_CHANGED, actor, data={"from": previous, "to": priority})
    return grievance


@transaction.atomic
def grievance_add_note(*, grievance: Grievance, actor: User, note: str) -> GrievanceEvent:
    """An internal note: officers and auditors see it, the citizen does not."""
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance)
    if not note.strip():
        raise ApplicationError(_("Write the note."))
    grievance.last_activity_at = timezone.now()
    grievance.save(update_fields=["last_activity_at", "updated_at"])
    return _event(grievance, Kind.NOTE, actor, note=note.strip())
