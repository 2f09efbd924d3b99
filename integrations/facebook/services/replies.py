"""Public replies under the citizen's own Facebook comment: exactly one per `Reply`.

State machine: queued → sending → sent | failed. `sending` is committed *before* the POST, so
a crash, a timeout or a lost response leaves a trace: the next attempt first looks for the
page's own reply with the same text under that comment (graph-api.md §10.3) and only re-sends
when it is not there. Retries are queued here (the outbox row is the truth; a beat sweeper
re-queues replies stuck in `queued`/`sending`), so callers just call `reply_deliver` once.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks import enqueue_after_commit
from grievances.models import Reply, ReplyState
from integrations.facebook.graph import (
    GraphApi,
    GraphAuthError,
    GraphError,
    GraphNotFoundError,
    GraphPolicyBlockError,
    GraphRateLimitError,
    GraphTransientError,
)
from integrations.facebook.models import FacebookComment, FacebookPage, FacebookPageState
from integrations.facebook.services.pages import (
    describe_graph_error,
    graph_api_for,
    page_mark_needs_reauth,
)
from integrations.facebook.tasks import facebook_reply_deliver_task

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# How long one attempt may hold `sending` before another may assume it died: longer than a
# POST can take (FACEBOOK_GRAPH_TIMEOUT), shorter than the first retry.
SENDING_LEASE = timedelta(seconds=45)
CLOCK_SKEW = timedelta(minutes=2)  # Facebook's clock vs ours, for "created after the attempt"

_PHONE = re.compile(r"(?:\+?88)?0?1[3-9]\d{8}|(?:\+?৮৮)?০?১[৩-৯][০-৯]{8}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _retry_later(reply: Reply, seconds: int) -> None:
    enqueue_after_commit(facebook_reply_deliver_task, countdown=seconds, reply_id=reply.pk)


def _backoff(attempts: int) -> int:
    return min(60 * 2 ** max(attempts - 1, 0), 60 * 60)


def _finish(reply: Reply, *, state: str, error: str = "", external_id: str = "") -> None:
    reply.state = state
    reply.last_error = error
    fields = ["state", "last_error", "updated_at"]
    if state == ReplyState.SENT:
        reply.external_id, reply.sent_at = external_id, timezone.now()
        fields += ["external_id", "sent_at"]
    reply.save(update_fields=fields)


def _contains_contact_details(reply: Reply) -> bool:
    body = reply.body
    grievance = reply.grievance
    own = [v for v in (grievance.citizen_phone, grievance.citizen_email) if v]
    return bool(_PHONE.search(body) or _EMAIL.search(body) or any(v in body for v in own))


def _source_comment(reply: Reply) -> FacebookComment | None:
    return (
        FacebookComment.objects.select_related("page")
        .filter(grievance_id=reply.grievance_id, is_top_level=True, is_page_reply=False)
        .order_by("created_time", "pk")
        .first()
    )


def reply_deliver(*, reply: Reply, graph: GraphApi | None = None) -> None:
    """Post `reply` under the grievance's Facebook comment, exactly once. Safe to run twice."""
    start = _begin(reply)
    if start is None:
        return
    reply, source, ambiguous, previous_attempt_at = start
    page = source.page
    graph = graph or graph_api_for(page)
    message = reply.body.strip()

    if ambiguous:
        try:
            found = _find_own_reply(graph, reply, source)
        except GraphError as exc:
            _after_failure(reply, page, exc, checking=True)
            return
        if found:
            with transaction.atomic():
                locked = Reply.objects.select_for_update().get(pk=reply.pk)
            _finish(locked, state=ReplyState.SENT, external_id=found)
            return
        waited = timezone.now() - previous_attempt_at
        if waited < timedelta(seconds=settings.FACEBOOK_REPLY_CHECK_DELAY_SECONDS):
            # F39: a reply can take a while to show up; look again before sending again.
            with transaction.atomic():
                _retry_later(reply, settings.FACEBOOK_REPLY_CHECK_DELAY_SECONDS)
            return

    try:
        posted = graph.comment_reply(source.graph_id, message)
    except GraphError as exc:
        _after_failure(reply, page, exc)
        return
    with transaction.atomic():
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        _finish(reply, state=ReplyState.SENT, external_id=posted.id)


@transaction.atomic
def _begin(reply: Reply) -> tuple[Reply, FacebookComment, bool, datetime] | None:
    """Claim the reply: check it may go, commit `sending`. None when there is nothing to do."""
    reply = Reply.objects.select_for_update().select_related("grievance").get(pk=reply.pk)
    if reply.state in (ReplyState.SENT, ReplyState.FAILED) or not reply.to_facebook:
        return None
    now = timezone.now()
    if reply.state == ReplyState.SENDING and now - reply.updated_at < SENDING_LEASE:
        _retry_later(reply, int(SENDING_LEASE.total_seconds()))  # another attempt is running
        return None
    if _contains_contact_details(reply):
        _finish(
            reply,
            state=ReplyState.FAILED,
            error=_(
                "The reply contains a phone number or an e-mail address, so it was not "
                "posted on Facebook. Remove them and send a new reply."
            ),
        )
        return None
    source = _source_comment(reply)
    if source is None:
        _finish(
            reply,
            state=ReplyState.FAILED,
            error=_("This grievance did not come from a Facebook comment."),
        )
        return None
    if source.is_removed:
        _finish(reply, state=ReplyState.FAILED, error=_removed_text())
        return None
    if source.page.state == FacebookPageState.NEEDS_REAUTH:
        _finish(reply, state=ReplyState.FAILED, error=_reauth_text())
        return None
    blocked_until = source.page.writes_paused_until
    if blocked_until is not None and blocked_until > now:
        _retry_later(reply, int((blocked_until - now).total_seconds()) + 1)
        return None
    if reply.attempts >= MAX_ATTEMPTS:
        _finish(
            reply,
            state=ReplyState.FAILED,
            error=_("Facebook could not be reached after several attempts. Try again later."),
        )
        return None
    ambiguous = reply.state == ReplyState.SENDING
    previous_attempt_at = reply.updated_at  # for `sending`: when the lost attempt began
    reply.state = ReplyState.SENDING
    reply.attempts += 1
    reply.first_attempt_at = reply.first_attempt_at or now
    reply.save(update_fields=["state", "attempts", "first_attempt_at", "updated_at"])
    return reply, source, ambiguous, previous_attempt_at


def _removed_text() -> str:
    return _("The citizen's comment was removed from Facebook, so the reply cannot go under it.")


def _reauth_text() -> str:
    return _("The office's Facebook page must be connected again before replies can be posted.")


def _find_own_reply(graph: GraphApi, reply: Reply, source: FacebookComment) -> str:
    """The id of the page's reply with exactly this text, made since the first attempt."""
    message = reply.body.strip()
    after = (reply.first_attempt_at or reply.created_at) - CLOCK_SKEW
    for candidate in graph.recent_page_replies(source.graph_id, source.page.page_id):
        if candidate.message.strip() == message and candidate.created_time >= after:
            return candidate.id
    return ""


def _after_failure(
    reply: Reply, page: FacebookPage, exc: GraphError, *, checking: bool = False
) -> None:
    """Record the failure in words; decide between failing, retrying and checking first.

    `checking`: the failure came from looking for a reply whose POST lost its answer. That
    reply may be on Facebook, so it stays `sending` (checked again next time) whatever the
    error: only a finished check may let it be posted again.
    """
    with transaction.atomic():
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        if reply.state != ReplyState.SENDING:
            return
        if isinstance(exc, GraphPolicyBlockError):
            FacebookPage.objects.filter(pk=page.pk).update(
                writes_paused_until=timezone.now() + timedelta(seconds=exc.retry_after)
            )
        if checking and isinstance(exc, GraphTransientError | GraphPolicyBlockError):
            reply.last_error = describe_graph_error(exc)
            reply.save(update_fields=["last_error"])  # keep updated_at: when the POST began
            retry_after = getattr(exc, "retry_after", 0) or _backoff(reply.attempts)
            _retry_later(reply, retry_after)
            return
        if isinstance(exc, GraphNotFoundError):
            _finish(reply, state=ReplyState.FAILED, error=_removed_text())
            FacebookComment.objects.filter(
                grievance_id=reply.grievance_id, is_top_level=True, is_page_reply=False
            ).update(is_removed=True)
            return
        if isinstance(exc, GraphAuthError):
            _finish(reply, state=ReplyState.FAILED, error=_reauth_text())
            transaction.on_commit(
                lambda: page_mark_needs_reauth(page=page, reason=describe_graph_error(exc))
            )
            return
        if isinstance(exc, GraphRateLimitError | GraphPolicyBlockError):
            # Refused before anything was posted: not ambiguous.
            reply.state = ReplyState.QUEUED
            reply.last_error = describe_graph_error(exc)
            reply.save(update_fields=["state", "last_error", "updated_at"])
            _retry_later(reply, exc.retry_after)
            return
        if isinstance(exc, GraphTransientError):
            # Timeout, reset, 5xx: it may have been posted. Stay `sending`; the next attempt
            # looks for it before posting again.
            reply.last_error = _(
                "Facebook did not answer clearly; the reply will be checked and retried."
            )
            reply.save(update_fields=["last_error"])  # keep updated_at: when the attempt began
            _retry_later(reply, _backoff(reply.attempts))
            return
        # Graph refused the request itself (or, after a lost response, the duplicate check
        # failed for good): retrying cannot help and posting blind could post twice.
        _finish(reply, state=ReplyState.FAILED, error=describe_graph_error(exc))


def replies_requeue() -> int:
    """Queue again Facebook replies stuck in `queued` or `sending` (lost tasks, Redis restarts)."""
    cutoff = timezone.now() - SENDING_LEASE * 2
    stuck = list(
        Reply.objects.filter(
            to_facebook=True,
            state__in=[ReplyState.QUEUED, ReplyState.SENDING],
            updated_at__lt=cutoff,
        ).values_list("pk", flat=True)[:1000]
    )
    for reply_id in stuck:
        facebook_reply_deliver_task.delay(reply_id=reply_id)
    return len(stuck)
