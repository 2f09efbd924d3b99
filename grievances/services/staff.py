"""Staff notifications: who is told when work arrives, and marking them read.

`staff_notify` is the one place that decides who hears of an event (the in-app notification
and its e-mail through the outbox, `grievances.escalation.staff_notification_create`). It runs
inside the caller's transaction, so the notice exists exactly when the event does. The
deadline sweep's own notices (due soon, escalated, ignored posts, interim updates) stay in
grievances/escalation.py.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from grievances.escalation import office_gros_or_heads, staff_notification_create
from grievances.models import Grievance, StaffNotification, StaffNotificationKind

N = StaffNotificationKind

# The grievance's own officer if it has one, else the office's GRO (or head).
_ASSIGNEE_OR_GRO = (N.REOPENED, N.CITIZEN_INFO, N.FACEBOOK_ANSWER)


def _recipients(grievance: Grievance, kind: str, person: User | None) -> list[User]:
    if kind in (N.ASSIGNED, N.REPLY_FAILED):
        return [person] if person is not None and person.is_active else []
    if kind == N.APPEALED:
        # The grievance is already in the appeal office (the parent office) at tier 2.
        return office_gros_or_heads(grievance.office_id)
    if kind in _ASSIGNEE_OR_GRO:
        if grievance.assigned_to is not None and grievance.assigned_to.is_active:
            return [grievance.assigned_to]
        return office_gros_or_heads(grievance.office_id)
    raise ValueError(f"staff_notify does not handle {kind!r}")


@transaction.atomic
def staff_notify(
    *,
    grievance: Grievance,
    kind: str,
    key: str,
    actor: User | None = None,
    person: User | None = None,
) -> list[StaffNotification]:
    """Tell the right staff that `kind` happened to `grievance`, once per person and `key`.

    `person` names the one to tell where the event does (the new assignee, a reply's author).
    Nobody is told of what they did themselves (`actor`).
    """
    told = []
    for user in _recipients(grievance, kind, person):
        if actor is not None and user.pk == actor.pk:
            continue
        notification = staff_notification_create(
            user=user, grievance=grievance, kind=kind, dedupe_key=f"{kind}:{key}"
        )
        if notification is not None:
            told.append(notification)
    return told


@transaction.atomic
def staff_notification_mark_all_read(*, user: User) -> int:
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def staff_notification_mark_read(*, user: User, notification_id: int) -> int:
    """One of `user`'s own notifications; someone else's id changes nothing (returns 0)."""
    return StaffNotification.objects.filter(
        user=user, pk=notification_id, read_at__isnull=True
    ).update(read_at=timezone.now())
