"""Every write to a grievance. Each function locks the row, checks the rules, writes events."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.calendar import DHAKA, add_working_days, working_days_between
from core.digits import to_bangla_digits
from core.exceptions import ApplicationError
from core.tasks import enqueue_after_commit
from grievances.attachments import MAX_FILES_PER_GRIEVANCE, CleanFile, attachment_storage
from grievances.models import (
    Attachment,
    Category,
    Feedback,
    Grievance,
    GrievanceChannel,
    GrievanceEvent,
    GrievanceOutcome,
    GrievancePriority,
    GrievanceStatus,
    GrievanceTier,
    IntakeVia,
    NotGrievanceReason,
    Reply,
    ReplyState,
    StaffNotification,
)
from grievances.tasks import reply_deliver_task
from grievances.tracking import (
    format_tracking_code,
    hash_access_key,
    new_access_key,
    tracking_link,
)
from grievances.workflow import can_transition
from integrations.notifications.models import (
    SECRET_PLACEHOLDER,
    Notification,
    NotificationChannel,
)
from integrations.notifications.services import notification_queue
from offices.models import District, Office, OfficeMembership, Upazila
from offices.selectors import office_for_district, office_role_for_user, office_user_may_manage

Kind = GrievanceEvent.Kind
S = GrievanceStatus
# Facebook allows 8,000 characters in a comment; SMS and the tracking page are happier shorter.
REPLY_MAX_LENGTH = 2000
FACEBOOK_CHANNELS = (GrievanceChannel.FACEBOOK_COMMENT, GrievanceChannel.FACEBOOK_POST)


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


def _next_tracking_code(office: Office, moment: datetime) -> str:
    """One upsert per code: concurrent filings in one office queue on this row, never collide."""
    period = moment.astimezone(DHAKA).strftime("%y%m")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO grievances_trackingsequence (office_id, period, last_value)
            VALUES (%s, %s, 1)
            ON CONFLICT (office_id, period)
            DO UPDATE SET last_value = grievances_trackingsequence.last_value + 1
            RETURNING last_value
            """,
            [office.pk, period],
        )
        (number,) = cursor.fetchone()
    return format_tracking_code(office_code=office.code, period=period, number=number)


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
    grievance = _lock(grievance)
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


# --- creation --------------------------------------------------------------------------------


@transaction.atomic
def grievance_create(
    *,
    office: Office,
    channel: str,
    description: str,
    district: District | None = None,
    upazila: Upazila | None = None,
    category: Category | None = None,
    subject: str = "",
    citizen_name: str = "",
    citizen_phone: str = "",
    citizen_email: str = "",
    is_anonymous: bool = False,
    show_name_publicly: bool = False,
    language: str = "bn",
    received_at: datetime | None = None,
    actor: User | None = None,
) -> tuple[Grievance, str]:
    """A new grievance in `new`, and the citizen's access key (returned once, stored hashed)."""
    if actor is not None:
        _ensure_may_act(actor, office)
    if channel not in GrievanceChannel.values:
        raise ApplicationError(_("Unknown channel."))
    if not description.strip():
        raise ApplicationError(_("Describe the grievance."))
    district = district or office.district
    if district is None:
        raise ApplicationError(_("Say which district the grievance is about."))
    if upazila is not None and upazila.district_id != district.pk:
        raise ApplicationError(_("That upazila is not in the chosen district."))

    received_at = received_at or timezone.now()
    access_key = new_access_key()
    grievance = Grievance(
        tracking_code=_next_tracking_code(office, received_at),
        access_key_hash=hash_access_key(access_key),
        office=office,
        district=district,
        upazila=upazila,
        category=category,
        channel=channel,
        subject=subject.strip()[:200],
        description=description.strip(),
        language=language,
        # An anonymous citizen's name is not kept at all, so it can never leak.
        citizen_name="" if is_anonymous else citizen_name.strip(),
        citizen_phone=citizen_phone,
        citizen_email=citizen_email,
        is_anonymous=is_anonymous,
        show_name_publicly=show_name_publicly and not is_anonymous,
        received_at=received_at,
        last_activity_at=received_at,
        first_response_due_at=add_working_days(received_at, settings.GRIEVANCE_FIRST_RESPONSE_DAYS),
    )
    grievance.full_clean()
    grievance.save()
    _event(grievance, Kind.CREATED, actor, to_status=S.NEW, to_office=office, is_public=True)
    return grievance, access_key


# --- triage ----------------------------------------------------------------------------------


@transaction.atomic
def grievance_accept(*, grievance: Grievance, actor: User | None, note: str = "") -> Grievance:
    """It is a grievance: the tier's working-day clock starts now."""
    _ensure_may_act(actor, grievance.office)
    now = timezone.now()
    return grievance_change_status(
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
    _ensure_may_act(actor, grievance.office)
    if reason not in NotGrievanceReason.values:
        raise ApplicationError(_("Choose why this is not a grievance."))
    if reason == NotGrievanceReason.OTHER and not note.strip():
        raise ApplicationError(_("Say why this is not a grievance."))
    return grievance_change_status(
        grievance=grievance,
        to=S.NOT_GRIEVANCE,
        actor=actor,
        note=note,
        is_public=False,
        updates={"not_grievance_reason": reason},
    )


@transaction.atomic
def grievance_mark_duplicate(
    *, grievance: Grievance, original: Grievance, actor: User | None, note: str = ""
) -> Grievance:
    _ensure_may_act(actor, grievance.office)
    while original.duplicate_of_id is not None:  # always link to the first one
        original = original.duplicate_of  # type: ignore[assignment]
    if original.pk == grievance.pk:
        raise ApplicationError(_("A grievance cannot duplicate itself."))
    return grievance_change_status(
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
        _ensure_may_manage(actor, grievance.office)
    else:
        _ensure_may_act(actor, grievance.office)
    if not OfficeMembership.objects.filter(user=assignee, office=grievance.office).exists():
        raise ApplicationError(_("%(user)s does not work in this office.") % {"user": assignee})
    if not grievance.is_open:
        raise ApplicationError(_("Only an open grievance can be assigned."))

    if grievance.status == S.NEW:
        grievance = grievance_accept(grievance=grievance, actor=actor)
    if grievance.status == S.ACCEPTED:
        grievance = grievance_change_status(
            grievance=grievance,
            to=S.IN_PROGRESS,
            actor=actor,
            updates={"assigned_to": assignee},
        )
    else:
        grievance.assigned_to = assignee
        grievance.last_activity_at = timezone.now()
        grievance.save(update_fields=["assigned_to", "last_activity_at", "updated_at"])
    _event(grievance, Kind.ASSIGNED, actor, data={"assignee_id": assignee.pk}, note=str(assignee))
    return grievance


@transaction.atomic
def grievance_transfer(
    *, grievance: Grievance, to_office: Office, actor: User | None, reason: str
) -> Grievance:
    """Change the owner office. Status, tier and deadline stay; the event says what happened."""
    grievance = _lock(grievance)
    _ensure_may_manage(actor, grievance.office)
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
    _ensure_may_act(actor, grievance.office)
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
    return grievance


@transaction.atomic
def grievance_set_priority(*, grievance: Grievance, priority: str, actor: User | None) -> Grievance:
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance.office)
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
    _ensure_may_act(actor, grievance.office)
    if not note.strip():
        raise ApplicationError(_("Write the note."))
    grievance.last_activity_at = timezone.now()
    grievance.save(update_fields=["last_activity_at", "updated_at"])
    return _event(grievance, Kind.NOTE, actor, note=note.strip())


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
    _ensure_may_act(actor, grievance.office)
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
    return grievance_change_status(
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
    """Final. Called when the citizen confirms the fix, or when their time to answer is up."""
    _ensure_may_act(actor, grievance.office)
    return grievance_change_status(
        grievance=grievance,
        to=S.CLOSED,
        actor=actor,
        note=note,
        updates={"closed_at": timezone.now()},
    )


def _ensure_citizen_may_still_answer(grievance: Grievance) -> None:
    if grievance.status != S.RESOLVED or grievance.resolved_at is None:
        raise ApplicationError(_("Only a resolved grievance can be reopened or appealed."))
    days = working_days_between(grievance.resolved_at, timezone.now())
    if days > settings.GRIEVANCE_CITIZEN_RESPONSE_DAYS:
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
    _ensure_may_act(actor, grievance.office)
    _ensure_citizen_may_still_answer(grievance)
    previous = {"outcome": grievance.outcome, "outcome_note": grievance.outcome_note}
    return grievance_change_status(
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


@transaction.atomic
def grievance_appeal(*, grievance: Grievance, actor: User | None, reason: str) -> Grievance:
    """Tier 2: the appeal officer's office (the parent office) takes it, with a new deadline."""
    grievance = _lock(grievance)
    _ensure_may_act(actor, grievance.office)
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
    grievance = grievance_change_status(
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
    return grievance


# --- bulk intake (channels that deliver many grievances at once, e.g. Facebook) ---------------


@dataclass(frozen=True, slots=True)
class GrievanceDraft:
    """What a channel knows about one new grievance, for `grievance_create_batch`."""

    channel: str
    description: str
    received_at: datetime
    subject: str = ""
    citizen_name: str = ""
    language: str = "bn"


@transaction.atomic
def grievance_create_batch(*, office: Office, drafts: Sequence[GrievanceDraft]) -> list[Grievance]:
    """New grievances in `office`, status `new`, each with its CREATED event, in a few queries.

    The rules of `grievance_create` without an actor: one tracking-code upsert per month
    reserves a block of numbers. Names are never shown publicly and no phone or e-mail is
    taken; access keys are not returned (these citizens are answered where they wrote).
    """
    if not drafts:
        return []
    district = office.district
    if district is None:
        raise ApplicationError(_("Say which district the grievance is about."))
    for draft in drafts:
        if draft.channel not in GrievanceChannel.values:
            raise ApplicationError(_("Unknown channel."))
        if not draft.description.strip():
            raise ApplicationError(_("Describe the grievance."))

    periods: dict[str, list[int]] = {}
    for index, draft in enumerate(drafts):
        period = draft.received_at.astimezone(DHAKA).strftime("%y%m")
        periods.setdefault(period, []).append(index)
    codes = [""] * len(drafts)
    with connection.cursor() as cursor:
        for period, indexes in periods.items():
            cursor.execute(
                """
                INSERT INTO grievances_trackingsequence (office_id, period, last_value)
                VALUES (%s, %s, %s)
                ON CONFLICT (office_id, period)
                DO UPDATE SET last_value = grievances_trackingsequence.last_value
                                           + EXCLUDED.last_value
                RETURNING last_value
                """,
                [office.pk, period, len(indexes)],
            )
            (last,) = cursor.fetchone()
            for number, index in enumerate(indexes, start=last - len(indexes) + 1):
                codes[index] = format_tracking_code(
                    office_code=office.code, period=period, number=number
                )

    first_due: dict[date, datetime] = {}
    grievances = []
    for draft, code in zip(drafts, codes, strict=True):
        day = draft.received_at.astimezone(DHAKA).date()
        if day not in first_due:
            first_due[day] = add_working_days(
                draft.received_at, settings.GRIEVANCE_FIRST_RESPONSE_DAYS
            )
        grievances.append(
            Grievance(
                tracking_code=code,
                access_key_hash=hash_access_key(new_access_key()),
                office=office,
                district=district,
                channel=draft.channel,
                subject=draft.subject.strip()[:200],
                description=draft.description.strip(),
                language=draft.language,
                citizen_name=draft.citizen_name.strip()[:200],
                show_name_publicly=False,
                received_at=draft.received_at,
                last_activity_at=draft.received_at,
                first_response_due_at=first_due[day],
            )
        )
    Grievance.objects.bulk_create(grievances)
    GrievanceEvent.objects.bulk_create(
        GrievanceEvent(
            grievance=grievance,
            kind=Kind.CREATED,
            to_status=S.NEW,
            to_office=office,
            is_public=True,
            created_at=grievance.received_at,
        )
        for grievance in grievances
    )
    return grievances


SOURCE_EVENT_KINDS = frozenset(
    {Kind.SOURCE_EDITED, Kind.SOURCE_REMOVED, Kind.SOURCE_HIDDEN, Kind.SOURCE_MESSAGE}
)


@dataclass(frozen=True, slots=True)
class SourceChange:
    """Something the citizen (or a moderator) did where the grievance came from."""

    grievance_id: int
    kind: str  # one of SOURCE_EVENT_KINDS
    note: str = ""
    data: Mapping[str, Any] | None = None
    # The grievance's new text, when its first message was edited.
    description: str | None = None


@transaction.atomic
def grievance_record_source_changes(*, changes: Sequence[SourceChange]) -> list[GrievanceEvent]:
    """Internal events for edits, removals, hides and new messages at the source, in bulk.

    Never changes the status and never deletes anything: a removed comment stays a grievance.
    """
    if not changes:
        return []
    for change in changes:
        if change.kind not in SOURCE_EVENT_KINDS:
            raise ApplicationError(_("Unknown kind of change at the source."))
    now = timezone.now()
    events = GrievanceEvent.objects.bulk_create(
        GrievanceEvent(
            grievance_id=change.grievance_id,
            kind=change.kind,
            note=change.note,
            data=dict(change.data or {}),
            created_at=now,
        )
        for change in changes
    )
    descriptions = {
        c.grievance_id: c.description.strip() for c in changes if c.description is not None
    }
    if descriptions:
        Grievance.objects.bulk_update(
            [
                Grievance(pk=pk, description=text, updated_at=now)
                for pk, text in descriptions.items()
                if text
            ],
            ["description", "updated_at"],
        )
    Grievance.objects.filter(pk__in={c.grievance_id for c in changes}).update(last_activity_at=now)
    return events


# --- officers: complaints taken by phone, paper, 333 or at a hearing --------------------------


@transaction.atomic
def grievance_record_officer_entry(
    *,
    office: Office,
    actor: User,
    intake_via: str,
    description: str,
    subject: str = "",
    upazila: Upazila | None = None,
    category: Category | None = None,
    citizen_name: str = "",
    citizen_phone: str = "",
    citizen_email: str = "",
    is_anonymous: bool = False,
    received_at: datetime | None = None,
) -> tuple[Grievance, str]:
    """A complaint an officer types in for a citizen: channel `officer_entry`, and how it came."""
    if intake_via not in IntakeVia.values:
        raise ApplicationError(_("Say how the complaint reached the office."))
    grievance, access_key = grievance_create(
        office=office,
        channel=GrievanceChannel.OFFICER_ENTRY,
        description=description,
        subject=subject,
        upazila=upazila,
        category=category,
        citizen_name=citizen_name,
        citizen_phone=citizen_phone,
        citizen_email=citizen_email,
        is_anonymous=is_anonymous,
        received_at=received_at,
        actor=actor,
    )
    grievance.intake_via = intake_via
    grievance.save(update_fields=["intake_via", "updated_at"])
    return grievance, access_key


# --- public replies: an outbox row first, delivered by a task ---------------------------------


@transaction.atomic
def reply_create(*, grievance: Grievance, author: User, body: str, to_facebook: bool) -> Reply:
    """Queue a public reply: PUBLIC_REPLY event, response times, delivery after commit."""
    grievance = _lock(grievance)
    _ensure_may_act(author, grievance.office)
    body = body.strip()
    if not body:
        raise ApplicationError(_("Write the reply."))
    if len(body) > REPLY_MAX_LENGTH:
        raise ApplicationError(
            _("A reply can be at most %(max)s characters long.") % {"max": REPLY_MAX_LENGTH}
        )
    if to_facebook and grievance.channel not in FACEBOOK_CHANNELS:
        raise ApplicationError(_("This grievance did not come from Facebook."))

    now = timezone.now()
    reply = Reply(grievance=grievance, author=author, body=body, to_facebook=to_facebook)
    reply.full_clean()
    reply.save()
    fields = ["last_public_update_at", "last_activity_at", "updated_at"]
    if grievance.first_responded_at is None:  # the first public reply is the first response
        grievance.first_responded_at = now
        fields.append("first_responded_at")
    grievance.last_public_update_at = now
    grievance.last_activity_at = now
    grievance.save(update_fields=fields)
    _event(
        grievance,
        Kind.PUBLIC_REPLY,
        author,
        note=body,
        is_public=True,
        data={"reply_id": reply.pk, "to_facebook": to_facebook},
    )
    enqueue_after_commit(reply_deliver_task, reply_id=reply.pk)
    return reply


@transaction.atomic
def reply_retry(*, reply: Reply, actor: User) -> Reply:
    """Send a failed reply again. Safe to click twice: only a failed reply is re-queued."""
    reply = Reply.objects.select_for_update().select_related("grievance__office").get(pk=reply.pk)
    _ensure_may_act(actor, reply.grievance.office)
    if reply.state != ReplyState.FAILED:
        raise ApplicationError(_("Only a reply that failed can be sent again."))
    reply.state = ReplyState.QUEUED
    reply.save(update_fields=["state", "updated_at"])
    enqueue_after_commit(reply_deliver_task, reply_id=reply.pk)
    return reply


@transaction.atomic
def reply_mark_sent(*, reply: Reply, external_id: str = "") -> Reply:
    """Delivered (a citizen-only reply is delivered once it shows on the tracking page)."""
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.state == ReplyState.SENT:
        return reply
    now = timezone.now()
    reply.state = ReplyState.SENT
    reply.sent_at = now
    reply.external_id = external_id or reply.external_id
    reply.attempts += 1
    reply.first_attempt_at = reply.first_attempt_at or now
    reply.last_error = ""
    reply.save(
        update_fields=[
            "state",
            "sent_at",
            "external_id",
            "attempts",
            "first_attempt_at",
            "last_error",
            "updated_at",
        ]
    )
    return reply


@transaction.atomic
def reply_record_undeliverable(*, reply: Reply, error: str) -> Reply:
    """Leave the reply queued with a reason a person can read (e.g. no delivery channel yet)."""
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.state == ReplyState.SENT:
        return reply
    reply.last_error = error[:1000]
    reply.save(update_fields=["last_error", "updated_at"])
    return reply


# --- staff notifications ----------------------------------------------------------------------


@transaction.atomic
def staff_notification_mark_all_read(*, user: User) -> int:
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- citizens: filing, adding information, feedback ------------------------------------------


def _active_digits(number: int) -> str:
    """A number in the digits of the active language (Bangla digits on Bangla pages)."""
    text = str(number)
    return to_bangla_digits(text) if (translation.get_language() or "bn").startswith("bn") else text


def _attachments_store(
    *, grievance: Grievance, files: Sequence[CleanFile], event: GrievanceEvent | None = None
) -> list[Attachment]:
    """Write checked files under MEDIA_ROOT and their rows; remove the files if a row fails."""
    if grievance.attachments.count() + len(files) > MAX_FILES_PER_GRIEVANCE:
        raise ApplicationError(
            _("A grievance can have at most %(count)s files.")
            % {"count": _active_digits(MAX_FILES_PER_GRIEVANCE)}
        )
    storage = attachment_storage()
    saved: list[str] = []
    attachments = []
    try:
        for clean in files:
            name = storage.save(clean.storage_name(), ContentFile(clean.content))
            saved.append(name)
            attachment = Attachment(
                grievance=grievance,
                event=event,
                file=name,
                original_name=clean.original_name,
                content_type=clean.content_type,
                size=len(clean.content),
                sha256=clean.sha256,
            )
            attachment.full_clean()
            attachment.save()
            attachments.append(attachment)
    except Exception:
        for name in saved:
            storage.delete(name)
        raise
    return attachments


def _citizen_filed_texts(*, grievance: Grievance, link: str) -> tuple[str, str, str]:
    """(SMS text, e-mail subject, e-mail text) in the language the citizen used.

    `link` is SECRET_PLACEHOLDER: the private link is added only when the message is sent."""
    with translation.override(grievance.language):
        code = grievance.tracking_code
        if grievance.language == "bn":
            code = to_bangla_digits(code)
        sms = _(
            "Shunani: your grievance was received. Tracking code %(code)s. "
            "Follow it and add information: %(link)s"
        ) % {"code": code, "link": link}
        subject = _("Your grievance %(code)s was received") % {"code": code}
        email = _(
            "Your grievance to the %(office)s was received.\n\n"
            "Tracking code: %(code)s\n"
            "Your private link (keep it to yourself; anyone with it can see what you sent):\n"
            "%(link)s\n\n"
            "The office will answer within %(days)s working days. "
            "You can follow it on the tracking page at any time.\n\n"
            "Shunani"
        ) % {
            "office": grievance.office.name,
            "code": code,
            "link": link,
            "days": settings.GRIEVANCE_TIER_DEADLINE_DAYS[grievance.tier],
        }
    return sms, subject, email


@transaction.atomic
def grievance_file_by_citizen(
    *,
    district: District,
    description: str,
    upazila: Upazila | None = None,
    category: Category | None = None,
    citizen_name: str = "",
    citizen_phone: str = "",
    citizen_email: str = "",
    is_anonymous: bool = False,
    show_name_publicly: bool = False,
    files: Sequence[CleanFile] = (),
    language: str = "bn",
) -> tuple[Grievance, str]:
    """A grievance from the web form, its files, and the tracking code by SMS and e-mail.

    Returns the grievance and its access key: shown once on screen, sent once, never stored.
    """
    grievance, access_key = grievance_create(
        office=office_for_district(district=district),
        channel=GrievanceChannel.WEB,
        description=description,
        district=district,
        upazila=upazila,
        category=category,
        citizen_name=citizen_name,
        citizen_phone=citizen_phone,
        citizen_email=citizen_email,
        is_anonymous=is_anonymous,
        show_name_publicly=show_name_publicly,
        language=language,
    )
    # The private link carries the key: stored apart from the text, added only when sending.
    link = tracking_link(code=grievance.tracking_code, key=access_key)
    sms, subject, email = _citizen_filed_texts(grievance=grievance, link=SECRET_PLACEHOLDER)
    if grievance.citizen_phone:
        notification_queue(
            channel=NotificationChannel.SMS,
            recipient=grievance.citizen_phone,
            body=sms,
            secret=link,
            capped=True,
        )
    if grievance.citizen_email:
        notification_queue(
            channel=NotificationChannel.EMAIL,
            recipient=grievance.citizen_email,
            subject=subject,
            body=email,
            secret=link,
            capped=True,
        )
    # Last, so nothing after it can fail and leave files on disk for a rolled-back grievance.
    _attachments_store(grievance=grievance, files=files)
    return grievance, access_key


# Statuses in which the citizen can no longer add anything: the matter is finished or merged.
_FINISHED = (S.CLOSED, S.DUPLICATE)


@transaction.atomic
def grievance_add_citizen_info(
    *, grievance: Grievance, text: str, files: Sequence[CleanFile] = ()
) -> GrievanceEvent:
    """The citizen (holding the key) adds text and/or files: a private CITIZEN_INFO event."""
    grievance = _lock(grievance)
    text = text.strip()
    if grievance.status in _FINISHED:
        raise ApplicationError(
            _("This grievance is closed. To raise the matter again, file a new grievance.")
        )
    if not text and not files:
        raise ApplicationError(_("Write something or attach a file."))
    grievance.last_activity_at = timezone.now()
    grievance.save(update_fields=["last_activity_at", "updated_at"])
    # Private: the citizen's words are for the office, never for the public page.
    event = _event(
        grievance, Kind.CITIZEN_INFO, None, note=text, is_public=False, data={"files": len(files)}
    )
    _attachments_store(grievance=grievance, files=files, event=event)
    return event


FEEDBACK_REOPEN = "reopen"
FEEDBACK_APPEAL = "appeal"


@transaction.atomic
def feedback_submit(
    *,
    grievance: Grievance,
    is_fixed: bool,
    rating: int,
    comment: str = "",
    next_step: str = "",
) -> Feedback:
    """The citizen's word on a resolved grievance (DESIGN.md §3.2).

    Fixed: the grievance closes. Not fixed: it is reopened at the same tier, or appealed to
    tier 2 (the parent office), within GRIEVANCE_CITIZEN_RESPONSE_DAYS working days.
    """
    grievance = _lock(grievance)
    if grievance.status != S.RESOLVED:
        raise ApplicationError(_("Feedback can be given once the office has resolved it."))
    if not 1 <= rating <= 5:
        raise ApplicationError(_("Choose a rating from 1 to 5."))
    if not is_fixed and next_step not in (FEEDBACK_REOPEN, FEEDBACK_APPEAL):
        raise ApplicationError(_("Choose whether to reopen or to appeal."))

    feedback = Feedback(grievance=grievance, is_fixed=is_fixed, rating=rating, comment=comment)
    feedback.full_clean()
    feedback.save()
    # The comment stays private: public events get a neutral note the citizen did not write.
    _event(
        grievance,
        Kind.FEEDBACK,
        None,
        note=comment.strip(),
        is_public=False,
        data={
            "is_fixed": is_fixed,
            "rating": rating,
            "next_step": next_step if not is_fixed else "",
        },
    )
    if is_fixed:
        grievance_close(
            grievance=grievance, actor=None, note=_("The citizen confirmed it was fixed.")
        )
    elif next_step == FEEDBACK_REOPEN:
        grievance_reopen(
            grievance=grievance, actor=None, note=_("The citizen said it was not fixed.")
        )
    else:
        grievance_appeal(
            grievance=grievance,
            actor=None,
            reason=_("The citizen said it was not fixed and appealed."),
        )
    return feedback


# --- citizens: news about their grievance by SMS / e-mail -------------------------------------

# Public events a citizen is told about, when done by the office (an officer or the system).
_CITIZEN_NEWS_STATUSES = (S.ACCEPTED, S.RESOLVED, S.CLOSED)


def _citizen_news_text(event: GrievanceEvent) -> str:
    grievance = event.grievance
    if event.kind == Kind.PUBLIC_REPLY:
        return _("The office replied to your grievance.")
    if event.kind == Kind.TRANSFERRED and event.to_office is not None:
        return _("Your grievance was sent to %(office)s.") % {"office": event.to_office.name}
    if event.to_status == S.RESOLVED:
        return _(
            "The office has resolved your grievance. Was the problem fixed? Tell us with "
            "your private link within %(days)s working days."
        ) % {"days": settings.GRIEVANCE_CITIZEN_RESPONSE_DAYS}
    return _("Your grievance is now: %(status)s.") % {"status": S(grievance.status).label}


def _is_citizen_news(event: GrievanceEvent) -> bool:
    if not event.is_public or (event.actor_id is None and event.kind != Kind.PUBLIC_REPLY):
        return False  # private, or the citizen's own doing (they know)
    if event.kind in (Kind.PUBLIC_REPLY, Kind.TRANSFERRED):
        return True
    return event.kind == Kind.STATUS_CHANGED and event.to_status in _CITIZEN_NEWS_STATUSES


def grievance_notify_citizen(*, event: GrievanceEvent) -> list[Notification]:
    """Tell the citizen (SMS and/or e-mail, in their language) about a public event.

    Safe to run twice: one message per event and channel (the notification's dedupe key).
    The text carries the public tracking link only, never the access key.
    """
    grievance = event.grievance
    if not _is_citizen_news(event) or not (grievance.citizen_phone or grievance.citizen_email):
        return []
    with translation.override(grievance.language):
        code = grievance.tracking_code
        shown_code = to_bangla_digits(code) if grievance.language == "bn" else code
        link = tracking_link(code=code) if settings.SITE_URL else ""
        news = _citizen_news_text(event)
        sms = _("Shunani %(code)s: %(news)s") % {"code": shown_code, "news": news}
        if link:
            sms = f"{sms} {link}"
        subject = _("News about your grievance %(code)s") % {"code": shown_code}
        body = f"{news}\n\n{link}\n\n" + _("Shunani") if link else f"{news}\n\n" + _("Shunani")
    sent = []
    if grievance.citizen_phone:
        sent.append(
            notification_queue(
                channel=NotificationChannel.SMS,
                recipient=grievance.citizen_phone,
                body=sms,
                dedupe_key=f"grievance-event:{event.pk}:sms",
                capped=True,
            )
        )
    if grievance.citizen_email:
        sent.append(
            notification_queue(
                channel=NotificationChannel.EMAIL,
                recipient=grievance.citizen_email,
                subject=subject,
                body=body,
                dedupe_key=f"grievance-event:{event.pk}:email",
                capped=True,
            )
        )
    return sent


@transaction.atomic
def grievances_forget_citizen_name(*, grievance_ids: list[int], reason: str) -> int:
    """Blank the citizen's name on these grievances (e.g. Meta's data-deletion request).

    The grievance itself stays: it was filed with a public office. An internal event says why.
    """
    grievances = list(
        Grievance.objects.select_for_update().filter(pk__in=grievance_ids).exclude(citizen_name="")
    )
    for grievance in grievances:
        grievance.citizen_name = ""
        grievance.show_name_publicly = False
        grievance.save(update_fields=["citizen_name", "show_name_publicly", "updated_at"])
        _event(grievance, Kind.NOTE, None, note=reason)
    return len(grievances)
