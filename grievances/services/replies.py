"""Public replies: an outbox row first, delivered by a task.

Every change of a reply's state is made here, checked against `REPLY_TRANSITIONS`
(grievances/workflow.py). A delivery channel (Facebook) decides what its attempt came to and
records it through these functions: `reply_claim`, `reply_mark_sent`, `reply_mark_failed`,
`reply_defer`, `reply_requeue`.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ApplicationError
from core.tasks import countdown_cap, enqueue_after_commit
from grievances.models import (
    FACEBOOK_CHANNELS,
    Grievance,
    GrievanceEvent,
    GrievanceStatus,
    Reply,
    ReplyState,
    StaffNotificationKind,
)
from grievances.reply_channels import FACEBOOK, reply_channel
from grievances.services._common import _ensure_may_act, _event, _lock
from grievances.services.staff import staff_notify
from grievances.tasks import reply_deliver_task
from grievances.workflow import DUE_TOLERANCE, SENDING_LEASE, reply_can_transition

Kind = GrievanceEvent.Kind


# Facebook allows 8,000 characters in a comment; SMS and the tracking page are happier shorter.
REPLY_MAX_LENGTH = 2000


# --- public replies: an outbox row first, delivered by a task ---------------------------------


@transaction.atomic
def reply_create(*, grievance: Grievance, author: User, body: str, to_facebook: bool) -> Reply:
    """Queue a public reply: PUBLIC_REPLY event, response times, delivery after commit."""
    grievance = _lock(grievance)
    _ensure_may_act(author, grievance)
    body = body.strip()
    if not body:
        raise ApplicationError(_("Write the reply."))
    if len(body) > REPLY_MAX_LENGTH:
        raise ApplicationError(
            _("A reply can be at most %(max)s characters long.") % {"max": REPLY_MAX_LENGTH}
        )
    if to_facebook and grievance.channel not in FACEBOOK_CHANNELS:
        raise ApplicationError(_("This grievance did not come from Facebook."))

    if to_facebook and grievance.status == GrievanceStatus.RESOLVED:
        body = f"{body}\n\n{_feedback_question(grievance)}"

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


def _feedback_question(grievance: Grievance) -> str:
    """Asked under the office's answer on Facebook, in the grievance's language; the citizen's
    reply is read as feedback (services.feedback_record_from_facebook)."""
    with translation.override(grievance.language or "bn"):
        return _('Was it fixed? Please answer under this comment: "yes, fixed" or "no, not fixed".')


@transaction.atomic
def reply_retry(*, reply: Reply, actor: User) -> Reply:
    """Send a failed reply again. Safe to click twice: only a failed reply is re-queued."""
    reply = Reply.objects.select_for_update().select_related("grievance__office").get(pk=reply.pk)
    _ensure_may_act(actor, reply.grievance)
    if reply.state != ReplyState.FAILED:
        raise ApplicationError(_("Only a reply that failed can be sent again."))
    # A fresh start: the attempts that ran out do not count against the new try.
    reply.attempts, reply.next_attempt_at = 0, None
    reply.save(update_fields=["attempts", "next_attempt_at"])
    _move(reply, ReplyState.QUEUED)
    enqueue_after_commit(reply_deliver_task, reply_id=reply.pk)
    return reply


@transaction.atomic
def reply_mark_sent(*, reply: Reply, external_id: str = "") -> Reply:
    """Delivered (a citizen-only reply is delivered once it shows on the tracking page).

    An attempt counts when it begins: a claimed (`sending`) reply counted it then; one sent
    without a claim counts it now.
    """
    reply = _lock_reply(reply)
    if reply.state == ReplyState.SENT:
        return reply
    now = timezone.now()
    if reply.state != ReplyState.SENDING:
        reply.attempts += 1
    reply.sent_at = now
    reply.external_id = external_id or reply.external_id
    reply.first_attempt_at = reply.first_attempt_at or now
    reply.last_error = ""
    _move(
        reply,
        ReplyState.SENT,
        "sent_at",
        "external_id",
        "attempts",
        "first_attempt_at",
        "last_error",
    )
    return reply


def reply_lock_for_attempt(*, reply: Reply) -> Reply | None:
    """The reply, locked, if an attempt may start on it now; None if there is nothing to do.

    Nothing to do: it is sent or failed, it waits (`next_attempt_at`) and is not due yet, or
    another attempt holds it (`sending` for less than `SENDING_LEASE`; an attempt that died
    is taken over after it). Call it inside the transaction that goes on to claim the reply.
    """
    reply = Reply.objects.select_for_update().select_related("grievance").get(pk=reply.pk)
    if reply.state in (ReplyState.SENT, ReplyState.FAILED):
        return None
    now = timezone.now()
    if reply.next_attempt_at is not None and reply.next_attempt_at > now + DUE_TOLERANCE:
        return None  # not due yet: its own task or the sweeper comes back then
    if reply.state == ReplyState.SENDING and now - reply.updated_at < SENDING_LEASE:
        return None  # another attempt is running; if it died, the sweeper picks the reply up
    return reply


@transaction.atomic
def reply_claim(*, reply: Reply) -> Reply:
    """An attempt begins: `sending` is committed before the delivery, and the attempt counted.

    A reply already `sending` (an attempt that died or lost its answer) is taken over.
    """
    reply = _lock_reply(reply)
    now = timezone.now()
    reply.attempts += 1
    reply.first_attempt_at = reply.first_attempt_at or now
    reply.next_attempt_at = None
    if reply.state == ReplyState.SENDING:
        reply.save(update_fields=["attempts", "first_attempt_at", "next_attempt_at", "updated_at"])
    else:
        _move(reply, ReplyState.SENDING, "attempts", "first_attempt_at", "next_attempt_at")
    return reply


@transaction.atomic
def reply_mark_failed(*, reply: Reply, reason: str) -> Reply:
    """It cannot be delivered; `reason` is shown to the officer, who may send it again."""
    reply = _lock_reply(reply)
    reply.last_error = reason
    _move(reply, ReplyState.FAILED, "last_error")
    # Its author is told; a reply sent again and failing again is told again (per attempt).
    staff_notify(
        grievance=reply.grievance,
        kind=StaffNotificationKind.REPLY_FAILED,
        key=f"{reply.pk}:{reply.attempts}",
        person=reply.author,
    )
    return reply


@transaction.atomic
def reply_defer(
    *, reply: Reply, until: datetime, reason: str | None = None, give_back_attempt: bool = False
) -> Reply:
    """Come back to the reply at `until`; its state stays.

    `updated_at` stays too: for `sending` it is when the attempt began, which the next
    attempt needs. `give_back_attempt`: the attempt did nothing (refused before it began).
    """
    reply = _lock_reply(reply)
    fields = ["next_attempt_at"]
    if reason is not None:
        reply.last_error = reason
        fields.append("last_error")
    if give_back_attempt:
        reply.attempts = max(reply.attempts - 1, 0)
        fields.append("attempts")
    reply.next_attempt_at = until
    reply.save(update_fields=fields)
    _come_back_at(reply, until)
    return reply


@transaction.atomic
def reply_requeue(*, reply: Reply, until: datetime, reason: str) -> Reply:
    """The attempt was refused before it did anything: the reply is queued again, the attempt
    given back, and it waits until `until`."""
    reply = _lock_reply(reply)
    reply.attempts = max(reply.attempts - 1, 0)
    reply.last_error = reason
    reply.next_attempt_at = until
    _move(reply, ReplyState.QUEUED, "attempts", "last_error", "next_attempt_at")
    _come_back_at(reply, until)
    return reply


def _come_back_at(reply: Reply, when: datetime) -> None:
    """Queue the delivery task for `when` if its countdown fits under the cap; a longer wait
    is the sweeper's (it picks replies that are due), so one reply never has a pile of
    countdown tasks."""
    seconds = max(1, round((when - timezone.now()).total_seconds()))  # early by < 1 s: fine
    if seconds <= countdown_cap():
        enqueue_after_commit(reply_deliver_task, countdown=seconds, reply_id=reply.pk)


def _lock_reply(reply: Reply) -> Reply:
    return Reply.objects.select_for_update().get(pk=reply.pk)


def _move(reply: Reply, target: ReplyState, *fields: str) -> None:
    """The one place a reply's state is written, checked against `REPLY_TRANSITIONS`.
    The caller holds the row lock and has set `fields`, which are saved with the state."""
    if not reply_can_transition(reply.state, target):
        raise ApplicationError(
            _("A reply that is %(state)s cannot become %(target)s.")
            % {"state": ReplyState(reply.state).label, "target": target.label}
        )
    reply.state = target
    reply.save(update_fields=["state", *fields, "updated_at"])


@transaction.atomic
def reply_record_undeliverable(*, reply: Reply, error: str) -> Reply:
    """Leave the reply queued with a reason a person can read (e.g. no delivery channel yet)."""
    reply = _lock_reply(reply)
    if reply.state == ReplyState.SENT:
        return reply
    reply.last_error = error[:1000]
    reply.save(update_fields=["last_error", "updated_at"])
    return reply


def reply_dispatch(*, reply: Reply) -> None:
    """One delivery attempt, whatever the reply's channel. Safe to run twice.

    A citizen-only reply is delivered once it is on the tracking page (the citizen's SMS or
    e-mail follows its PUBLIC_REPLY event). A Facebook reply goes to the channel the Facebook
    app registered (`grievances.reply_channels`), which makes the Graph call and records what
    came of it through the functions above.
    """
    if not reply.to_facebook:
        reply_mark_sent(reply=reply)
        return
    channel = reply_channel(FACEBOOK)
    if channel is None:
        reply_record_undeliverable(
            reply=reply, error="Facebook delivery is not available: no reply channel registered."
        )
        return
    channel.deliver(reply=reply)
