"""New grievances: one at a time, in batches from a channel, and typed in by an officer."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.calendar import DHAKA, add_working_days
from core.exceptions import ApplicationError
from grievances.access import office_access_for
from grievances.models import (
    Category,
    Grievance,
    GrievanceChannel,
    GrievanceEvent,
    GrievanceStatus,
    IntakeVia,
    StaffNotificationKind,
)
from grievances.services._common import _event
from grievances.services.notify import _citizen_send_filed
from grievances.services.staff import Notice, staff_notify_all
from grievances.services.triage import grievances_triage, triage_plan
from grievances.tracking import (
    format_tracking_code,
    hash_access_key,
    new_access_key,
)
from offices.models import District, Office, Upazila

Kind = GrievanceEvent.Kind
S = GrievanceStatus


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
        office_access_for(actor, office).ensure_may_act()
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
    # A suggested category for the officer (web and officer entries are never set aside).
    grievances_triage(grievances=[grievance])
    return grievance, access_key


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

    # The classifier reads the batch before it is written: what it sets aside is inserted as
    # "not a grievance" at once (an UPDATE afterwards would rewrite every search index).
    plan = triage_plan(office=office, drafts=drafts)
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
    plan.apply(grievances)
    Grievance.objects.bulk_create(grievances)
    GrievanceEvent.objects.bulk_create(
        [
            *(
                GrievanceEvent(
                    grievance=grievance,
                    kind=Kind.CREATED,
                    to_status=S.NEW,
                    to_office=office,
                    is_public=True,
                    created_at=grievance.received_at,
                )
                for grievance in grievances
            ),
            *plan.events(grievances),
        ]
    )
    plan.store(grievances)
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
    _notify_citizen_answers(events)
    return events


def _notify_citizen_answers(events: Sequence[GrievanceEvent]) -> None:
    """A reply by the citizen that joined their grievance (SOURCE_MESSAGE): the officer is told."""
    answers = [e for e in events if e.kind == GrievanceEvent.Kind.SOURCE_MESSAGE]
    if not answers:
        return
    grievances = Grievance.objects.select_related("assigned_to").in_bulk(
        {e.grievance_id for e in answers}
    )
    staff_notify_all(
        notices=[
            Notice(
                grievance=grievances[event.grievance_id],
                kind=StaffNotificationKind.FACEBOOK_ANSWER,
                key=f"{event.grievance_id}:{event.pk}",
            )
            for event in answers
        ]
    )


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
) -> Grievance:
    """A complaint an officer types in for a citizen: channel `officer_entry`, and how it came.

    The citizen gets the tracking code and private link by SMS and/or e-mail, as a web filing
    does, so they can follow it, add information and appeal. The access key is not returned:
    the officer never holds the citizen's key.
    """
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
    _citizen_send_filed(grievance=grievance, access_key=access_key)
    return grievance
