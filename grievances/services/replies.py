"""Public replies: an outbox row first, delivered by a task."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ApplicationError
from core.tasks import enqueue_after_commit
from grievances.models import (
    FACEBOOK_CHANNELS,
    Grievance,
    GrievanceEvent,
    Reply,
    ReplyState,
)
from grievances.services._common import _ensure_may_act, _event, _lock
from grievances.tasks import reply_deliver_task

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
    _ensure_may_act(actor, reply.grievance)
    if reply.state != ReplyState.FAILED:
        raise ApplicationError(_("Only a reply that failed can be sent again."))
    # A fresh start: the attempts that ran out do not count against the new try.
    reply.attempts, reply.next_attempt_at = 0, None
    reply.save(update_fields=["attempts", "next_attempt_at"])
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
