"""The polling reconciler: read a page's recent posts and comments and ingest them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.facebook.crypto import TokenDecryptionError
from integrations.facebook.graph import (
    GraphApi,
    GraphAuthError,
    GraphComment,
    GraphCursorLimitError,
    GraphError,
    GraphNotFoundError,
    GraphPolicyBlockError,
    GraphRateLimitError,
    GraphTransientError,
)
from integrations.facebook.models import FacebookPage
from integrations.facebook.services.ingest import (
    IngestResult,
    Observation,
    comments_ingest,
    observation_from_comment,
    observation_from_post,
)
from integrations.facebook.services.pages import (
    describe_graph_error,
    graph_api_for,
    page_mark_needs_reauth,
    page_pause,
    page_record_error,
    page_record_usage,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
APP_PAUSE_KEY = "facebook:app-paused-until"  # graph-api.md §6.3: code 4 stops the whole app


@dataclass(slots=True)
class SyncResult:
    posts: int = 0
    ingested: IngestResult = field(default_factory=IngestResult)
    completed: bool = False
    error: str = ""


def app_paused_until() -> datetime | None:
    value = cache.get(APP_PAUSE_KEY)
    return value if isinstance(value, datetime) and value > timezone.now() else None


def app_pause(seconds: int) -> None:
    """Code 4: stop every call of the app for `seconds` (every page, reads and replies)."""
    cache.set(APP_PAUSE_KEY, timezone.now() + timedelta(seconds=seconds), timeout=seconds)


def page_sync(*, page: FacebookPage, graph: GraphApi | None = None) -> SyncResult:
    """One polling pass over one page. Safe to run twice; the position only moves forward.

    Throttling pauses this page (or the app, for code 4) and returns; a dead token marks the
    page `needs_reauth` and returns; other transient failures are recorded and re-raised for
    the task to retry with backoff.
    """
    result = SyncResult()
    if graph is None:
        try:
            graph = graph_api_for(page)
        except TokenDecryptionError:
            result.error = _(
                "The stored token cannot be decrypted with FIELD_ENCRYPTION_KEYS: restore the "
                "old key or connect the page again."
            )
            page_mark_needs_reauth(page=page, reason=result.error)
            return result
    started = timezone.now()
    try:
        newest = _read_and_ingest(page, graph, result, started)
    except GraphRateLimitError as exc:
        reason = describe_graph_error(exc)
        if exc.scope == "app":
            app_pause(exc.retry_after)
        page_pause(page=page, seconds=exc.retry_after, reason=reason)
        result.error = reason
        return result
    except GraphPolicyBlockError as exc:
        result.error = describe_graph_error(exc)
        page_pause(page=page, seconds=exc.retry_after, reason=result.error)
        return result
    except GraphAuthError as exc:
        result.error = describe_graph_error(exc)
        page_mark_needs_reauth(page=page, reason=result.error)
        return result
    except GraphTransientError as exc:
        page_record_error(page=page, reason=describe_graph_error(exc))
        raise
    except GraphError as exc:
        result.error = describe_graph_error(exc)
        page_record_error(page=page, reason=result.error)
        return result
    finally:
        page_record_usage(page=page, usage=graph.last_usage)

    result.completed = True
    updates: dict[str, object] = {"last_synced_at": started, "last_error": ""}
    FacebookPage.objects.filter(pk=page.pk).update(**updates)
    if newest is not None:
        # Only ever forward, even when two syncs of the page overlap.
        FacebookPage.objects.filter(
            Q(synced_until__isnull=True) | Q(synced_until__lt=newest), pk=page.pk
        ).update(synced_until=newest)
    # A page paused earlier and now read without trouble is active again.
    FacebookPage.objects.filter(pk=page.pk, state="paused", paused_until__lte=started).update(
        state="active", paused_until=None
    )
    return result


def _read_and_ingest(
    page: FacebookPage, graph: GraphApi, result: SyncResult, started: datetime
) -> datetime | None:
    window_start = started - timedelta(days=settings.FACEBOOK_SYNC_WINDOW_DAYS)
    since = None
    if page.synced_until is not None:
        since = page.synced_until - timedelta(minutes=settings.FACEBOOK_SYNC_OVERLAP_MINUTES)
    newest: datetime | None = None
    batch: list[Observation] = []

    for post in graph.page_posts(page.page_id, since=window_start):
        result.posts += 1
        batch.append(observation_from_post(post, seen_at=timezone.now()))
        for comment in _post_comments(graph, post.id, since):
            batch.append(observation_from_comment(comment, seen_at=timezone.now(), post_id=post.id))
            newest = max(newest, comment.created_time) if newest else comment.created_time
        if len(batch) >= BATCH_SIZE:
            result.ingested += comments_ingest(page=page, observations=batch)
            batch = []
    result.ingested += comments_ingest(page=page, observations=batch)
    return newest


def _post_comments(graph: GraphApi, post_id: str, since: datetime | None) -> list[GraphComment]:
    try:
        return list(graph.object_comments(post_id, filter_stream=True, since=since))
    except GraphNotFoundError:
        return []  # the post went away between the listing and this read
    except GraphCursorLimitError:
        # Huge thread: read it newest first; `since` stops the paging early.
        return list(
            graph.object_comments(
                post_id, filter_stream=True, order="reverse_chronological", since=since
            )
        )
