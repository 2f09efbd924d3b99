"""Turn what Facebook told us (webhook changes, polls) into comment rows and grievances.

Every observation of a comment or visitor post is merged into its `FacebookComment` row under a
row lock, and the merge is order-free: webhooks delivered 1-3 times in any order (an edit or a
removal before the comment itself) and polls at any moment converge to the same rows, the same
grievances and the same events. Rules (DESIGN.md §3.3):

- one grievance per top-level comment or visitor post by a citizen, in the page's office;
- a later reply in that thread by the same author joins it (SOURCE_MESSAGE);
- the page's own comments are our replies (echo), never grievances;
- edits update the text (the newest observation wins) and add SOURCE_EDITED once per edited
  text; removals and hides mark the source (SOURCE_REMOVED, SOURCE_HIDDEN), never delete.

Idempotency comes from the unique `graph_id`: rows are created with INSERT ... ON CONFLICT DO
NOTHING, then locked in `graph_id` order (so concurrent workers queue instead of deadlocking),
and a grievance is linked in the same transaction, so each is created exactly once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, JSONField
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances.models import GrievanceChannel, GrievanceEvent
from grievances.services import (
    FacebookAnswer,
    GrievanceDraft,
    SourceChange,
    feedback_record_from_facebook,
    grievance_create_batch,
    grievance_record_source_changes,
)
from integrations.facebook.graph import GraphComment, GraphFeedChange, GraphPost
from integrations.facebook.models import FacebookComment, FacebookItemKind, FacebookPage
from integrations.facebook.services.private_replies import private_replies_queue
from integrations.facebook.wire import feed_changes_from_webhook

Kind = GrievanceEvent.Kind

# An observation's verb: a webhook's (wire.feed_changes_from_webhook) or "poll", a read by
# the reconciler.
ADD, EDITED, REMOVE, HIDE, UNHIDE, POLL = "add", "edited", "remove", "hide", "unhide", "poll"
SUBJECT_LENGTH = 80

_MUTABLE_FIELDS = [
    "kind",
    "post_id",
    "parent_id",
    "is_top_level",
    "is_page_reply",
    "author_id",
    "author_name",
    "message",
    "created_time",
    "is_edited",
    "is_removed",
    "is_hidden",
    "content_hash",
    "raw",
    "grievance",
    "message_seen_at",
    "hidden_seen_at",
    "original_hash",
    "original_seen_at",
    "original_from_add",
    "seen_hashes",
    "edited_hashes",
    "recorded_edit_hashes",
    "was_hidden",
    "hidden_recorded",
    "removal_recorded",
    "message_recorded",
    "updated_at",
]


@dataclass(frozen=True, slots=True)
class Observation:
    """One thing Facebook said about one comment or post, at `seen_at`."""

    graph_id: str
    verb: str  # add, edited, remove, hide, unhide, poll
    seen_at: datetime  # webhook: when Facebook sent it; poll: when we read it
    kind: str = FacebookItemKind.COMMENT
    post_id: str = ""
    parent_id: str = ""
    author_id: str = ""
    author_name: str = ""
    message: str | None = None  # None: this observation did not include the text
    created_time: datetime | None = None
    is_hidden: bool | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(slots=True)
class IngestResult:
    items: int = 0
    grievances_created: int = 0
    events: int = 0

    def __iadd__(self, other: IngestResult) -> IngestResult:
        self.items += other.items
        self.grievances_created += other.grievances_created
        self.events += other.events
        return self


# --------------------------------------------------------------------------- parsing


def observations_from_webhook(
    payload: Any, *, received_at: datetime | None = None
) -> dict[str, list[Observation]]:
    """Observations in a Page `feed` webhook body, by page id. Unknown items are skipped."""
    found: dict[str, list[Observation]] = {}
    for change in feed_changes_from_webhook(payload, received_at=received_at or timezone.now()):
        found.setdefault(change.page_id, []).append(observation_from_change(change))
    return found


def observation_from_change(change: GraphFeedChange) -> Observation:
    return Observation(
        graph_id=change.object_id,
        verb=change.verb,
        seen_at=change.sent_at,
        kind=FacebookItemKind.POST if change.item == "post" else FacebookItemKind.COMMENT,
        post_id=change.post_id,
        parent_id=change.parent_id,
        author_id=change.from_id,
        author_name=change.from_name,
        message=change.message,
        created_time=change.created_time,
        is_hidden=change.is_hidden,
        raw=change.raw,
    )


def observation_from_comment(
    comment: GraphComment, *, seen_at: datetime, post_id: str = ""
) -> Observation:
    """`post_id`: the post the comment was listed under, when Graph's answer does not say."""
    post_id = comment.post_id or post_id
    return Observation(
        graph_id=comment.id,
        verb=POLL,
        seen_at=seen_at,
        kind=FacebookItemKind.COMMENT,
        post_id=post_id,
        parent_id=comment.parent_id or post_id,
        author_id=comment.from_id,
        author_name=comment.from_name,
        message=comment.message,
        created_time=comment.created_time,
        is_hidden=comment.is_hidden,
        raw=dict(comment.raw),
    )


def observation_from_post(post: GraphPost, *, seen_at: datetime) -> Observation:
    return Observation(
        graph_id=post.id,
        verb=POLL,
        seen_at=seen_at,
        kind=FacebookItemKind.POST,
        post_id=post.id,
        author_id=post.from_id,
        author_name=post.from_name,
        message=post.message,
        created_time=post.created_time,
        is_hidden=post.is_hidden,
        raw=dict(post.raw),
    )


# --------------------------------------------------------------------------- merging


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _edit_hashes(row: FacebookComment) -> set[str]:
    """Texts known to be edits: from `edited` changes, or differing from the original text."""
    edits = set(row.edited_hashes)
    if row.original_hash:
        edits.update(h for h in row.seen_hashes if h != row.original_hash)
    return edits


def _merge(row: FacebookComment, obs: Observation, page_id: str) -> None:
    """Fold one observation into the row. Commutative up to `seen_at` ties."""
    if obs.kind == FacebookItemKind.POST:
        row.kind = FacebookItemKind.POST
    if obs.post_id and not row.post_id:
        row.post_id = obs.post_id
    if obs.kind == FacebookItemKind.POST:
        row.is_top_level = True
    elif obs.parent_id and not row.parent_id:
        row.parent_id = obs.parent_id
        row.is_top_level = obs.parent_id == row.post_id
    if obs.author_id and not row.author_id:
        row.author_id = obs.author_id
        row.is_page_reply = obs.author_id == page_id
    if obs.author_name and not row.author_name:
        row.author_name = obs.author_name[:200]
    if obs.created_time and not row.created_time:
        row.created_time = obs.created_time
    if obs.verb == REMOVE:
        row.is_removed = True
        if not row.raw:
            row.raw = dict(obs.raw)

    if obs.message is not None:
        digest = _short_hash(obs.message)
        if obs.verb == ADD:
            if not row.original_from_add:
                row.original_hash, row.original_from_add = digest, True
                row.original_seen_at = obs.seen_at
        elif obs.verb == EDITED:
            if digest not in row.edited_hashes:
                row.edited_hashes = [*row.edited_hashes, digest]
        elif not row.original_from_add and (
            row.original_seen_at is None or obs.seen_at < row.original_seen_at
        ):
            # Until the `add` arrives, the earliest text seen (by a poll or a hide) stands in
            # for the original; a later text that differs is an edit (graph-api.md F32).
            row.original_hash, row.original_seen_at = digest, obs.seen_at
        if obs.verb != EDITED and digest not in row.seen_hashes:
            row.seen_hashes = [*row.seen_hashes, digest]
        newer = row.message_seen_at is None or obs.seen_at > row.message_seen_at
        # Same second: an edit is newer than the text it edits.
        if newer or (obs.seen_at == row.message_seen_at and obs.verb == EDITED):
            row.message = obs.message
            row.content_hash = hashlib.sha256(obs.message.encode()).hexdigest()
            row.message_seen_at = obs.seen_at
            row.raw = dict(obs.raw)

    if obs.is_hidden is not None:
        if row.hidden_seen_at is None or obs.seen_at >= row.hidden_seen_at:
            row.is_hidden, row.hidden_seen_at = obs.is_hidden, obs.seen_at
        row.was_hidden = row.was_hidden or obs.is_hidden
    row.is_edited = bool(_edit_hashes(row))


def _wants_grievance(row: FacebookComment) -> bool:
    return (
        row.grievance_id is None
        and row.is_top_level
        and not row.is_page_reply
        and row.message_seen_at is not None  # we know what the citizen wrote
    )


def _is_citizen_reply(row: FacebookComment) -> bool:
    return (
        row.grievance_id is None
        and not row.is_top_level
        and not row.is_page_reply
        and bool(row.author_id)
        and row.message_seen_at is not None
    )


def _description(row: FacebookComment) -> str:
    return row.message.strip() or _("(a photo or sticker without text)")


def _subject(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    if len(first_line) <= SUBJECT_LENGTH:
        return first_line
    return first_line[: SUBJECT_LENGTH - 1] + "…"


@transaction.atomic
def comments_ingest(*, page: FacebookPage, observations: Sequence[Observation]) -> IngestResult:
    """Merge a batch of observations from one page. Safe to run twice, in any order."""
    if not observations:
        return IngestResult()
    ids = {obs.graph_id for obs in observations}
    # A reply's parent is locked too, so a reply and its parent processed at the same time
    # by two workers cannot both miss each other.
    parent_ids = {
        obs.parent_id
        for obs in observations
        if obs.kind == FacebookItemKind.COMMENT and obs.parent_id and obs.parent_id != obs.post_id
    }
    _insert_stubs(page, sorted(ids | parent_ids))
    rows = {
        row.graph_id: row
        for row in FacebookComment.objects.select_for_update()
        .filter(graph_id__in=ids | parent_ids, page=page)
        .order_by("graph_id")
    }

    before = {gid: _state(row) for gid, row in rows.items()}
    for obs in observations:
        row = rows.get(obs.graph_id)
        if row is not None:  # a row of another page with this id is not ours to change
            _merge(row, obs, page.page_id)

    result = IngestResult(items=len(ids))
    created = _create_grievances(page, [r for r in rows.values() if _wants_grievance(r)])
    result.grievances_created = len(created)
    private_replies_queue(page=page, comments=created)
    orphans = _adopt_orphans(page, created, locked=set(rows))
    before.update({row.graph_id: _state(row) for row in orphans})
    rows.update({row.graph_id: row for row in orphans})
    for row in rows.values():
        if _is_citizen_reply(row):
            parent = rows.get(row.parent_id)
            if parent is not None and parent.grievance_id and parent.author_id == row.author_id:
                row.grievance_id = parent.grievance_id

    changes = _pending_changes(rows.values(), created={r.graph_id for r in created})
    result.events = len(grievance_record_source_changes(changes=changes))
    _read_feedback(changes, rows)
    changed = [row for row in rows.values() if _state(row) != before.get(row.graph_id)]
    _update_rows(changed)
    return result


def _read_feedback(changes: Sequence[SourceChange], rows: Mapping[str, FacebookComment]) -> None:
    """A citizen's new reply in their grievance's thread may answer "was it fixed?":
    grievances decides (it reads only replies written after the grievance was resolved)."""
    answers = []
    for change in changes:
        if change.kind != Kind.SOURCE_MESSAGE or change.data is None:
            continue
        row = rows[change.data["comment_id"]]
        answers.append(
            FacebookAnswer(
                grievance_id=change.grievance_id,
                text=row.message,
                comment_id=row.graph_id,
                written_at=row.created_time,
            )
        )
    if answers:
        feedback_record_from_facebook(answers=answers)


def _state(row: FacebookComment) -> tuple[Any, ...]:
    return tuple(getattr(row, f.attname) for f in _update_fields())


@cache
def _update_fields() -> list[Field[Any, Any]]:
    names = [n for n in _MUTABLE_FIELDS if n != "updated_at"]
    return [FacebookComment._meta.get_field(name) for name in names]  # type: ignore[misc]


def _insert_stubs(page: FacebookPage, graph_ids: list[str]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING of empty rows for ids not seen before, in one
    statement: every column but the id is the same for all of them."""
    now = timezone.now()
    template = FacebookComment(graph_id="", page=page, created_at=now, updated_at=now)
    fields = [
        f
        for f in FacebookComment._meta.concrete_fields
        if not f.primary_key and f.name != "graph_id"
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    constants = ", ".join(f"%s::{f.db_type(connection)}" for f in fields)
    # The constants come first in the statement text, the array of ids last.
    params = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    table = FacebookComment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (graph_id, {columns}) "  # noqa: S608 -- names from the model
            f"SELECT g, {constants} FROM unnest(%s::varchar[]) AS g "
            "ON CONFLICT (graph_id) DO NOTHING",
            [*params, graph_ids],
        )


def _update_rows(rows: list[FacebookComment]) -> None:
    """One UPDATE ... FROM (VALUES ...) for the batch: Django's bulk_update builds a CASE per
    field and row, which costs more than the rest of the ingestion put together."""
    if not rows:
        return
    now = timezone.now()
    fields = [*_update_fields(), FacebookComment._meta.get_field("updated_at")]
    for row in rows:
        row.updated_at = now
    casts = ", ".join(f"%s::{f.db_type(connection)}" for f in fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    assignments = ", ".join(
        f"{connection.ops.quote_name(f.column)} = v.{connection.ops.quote_name(f.column)}"
        for f in fields
    )
    table = FacebookComment._meta.db_table
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        values = ", ".join(f"(%s::bigint, {casts})" for _ in chunk)
        params: list[Any] = []
        for row in chunk:
            params.append(row.pk)
            params.extend(
                json.dumps(getattr(row, f.attname))
                if isinstance(f, JSONField)
                else getattr(row, f.attname)
                for f in fields
            )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} "  # noqa: S608 -- names from the model
                f"FROM (VALUES {values}) AS v(id, {columns}) WHERE t.id = v.id",
                params,
            )


def _create_grievances(page: FacebookPage, rows: list[FacebookComment]) -> list[FacebookComment]:
    drafts = [
        GrievanceDraft(
            channel=GrievanceChannel.FACEBOOK_POST
            if row.kind == FacebookItemKind.POST
            else GrievanceChannel.FACEBOOK_COMMENT,
            description=_description(row),
            subject=_subject(row.message),
            citizen_name=row.author_name,
            received_at=row.created_time or row.message_seen_at or timezone.now(),
        )
        for row in rows
    ]
    # Triage reads the batch in there: praise and spam may be set aside (issue 13).
    grievances = grievance_create_batch(office=page.office, drafts=drafts)
    for row, grievance in zip(rows, grievances, strict=True):
        row.grievance = grievance
        # The grievance was made from the text as it is now; its edits are events below.
        row.message_recorded = True
    return rows


def _adopt_orphans(
    page: FacebookPage, roots: list[FacebookComment], *, locked: set[str]
) -> list[FacebookComment]:
    """Replies by the same author that arrived before the comment they answer."""
    if not roots:
        return []
    return list(
        FacebookComment.objects.select_for_update()
        .filter(
            page=page,
            parent_id__in=[r.graph_id for r in roots],
            grievance__isnull=True,
            is_top_level=False,
            is_page_reply=False,
        )
        .exclude(graph_id__in=locked)
        .exclude(author_id="")
        .order_by("graph_id")
    )


def _pending_changes(rows: Iterable[FacebookComment], *, created: set[str]) -> list[SourceChange]:
    changes: list[SourceChange] = []
    for row in sorted(rows, key=lambda r: r.graph_id):
        if row.grievance_id is None:
            continue
        is_root = row.is_top_level
        ref = {"comment_id": row.graph_id}
        if not row.message_recorded:  # a reply that joined the grievance
            changes.append(
                SourceChange(
                    grievance_id=row.grievance_id,
                    kind=Kind.SOURCE_MESSAGE,
                    note=row.message,
                    data=ref,
                )
            )
            row.message_recorded = True
        new_edits = sorted(_edit_hashes(row) - set(row.recorded_edit_hashes))
        current = _short_hash(row.message) if row.message_seen_at else ""
        for digest in new_edits:
            changes.append(
                SourceChange(
                    grievance_id=row.grievance_id,
                    kind=Kind.SOURCE_EDITED,
                    note=row.message if digest == current else "",
                    data={**ref, "text_hash": digest},
                    description=_description(row)
                    if is_root and row.graph_id not in created
                    else None,
                )
            )
        if new_edits:
            row.recorded_edit_hashes = [*row.recorded_edit_hashes, *new_edits]
        if row.is_removed and not row.removal_recorded:
            changes.append(
                SourceChange(grievance_id=row.grievance_id, kind=Kind.SOURCE_REMOVED, data=ref)
            )
            row.removal_recorded = True
        if row.was_hidden and not row.hidden_recorded:
            changes.append(
                SourceChange(grievance_id=row.grievance_id, kind=Kind.SOURCE_HIDDEN, data=ref)
            )
            row.hidden_recorded = True
    return changes
