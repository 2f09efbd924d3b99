"""The private link by Messenger: one private reply (graph-api.md §3.4) per comment that became
a grievance, carrying the citizen's tracking link with a private key, so a Facebook citizen can
add information and appeal like a web citizen.

Only on pages whose login granted `pages_messaging` and the MESSAGING task
(`FacebookPage.may_send_private_replies`), and only within Facebook's 7-day window.

Exactly once per comment: the `FacebookPrivateReply` row is unique per comment, and it moves
queued → sending (committed before the POST, with the key issued) → sent | failed. A row found
in `sending` may have reached the citizen (a lost answer), so it is never sent again: it is
marked failed, saying so; sending a second key would also make the first one useless. Every
failure is recorded in `error`; Facebook's own "one per comment" and "too late" refusals
(F42, codes 10900/10903) are final.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.tasks import enqueue_after_commit
from grievances.services import grievance_issue_facebook_link
from integrations.facebook.graph import GraphApi, GraphError
from integrations.facebook.models import (
    FacebookComment,
    FacebookItemKind,
    FacebookPage,
    FacebookPrivateReply,
    PrivateReplyState,
)
from integrations.facebook.services.pages import describe_graph_error, graph_api_for

logger = logging.getLogger(__name__)

# Facebook accepts a private reply within 7 days of the comment; keep a margin for the queue.
PRIVATE_REPLY_WINDOW = timedelta(days=7) - timedelta(minutes=10)
State = PrivateReplyState


def _within_window(comment: FacebookComment) -> bool:
    written = comment.created_time or comment.message_seen_at
    return written is not None and timezone.now() - written < PRIVATE_REPLY_WINDOW


def private_replies_queue(*, page: FacebookPage, comments: Sequence[FacebookComment]) -> int:
    """Queue the private link for these new grievances' comments (after commit). Returns how
    many were queued; none on a page without the messaging permission."""
    if not page.may_send_private_replies:
        return 0
    # Comments only: a visitor's post is addressed differently (recipient.post_id), which
    # the port does not offer.
    wanted = [
        c
        for c in comments
        if c.kind == FacebookItemKind.COMMENT
        and c.grievance_id
        and c.author_id
        and _within_window(c)
    ]
    if not wanted:
        return 0
    FacebookPrivateReply.objects.bulk_create(
        [FacebookPrivateReply(comment=c) for c in wanted], ignore_conflicts=True
    )
    from integrations.facebook.tasks import facebook_private_reply_task

    queued = FacebookPrivateReply.objects.filter(
        comment__in=wanted, state=State.QUEUED
    ).values_list("pk", flat=True)
    ids = list(queued)
    for pk in ids:
        enqueue_after_commit(facebook_private_reply_task, private_reply_id=pk)
    return len(ids)


# A queued row older than this lost its task (broker outage, worker restart).
REQUEUE_AFTER = timedelta(minutes=5)


def private_replies_requeue() -> int:
    """Queue again the private links still `queued` a while after they were created; a row
    whose 7 days have passed is failed by its task. Returns how many were queued."""
    from integrations.facebook.tasks import facebook_private_reply_task

    stale = timezone.now() - REQUEUE_AFTER
    ids = list(
        FacebookPrivateReply.objects.filter(state=State.QUEUED, updated_at__lt=stale)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        enqueue_after_commit(facebook_private_reply_task, private_reply_id=pk)
    return len(ids)


def _message(code: str, link: str, language: str) -> str:
    with translation.override(language or "bn"):
        return _(
            "Your grievance %(code)s has been registered. With this private link you can "
            "follow it, add information or appeal. Do not share it: %(link)s"
        ) % {"code": code, "link": link}


@transaction.atomic
def _begin(private_reply_id: int) -> tuple[FacebookPrivateReply, str] | None:
    """Claim the row and issue the key, committed before the POST. None: nothing to send."""
    row = (
        FacebookPrivateReply.objects.select_for_update()
        .select_related("comment__page")
        .filter(pk=private_reply_id)
        .first()
    )
    if row is None or row.state in (State.SENT, State.FAILED):
        return None
    if row.state == State.SENDING:
        _finish(row, State.FAILED, error=_("The link may not have been delivered: not re-sent."))
        return None
    comment = row.comment
    if not comment.page.may_send_private_replies:
        _finish(row, State.FAILED, error=_("The page may no longer send private messages."))
        return None
    if comment.grievance_id is None or not _within_window(comment):
        _finish(row, State.FAILED, error=_("Facebook's 7 days for a private reply have passed."))
        return None
    grievance, link = grievance_issue_facebook_link(grievance_id=comment.grievance_id)
    row.state = State.SENDING
    row.save(update_fields=["state", "updated_at"])
    return row, _message(grievance.tracking_code, link, grievance.language)


def _finish(
    row: FacebookPrivateReply, state: str, *, error: str = "", message_id: str = ""
) -> None:
    row.state = state
    row.error = error
    row.message_id = message_id
    row.sent_at = timezone.now() if state == State.SENT else None
    row.save(update_fields=["state", "error", "message_id", "sent_at", "updated_at"])


def private_reply_deliver(*, private_reply_id: int, graph: GraphApi | None = None) -> None:
    """Send one queued private link. Safe to run twice: only a queued row is ever sent."""
    start = _begin(private_reply_id)
    if start is None:
        return
    row, message = start
    comment = row.comment
    graph = graph or graph_api_for(comment.page)
    try:
        sent = graph.private_reply(comment.page.page_id, comment.graph_id, message)
    except GraphError as exc:
        logger.warning("private reply to comment %s failed: %s", comment.graph_id, exc.code)
        _finish(row, State.FAILED, error=describe_graph_error(exc))
        return
    _finish(row, State.SENT, message_id=sent.message_id)
