"""What citizens do: file, add information, give feedback; and forgetting a name."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from grievances.attachments import MAX_FILES_PER_GRIEVANCE, CleanFile, attachment_storage
from grievances.feedback_text import FeedbackReading, read_feedback
from grievances.models import (
    FACEBOOK_CHANNELS,
    Attachment,
    Category,
    Feedback,
    FeedbackChannel,
    FilingToken,
    Grievance,
    GrievanceChannel,
    GrievanceEvent,
    GrievanceStatus,
    StaffNotificationKind,
)
from grievances.services._common import _active_digits, _event, _lock
from grievances.services.intake import grievance_create
from grievances.services.notify import _citizen_send_filed
from grievances.services.resolution import grievance_appeal, grievance_close, grievance_reopen
from grievances.services.staff import staff_notify
from grievances.tracking import hash_access_key, new_access_key, tracking_link
from grievances.workflow import citizen_time_to_answer_is_up
from offices.models import District, Upazila
from offices.selectors import office_for_district

Kind = GrievanceEvent.Kind
S = GrievanceStatus


# --- citizens: filing, adding information, feedback ------------------------------------------


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
    channel: str = GrievanceChannel.WEB,
) -> tuple[Grievance, str]:
    """A grievance from the web form, its files, and the tracking code by SMS and e-mail.

    Returns the grievance and its access key: shown once on screen, sent once, never stored.
    Other systems filing for a citizen through the same rules name their `channel` (Open311).
    """
    grievance, access_key = grievance_create(
        office=office_for_district(district=district),
        channel=channel,
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
    _citizen_send_filed(grievance=grievance, access_key=access_key)
    # Last, so nothing after it can fail and leave files on disk for a rolled-back grievance.
    _attachments_store(grievance=grievance, files=files)
    return grievance, access_key


def _key_stream(form_token: str, length: int) -> bytes:
    return hashlib.shake_256(b"shunani-filing-seal:" + form_token.encode()).digest(length)


def _seal(access_key: str, form_token: str) -> str:
    data = access_key.encode()
    return bytes(a ^ b for a, b in zip(data, _key_stream(form_token, len(data)), strict=True)).hex()


def _unseal(sealed: str, form_token: str) -> str:
    data = bytes.fromhex(sealed)
    return bytes(
        a ^ b for a, b in zip(data, _key_stream(form_token, len(data)), strict=True)
    ).decode()


def _filing_token_claim(token_hash: str) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING: the row's id if this request claimed the token.

    A second request with the same token waits on the unique index until the first commits
    (then finds its row) or rolls back (then claims the token itself). Never check-then-insert.
    """
    table = connection.ops.quote_name(FilingToken._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (token_hash, sealed_key, created_at) "  # noqa: S608
            "VALUES (%s, '', %s) ON CONFLICT (token_hash) DO NOTHING RETURNING id",
            [token_hash, timezone.now()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def grievance_file_once(*, form_token: str, **filing: Any) -> tuple[Grievance, str]:
    """`grievance_file_by_citizen`, at most once per form: a resend gets the same grievance.

    `form_token` is the random one-time token the form carried. Returns the grievance and its
    access key, also for a resend (read back from the sealed copy with the token).
    """
    token_hash = hashlib.sha256(form_token.encode()).hexdigest()
    claimed = _filing_token_claim(token_hash)
    if claimed is None:
        earlier = FilingToken.objects.select_related("grievance").get(token_hash=token_hash)
        assert earlier.grievance is not None  # noqa: S101  # set in the claiming transaction
        return earlier.grievance, _unseal(earlier.sealed_key, form_token)
    grievance, access_key = grievance_file_by_citizen(**filing)
    FilingToken.objects.filter(pk=claimed).update(
        grievance=grievance, sealed_key=_seal(access_key, form_token)
    )
    return grievance, access_key


FILING_TOKEN_DAYS = 2


def filing_tokens_purge() -> int:
    """Forget one-time filing tokens (and their sealed keys) after FILING_TOKEN_DAYS days."""
    cutoff = timezone.now() - timedelta(days=FILING_TOKEN_DAYS)
    deleted, _ = FilingToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted


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
    staff_notify(
        grievance=grievance,
        kind=StaffNotificationKind.CITIZEN_INFO,
        key=f"{grievance.pk}:{event.pk}",
    )
    return event


FEEDBACK_REOPEN = "reopen"
FEEDBACK_APPEAL = "appeal"


@transaction.atomic
def feedback_submit(
    *,
    grievance: Grievance,
    is_fixed: bool,
    rating: int | None,
    comment: str = "",
    next_step: str = "",
) -> Feedback:
    """The citizen's word on a resolved grievance (DESIGN.md §3.2).

    The rating (1–5) is required when it was fixed and optional when it was not.
    Fixed: the grievance closes. Not fixed: it is reopened at the same tier, or appealed to
    tier 2 (the parent office), within GRIEVANCE_CITIZEN_RESPONSE_DAYS working days.
    """
    grievance = _lock(grievance)
    if grievance.status != S.RESOLVED:
        raise ApplicationError(_("Feedback can be given once the office has resolved it."))
    if (rating is None and is_fixed) or (rating is not None and not 1 <= rating <= 5):
        raise ApplicationError(_("Choose a rating from 1 to 5."))
    if not is_fixed and next_step not in (FEEDBACK_REOPEN, FEEDBACK_APPEAL):
        raise ApplicationError(_("Choose whether to reopen or to appeal."))

    return _feedback_record(
        grievance=grievance,
        is_fixed=is_fixed,
        rating=rating,
        comment=comment,
        next_step=next_step,
        channel=FeedbackChannel.WEB,
    )


def _feedback_record(
    *,
    grievance: Grievance,
    is_fixed: bool,
    rating: int | None,
    comment: str,
    next_step: str,
    channel: str,
    data: dict[str, str] | None = None,
) -> Feedback:
    """Store the feedback and act on it (the grievance is locked and resolved)."""
    feedback = Feedback(
        grievance=grievance, is_fixed=is_fixed, rating=rating, comment=comment, channel=channel
    )
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
            "channel": channel,
            **(data or {}),
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


@dataclass(frozen=True, slots=True)
class FacebookAnswer:
    """A reply the citizen wrote on Facebook in their grievance's thread."""

    grievance_id: int
    text: str
    comment_id: str
    written_at: datetime | None = None


@transaction.atomic(savepoint=False)  # part of the caller's ingestion, or its own
def feedback_record_from_facebook(*, answers: Sequence[FacebookAnswer]) -> list[Feedback]:
    """Replies the citizen wrote on Facebook, each read as their feedback if it is one.

    Only a reply written after the grievance was resolved, while the citizen may still answer,
    is feedback. A clear answer is recorded like the tracking page's (channel Facebook, no
    rating): fixed closes the grievance, not fixed reopens it at the same tier (the tracking
    link offers the appeal). An unclear answer is never guessed: an internal note asks the
    officer to read it. One query when none of the grievances is resolved.
    """
    resolved = set(
        Grievance.objects.filter(
            pk__in={a.grievance_id for a in answers}, status=S.RESOLVED
        ).values_list("pk", flat=True)
    )
    recorded = []
    for answer in answers:
        if answer.grievance_id in resolved:
            feedback = _facebook_answer_read(answer)
            if feedback is not None:
                recorded.append(feedback)
    return recorded


def _facebook_answer_read(answer: FacebookAnswer) -> Feedback | None:
    grievance_id, text, comment_id, written_at = (
        answer.grievance_id,
        answer.text,
        answer.comment_id,
        answer.written_at,
    )
    grievance = Grievance.objects.select_for_update().get(pk=grievance_id)
    if grievance.status != S.RESOLVED or grievance.resolved_at is None:
        return None
    if written_at is not None and written_at < grievance.resolved_at:
        return None
    data = {"facebook_feedback": "", "comment_id": comment_id}
    if citizen_time_to_answer_is_up(resolved_at=grievance.resolved_at, now=timezone.now()):
        _event(
            grievance,
            Kind.NOTE,
            None,
            note=_(
                "The citizen answered on Facebook after the time to reopen or appeal had "
                "passed. Read their answer."
            ),
            data={**data, "facebook_feedback": "late"},
        )
        return None
    reading = read_feedback(text)
    if reading == FeedbackReading.UNCLEAR:
        _event(
            grievance,
            Kind.NOTE,
            None,
            note=_(
                "The citizen answered on Facebook, but it is not clear whether it was fixed. "
                "Read their answer and ask them again if needed."
            ),
            data={**data, "facebook_feedback": "unclear"},
        )
        return None
    return _feedback_record(
        grievance=grievance,
        is_fixed=reading == FeedbackReading.FIXED,
        rating=None,
        comment=text,
        next_step="" if reading == FeedbackReading.FIXED else FEEDBACK_REOPEN,
        channel=FeedbackChannel.FACEBOOK,
        data={"comment_id": comment_id},
    )


@transaction.atomic
def grievance_issue_facebook_link(*, grievance_id: int) -> tuple[Grievance, str]:
    """A new private tracking link for the citizen of a Facebook grievance, to be sent to them
    privately (Messenger). Only the key's hash is kept; an earlier key stops working (a
    Facebook grievance's first key was never given to anyone)."""
    grievance = Grievance.objects.select_for_update().get(pk=grievance_id)
    if grievance.channel not in FACEBOOK_CHANNELS:
        raise ApplicationError(_("This grievance did not come from Facebook."))
    key = new_access_key()
    grievance.access_key_hash = hash_access_key(key)
    grievance.save(update_fields=["access_key_hash", "updated_at"])
    return grievance, tracking_link(code=grievance.tracking_code, key=key)


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
