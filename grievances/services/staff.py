"""Staff notifications: who is told when work arrives, and marking them read.

`staff_notify_all` is the one place that decides who hears of an event (the in-app
notification and its e-mail row in the outbox). It runs inside the caller's transaction, so
the notice exists exactly when the event does, and it works in a few queries for a whole
batch (a Facebook delivery may carry many citizens' answers). The deadline sweep's own
notices (due soon, escalated, ignored posts, interim updates) stay in grievances/escalation.py.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from grievances.escalation import offices_gros_or_heads, staff_notification_email_queue
from grievances.models import Grievance, StaffNotification, StaffNotificationKind

N = StaffNotificationKind

# Told to the person the event names (`Notice.person`): the new assignee, the reply's author.
_TO_THE_PERSON = (N.ASSIGNED, N.REPLY_FAILED)
# Told to the grievance's own officer if it has one, else to its office's GRO (or head). An
# appeal is told to the appeal office's GRO (or head): the grievance is already there.
_TO_THE_OFFICER_OR_GRO = (N.REOPENED, N.CITIZEN_INFO, N.FACEBOOK_ANSWER)
_TO_THE_GRO = (N.APPEALED,)


@dataclass(frozen=True)
class Notice:
    """`kind` happened to `grievance`; `key` makes it once per person (e.g. the event's id).
    Nobody is told of what they did themselves (`actor`)."""

    grievance: Grievance
    kind: str
    key: str
    actor: User | None = None
    person: User | None = None


def _needs_gro(notice: Notice) -> bool:
    if notice.kind in _TO_THE_GRO:
        return True
    return notice.kind in _TO_THE_OFFICER_OR_GRO and not _active(notice.grievance.assigned_to)


def _active(user: User | None) -> bool:
    return user is not None and user.is_active


def _recipients(notice: Notice, gros: dict[int, list[User]]) -> list[User]:
    if notice.kind in _TO_THE_PERSON:
        return [notice.person] if notice.person is not None and _active(notice.person) else []
    if notice.kind not in _TO_THE_OFFICER_OR_GRO + _TO_THE_GRO:
        raise ValueError(f"staff_notify does not handle {notice.kind!r}")
    if _needs_gro(notice):
        return gros.get(notice.grievance.office_id, [])
    return [notice.grievance.assigned_to]  # type: ignore[list-item]


@transaction.atomic(savepoint=False)  # part of the caller's write: no savepoint
def staff_notify_all(*, notices: Sequence[Notice]) -> list[StaffNotification]:
    """Tell the right staff of each notice, once per (person, kind and key); returns the new
    notifications. Each one's e-mail joins the outbox in the same transaction."""
    gro_offices = {n.grievance.office_id for n in notices if _needs_gro(n)}
    gros = offices_gros_or_heads(gro_offices) if gro_offices else {}
    wanted: dict[tuple[int, str], StaffNotification] = {}
    for notice in notices:
        for user in _recipients(notice, gros):
            if notice.actor is not None and user.pk == notice.actor.pk:
                continue
            key = f"{notice.kind}:{notice.key}"
            wanted.setdefault(
                (user.pk, key),
                StaffNotification(
                    user=user, grievance=notice.grievance, kind=notice.kind, dedupe_key=key
                ),
            )
    if not wanted:
        return []
    sent_before = Q()
    for user_id, key in wanted:
        sent_before |= Q(user_id=user_id, dedupe_key=key)
    for pair in StaffNotification.objects.filter(sent_before).values_list("user_id", "dedupe_key"):
        wanted.pop(pair, None)
    # Keys carry the event's id (or the grievance's, under its row lock): no other transaction
    # writes the same pair, so a plain insert is safe.
    created = StaffNotification.objects.bulk_create(wanted.values())
    for notification in created:
        staff_notification_email_queue(notification)
    return created


def staff_notify(
    *,
    grievance: Grievance,
    kind: str,
    key: str,
    actor: User | None = None,
    person: User | None = None,
) -> list[StaffNotification]:
    """`staff_notify_all` for one event."""
    notice = Notice(grievance=grievance, kind=kind, key=key, actor=actor, person=person)
    return staff_notify_all(notices=[notice])


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
