"""Deadlines and escalation (DESIGN.md §5.4): the writes behind the hourly deadline sweep.

For one office at a time (`office_deadlines_run`, called by a fanned-out task):

1. due soon — the assignee is reminded once per deadline;
2. overdue — escalated one level per `GRIEVANCE_ESCALATION_STEP_DAYS` working days overdue:
   1 the office's GRO, 2 the head of office, 3 the appeal officer's office (the parent office's
   GRO); each level an ESCALATED event and a notification;
3. ignored Facebook posts — still `new` after the first-response deadline: the GRO is told;
4. interim updates — open and no public update for `GRIEVANCE_INTERIM_UPDATE_DAYS` working days;
5. auto-close — resolved and the citizen silent for `GRIEVANCE_CITIZEN_RESPONSE_DAYS` working days.

Every step is idempotent: notifications are unique per (user, reason) in the database, the
escalation level only rises, and a closed grievance is not closed again. A rerun the same day
writes nothing.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.calendar import (
    DHAKA,
    add_working_days,
    dhaka_date,
    is_working_day,
    working_days_between,
)
from core.links import site_link
from core.models import Holiday
from grievances.models import (
    FACEBOOK_CHANNELS,
    OPEN_STATUSES,
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
    StaffNotification,
    StaffNotificationKind,
)
from grievances.workflow import citizen_time_to_answer_is_up
from integrations.notifications.services import notification_queue
from offices.models import Office, OfficeMembership, OfficeRole

Kind = GrievanceEvent.Kind
# Level 3 goes beyond the office: to the appeal officer's office (the parent office's GRO or
# head), who may then read, not change, the grievance (grievances.access).
APPEAL_OFFICE_LEVEL = 3
MAX_LEVEL = APPEAL_OFFICE_LEVEL


def _overdue_since_cutoff(now: datetime, working_days: int) -> datetime:
    """The moment before which a deadline is at least `working_days` working days behind
    `now` (`working_days_between(due_at, now) >= working_days`), so SQL can pick out exactly
    the rows a step applies to instead of the sweep re-checking every overdue row each hour."""
    today = dhaka_date(now)
    holidays = set(
        Holiday.objects.filter(
            date__gte=today - timedelta(days=working_days * 3 + 30), date__lte=today
        ).values_list("date", flat=True)
    )
    day, counted = today, 0
    while counted < working_days:
        if is_working_day(day, holidays):
            counted += 1
        day -= timedelta(days=1)
    # Any due date up to and including `day` has `working_days` working days after it.
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=DHAKA)


def active_office_ids() -> list[int]:
    """Every active office, whether or not it has a live grievance: the deadline sweep checks
    each one (an office with nothing due costs a few empty queries)."""
    return list(Office.objects.filter(is_active=True).values_list("pk", flat=True))


def office_deadlines_run(*, office_id: int, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "due_soon": _due_soon(office_id, now),
        "escalated": _overdue(office_id, now),
        "ignored_posts": _ignored_posts(office_id, now),
        "interim_updates": _interim_updates(office_id, now),
        "auto_closed": _auto_close(office_id, now),
    }


# --- recipients and notifications --------------------------------------------------------------


def _members(office_id: int | None, role: str) -> list[User]:
    if office_id is None:
        return []
    return list(
        User.objects.filter(
            memberships__office_id=office_id, memberships__role=role, is_active=True
        ).order_by("pk")
    )


def office_gros_or_heads(office_id: int | None) -> list[User]:
    """Who answers for an office: its GROs, or its head where it has no GRO."""
    if office_id is None:
        return []
    return offices_gros_or_heads({office_id}).get(office_id, [])


def offices_gros_or_heads(office_ids: Iterable[int]) -> dict[int, list[User]]:
    """`office_gros_or_heads` for many offices in one query: {office id: users}."""
    found: dict[int, dict[str, list[User]]] = defaultdict(lambda: defaultdict(list))
    memberships = (
        OfficeMembership.objects.filter(
            office_id__in=set(office_ids),
            role__in=(OfficeRole.GRO, OfficeRole.HEAD),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        found[membership.office_id][membership.role].append(membership.user)
    return {
        office: roles.get(OfficeRole.GRO) or roles.get(OfficeRole.HEAD, [])
        for office, roles in found.items()
    }


def staff_notification_email_queue(notification: StaffNotification) -> None:
    """Its e-mail, if the person has an address: a row in the outbox, not SMTP inside this
    transaction (the sweeper delivers it)."""
    if notification.user.email:
        subject, body = _email_text(notification)
        notification_queue(
            channel="email", recipient=notification.user.email, subject=subject, body=body
        )


def _email_text(notification: StaffNotification) -> tuple[str, str]:
    code = notification.grievance.tracking_code if notification.grievance else ""
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"{notification.get_kind_display()}: {code}"
        path = (
            reverse("grievances:officer-grievance", args=[notification.grievance_id])
            if notification.grievance_id
            else reverse("grievances:officer-notifications")
        )
        body = _("%(what)s — grievance %(code)s.\nOpen it in Shunani: %(path)s") % {
            "what": notification.get_kind_display(),
            "code": code,
            "path": site_link(path),
        }
    return subject, body


def staff_notification_create(
    *, user: User, grievance: Grievance | None, kind: str, dedupe_key: str, data: dict | None = None
) -> StaffNotification | None:
    """The in-app notification and its e-mail, once per (user, dedupe_key); None if sent before."""
    notification, created = StaffNotification.objects.get_or_create(
        user=user,
        dedupe_key=dedupe_key,
        defaults={"grievance": grievance, "kind": kind, "data": data or {}},
    )
    if not created:
        return None
    staff_notification_email_queue(notification)
    return notification


def _notify_all(
    users: list[User], grievance: Grievance, kind: str, dedupe_key: str, data: dict | None = None
) -> int:
    return sum(
        staff_notification_create(
            user=user, grievance=grievance, kind=kind, dedupe_key=dedupe_key, data=data
        )
        is not None
        for user in users
    )


def _tell(
    recipients: list[User],
    grievance: Grievance,
    *,
    notification: str,
    key: str,
    event: str,
    reason: str,
) -> bool:
    """Notify `recipients` once per `key`; only a first notice is recorded on the timeline."""
    if not _notify_all(recipients, grievance, notification, key):
        return False
    GrievanceEvent.objects.create(
        grievance=grievance,
        kind=event,
        note=", ".join(str(u) for u in recipients),
        data={"reason": reason},
    )
    return True


def _locked(pk: int) -> Grievance | None:
    return Grievance.objects.select_for_update().filter(pk=pk).first()


# --- 1. due soon -------------------------------------------------------------------------------


def _due_soon(office_id: int, now: datetime) -> int:
    until = add_working_days(now, settings.GRIEVANCE_DUE_SOON_DAYS)
    candidates = Grievance.objects.filter(
        office_id=office_id,
        status__in=OPEN_STATUSES,
        assigned_to__isnull=False,
        due_at__gte=now,
        due_at__lte=until,
    ).values_list("pk", flat=True)
    done = 0
    for pk in candidates:
        with transaction.atomic():
            grievance = _locked(pk)
            if grievance is None or grievance.assigned_to is None or grievance.due_at is None:
                continue
            key = f"due_soon:{grievance.pk}:{grievance.due_at:%Y%m%d}"
            notification = staff_notification_create(
                user=grievance.assigned_to,
                grievance=grievance,
                kind=StaffNotificationKind.DUE_SOON,
                dedupe_key=key,
            )
            if notification is not None:
                GrievanceEvent.objects.create(
                    grievance=grievance,
                    kind=Kind.REMINDER,
                    note=str(grievance.assigned_to),
                    data={"reason": "due_soon", "due_at": grievance.due_at.isoformat()},
                )
                done += 1
    return done


# --- 2. overdue: GRO → head → appeal office ---------------------------------------------------------


def escalation_target_level(*, due_at: datetime, now: datetime) -> int:
    """1 from the first day overdue, one more per `GRIEVANCE_ESCALATION_STEP_DAYS` working days."""
    if due_at >= now:
        return 0
    days_overdue = max(working_days_between(due_at, now), 1)
    return min(MAX_LEVEL, 1 + (days_overdue - 1) // settings.GRIEVANCE_ESCALATION_STEP_DAYS)


def _escalation_recipients(grievance: Grievance, level: int) -> list[User]:
    if level == 1:
        return office_gros_or_heads(grievance.office_id)
    if level == 2:
        return _members(grievance.office_id, OfficeRole.HEAD) or office_gros_or_heads(
            grievance.office_id
        )
    return office_gros_or_heads(grievance.office.parent_id) if grievance.office.parent_id else []


def _overdue(office_id: int, now: datetime) -> int:
    # Only rows whose level is behind their target: a rerun finds none.
    behind = Q(due_at__lt=now, escalation_level__lt=1)
    for level in range(2, MAX_LEVEL + 1):
        days = 1 + (level - 1) * settings.GRIEVANCE_ESCALATION_STEP_DAYS
        behind |= Q(due_at__lt=_overdue_since_cutoff(now, days), escalation_level__lt=level)
    candidates = (
        Grievance.objects.filter(office_id=office_id, status__in=OPEN_STATUSES)
        .filter(behind)
        .values_list("pk", flat=True)
    )
    steps = 0
    for pk in candidates:
        with transaction.atomic():
            grievance = _locked(pk)
            if grievance is None or not grievance.is_open or grievance.due_at is None:
                continue
            target = escalation_target_level(due_at=grievance.due_at, now=now)
            if target <= grievance.escalation_level:
                continue  # already there: this is what makes a rerun harmless
            for level in range(grievance.escalation_level + 1, target + 1):
                recipients = _escalation_recipients(grievance, level)
                GrievanceEvent.objects.create(
                    grievance=grievance,
                    kind=Kind.ESCALATED,
                    note=", ".join(str(u) for u in recipients),
                    data={"level": level, "reason": "overdue"},
                )
                key = f"escalated:{grievance.pk}:{grievance.office_id}:{level}:{grievance.due_at:%Y%m%d}"
                _notify_all(
                    recipients, grievance, StaffNotificationKind.ESCALATED, key, {"level": level}
                )
                steps += 1
            grievance.escalation_level = target
            grievance.save(update_fields=["escalation_level", "updated_at"])
    return steps


# --- 3. ignored Facebook posts ----------------------------------------------------------------------


def _ignored_posts(office_id: int, now: datetime) -> int:
    candidates = Grievance.objects.filter(
        office_id=office_id,
        status=GrievanceStatus.NEW,
        channel__in=FACEBOOK_CHANNELS,
        first_response_due_at__lt=now,
    ).values_list("pk", flat=True)
    told = 0
    for pk in candidates:
        with transaction.atomic():
            grievance = _locked(pk)
            if grievance is None or grievance.status != GrievanceStatus.NEW:
                continue
            recipients = office_gros_or_heads(grievance.office_id)
            key = f"ignored:{grievance.pk}:{grievance.office_id}"
            told += _tell(
                recipients,
                grievance,
                notification=StaffNotificationKind.IGNORED_POST,
                key=key,
                event=Kind.ESCALATED,
                reason="ignored_post",
            )
    return told


# --- 4. interim updates ----------------------------------------------------------------------------


def _interim_updates(office_id: int, now: datetime) -> int:
    days = settings.GRIEVANCE_INTERIM_UPDATE_DAYS
    candidates = (
        Grievance.objects.filter(
            office_id=office_id,
            status__in=[GrievanceStatus.ACCEPTED, GrievanceStatus.IN_PROGRESS],
        )
        .annotate(anchor=Coalesce("last_public_update_at", "accepted_at", "received_at"))
        .filter(anchor__lt=_overdue_since_cutoff(now, days))
        .values_list("pk", flat=True)
    )
    told = 0
    for pk in candidates:
        with transaction.atomic():
            grievance = _locked(pk)
            if grievance is None or grievance.status not in (
                GrievanceStatus.ACCEPTED,
                GrievanceStatus.IN_PROGRESS,
            ):
                continue
            anchor = (
                grievance.last_public_update_at or grievance.accepted_at or grievance.received_at
            )
            if working_days_between(anchor, now) < days:
                continue
            recipients = (
                [grievance.assigned_to]
                if grievance.assigned_to
                else office_gros_or_heads(grievance.office_id)
            )
            key = f"interim:{grievance.pk}:{anchor:%Y%m%d%H%M%S}"
            told += _tell(
                recipients,
                grievance,
                notification=StaffNotificationKind.INTERIM_UPDATE,
                key=key,
                event=Kind.REMINDER,
                reason="interim_update",
            )
    return told


# --- 5. auto-close ------------------------------------------------------------------------------------


def _auto_close(office_id: int, now: datetime) -> int:
    from grievances.services import grievance_close

    days = settings.GRIEVANCE_CITIZEN_RESPONSE_DAYS
    # More than `days` working days since the answer: the citizen's time is up.
    candidates = Grievance.objects.filter(
        office_id=office_id,
        status=GrievanceStatus.RESOLVED,
        resolved_at__lt=_overdue_since_cutoff(now, days + 1),
    ).values_list("pk", flat=True)
    closed = 0
    for pk in candidates:
        with transaction.atomic():
            grievance = _locked(pk)
            if grievance is None or grievance.status != GrievanceStatus.RESOLVED:
                continue
            if not citizen_time_to_answer_is_up(resolved_at=grievance.resolved_at, now=now):
                continue
            with translation.override(grievance.language or settings.LANGUAGE_CODE):
                note = _("Closed: the citizen did not answer within %(days)s working days.") % {
                    "days": days
                }
            grievance_close(grievance=grievance, actor=None, note=note)
            closed += 1
    return closed
