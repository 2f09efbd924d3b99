"""Public replies under the citizen's own Facebook comment: exactly one per `Reply`.

The reply's state (queued → sending → sent | failed) is grievances': this module decides what
Graph's answer means and records it through `grievances.services` (`reply_claim`,
`reply_mark_sent`, `reply_mark_failed`, `reply_defer`, `reply_requeue`), which check every
change against `REPLY_TRANSITIONS`. `sending` is committed *before* the POST, so
a crash, a timeout or a lost response leaves a trace: the next attempt first looks for the
page's own reply with the same text under that comment (graph-api.md §10.3) and only re-sends
when it is not there. Retries are queued by grievances (the outbox row is the truth; its beat
sweeper re-queues replies stuck in `queued`/`sending`), so callers just call `reply_deliver`
once. The Facebook app registers `reply_deliver` and `replies_may_attempt_now` as grievances'
"facebook" reply channel (integrations/facebook/apps.py).

Throttling (graph-api.md §6.3) is waited out, never spent: a rate limit pauses the page (or
the app, for code 4), a code-368 block stops the page's writes, and the reply keeps its
attempts and waits on `Reply.next_attempt_at`. A countdown never exceeds `countdown_cap()`
(the broker would deliver it twice); a longer wait is left to the sweeper, which picks only
replies that are due and, asking `replies_may_attempt_now`, not on a paused page.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core import pii
from grievances.models import Reply, ReplyState
from grievances.services import (
    reply_claim,
    reply_defer,
    reply_lock_for_attempt,
    reply_mark_failed,
    reply_mark_sent,
    reply_requeue,
)
from grievances.workflow import SENDING_LEASE
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
    page_pause,
)
from integrations.facebook.services.sync import app_pause, app_paused_until

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLOCK_SKEW = timedelta(minutes=2)  # Facebook's clock vs ours, for "created after the attempt"


def _writes_resume_at(page: FacebookPage, now: datetime) -> datetime | None:
    """When the page may post again (its own pauses and the app's); None: now."""
    ends = [page.writes_resume_at(now), app_paused_until()]
    latest = max((end for end in ends if end is not None), default=None)
    return latest if latest is not None and latest > now else None


def _pause_for(page: FacebookPage, exc: GraphRateLimitError | GraphPolicyBlockError) -> datetime:
    """Record Facebook's refusal where every reply and sync of the page sees it; returns when
    the page may post again. graph-api.md §6.3: 368 stops the page's writes; a page or token
    limit stops every call with its token; code 4 stops the whole app."""
    now = timezone.now()
    until = now + timedelta(seconds=exc.retry_after)
    if isinstance(exc, GraphPolicyBlockError):
        FacebookPage.objects.filter(pk=page.pk).update(writes_paused_until=until)
        return until
    if exc.scope == "app":
        app_pause(exc.retry_after)
        return until
    paused = page_pause(page=page, seconds=exc.retry_after, reason=describe_graph_error(exc))
    return max(until, paused.writes_resume_at(now) or until)


def _backoff(attempts: int) -> int:
    return min(60 * 2 ** max(attempts - 1, 0), 60 * 60)


def _contains_contact_details(reply: Reply) -> bool:
    body = reply.body
    grievance = reply.grievance
    own = [v for v in (grievance.citizen_phone, grievance.citizen_email) if v]
    return pii.contains(body, kinds=(pii.PHONE, pii.EMAIL)) or any(v in body for v in own)


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
            reply_mark_sent(reply=reply, external_id=found)
            return
        waited = timezone.now() - previous_attempt_at
        delay = timedelta(seconds=settings.FACEBOOK_REPLY_CHECK_DELAY_SECONDS)
        if waited < delay:
            # F39: a reply can take a while to show up; look again before sending again.
            # Not inside this check's own lease, or the next run would find it "running".
            reply_defer(reply=reply, until=timezone.now() + max(delay, SENDING_LEASE))
            return

    try:
        posted = graph.comment_reply(source.graph_id, message)
    except GraphError as exc:
        _after_failure(reply, page, exc)
        return
    reply_mark_sent(reply=reply, external_id=posted.id)


@transaction.atomic
def _begin(reply: Reply) -> tuple[Reply, FacebookComment, bool, datetime] | None:
    """Claim the reply: check it may go, commit `sending`. None when there is nothing to do."""
    locked = reply_lock_for_attempt(reply=reply)
    if locked is None or not locked.to_facebook:
        return None
    reply = locked
    now = timezone.now()
    if _contains_contact_details(reply):
        reply_mark_failed(
            reply=reply,
            reason=_(
                "The reply contains a phone number or an e-mail address, so it was not "
                "posted on Facebook. Remove them and send a new reply."
            ),
        )
        return None
    source = _source_comment(reply)
    if source is None:
        reply_mark_failed(
            reply=reply, reason=_("This grievance did not come from a Facebook comment.")
        )
        return None
    if source.is_removed:
        reply_mark_failed(reply=reply, reason=_removed_text())
        return None
    if source.page.state == FacebookPageState.NEEDS_REAUTH:
        reply_mark_failed(reply=reply, reason=_reauth_text())
        return None
    resume_at = _writes_resume_at(source.page, now)
    if resume_at is not None:  # throttled or blocked: wait, without spending an attempt
        reply_defer(reply=reply, until=resume_at)
        return None
    if reply.attempts >= MAX_ATTEMPTS:
        reply_mark_failed(
            reply=reply,
            reason=_("Facebook could not be reached after several attempts. Try again later."),
        )
        return None
    ambiguous = reply.state == ReplyState.SENDING
    previous_attempt_at = reply.updated_at  # for `sending`: when the lost attempt began
    return reply_claim(reply=reply), source, ambiguous, previous_attempt_at


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
        if isinstance(exc, GraphRateLimitError | GraphPolicyBlockError):
            _wait_out_throttling(reply, page, exc, checking=checking)
            return
        if checking and isinstance(exc, GraphTransientError):
            reply_defer(
                reply=reply,
                until=timezone.now() + timedelta(seconds=_backoff(reply.attempts)),
                reason=describe_graph_error(exc),
            )
            return
        if isinstance(exc, GraphNotFoundError):
            reply_mark_failed(reply=reply, reason=_removed_text())
            FacebookComment.objects.filter(
                grievance_id=reply.grievance_id, is_top_level=True, is_page_reply=False
            ).update(is_removed=True)
            return
        if isinstance(exc, GraphAuthError):
            reply_mark_failed(reply=reply, reason=_reauth_text())
            transaction.on_commit(
                lambda: page_mark_needs_reauth(page=page, reason=describe_graph_error(exc))
            )
            return
        if isinstance(exc, GraphTransientError):
            # Timeout, reset, 5xx: it may have been posted. Stay `sending`; the next attempt
            # looks for it before posting again (reply_defer keeps when the attempt began).
            reply_defer(
                reply=reply,
                until=timezone.now() + timedelta(seconds=_backoff(reply.attempts)),
                reason=_("Facebook did not answer clearly; the reply will be checked and retried."),
            )
            return
        # Graph refused the request itself (or, after a lost response, the duplicate check
        # failed for good): retrying cannot help and posting blind could post twice.
        reply_mark_failed(reply=reply, reason=describe_graph_error(exc))


def _wait_out_throttling(
    reply: Reply,
    page: FacebookPage,
    exc: GraphRateLimitError | GraphPolicyBlockError,
    *,
    checking: bool,
) -> None:
    """Facebook refused the call (throttled or blocked) before doing anything: pause the page
    or the app, give the attempt back, and wait until the pause ends."""
    resume_at = _pause_for(page, exc)
    reason = describe_graph_error(exc)
    if checking:  # the lost POST may be on Facebook: stay `sending`, keep when it began
        reply_defer(reply=reply, until=resume_at, reason=reason, give_back_attempt=True)
    else:
        reply_requeue(reply=reply, until=resume_at, reason=reason)


def replies_may_attempt_now(replies: QuerySet[Reply], now: datetime) -> QuerySet[Reply]:
    """The Facebook replies of `replies` an attempt may start on now: none while the app is
    paused, and none on a page that may not post now. grievances' sweeper asks this."""
    if app_paused_until() is not None:
        return replies.none()
    return replies.exclude(
        grievance__facebook_items__page__in=FacebookPage.objects.writes_paused(now)
    )
