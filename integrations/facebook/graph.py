"""The port: what the rest of the project may ask of Facebook, in our own types.

This module is the port only: the protocol, our frozen dataclasses and our exceptions. Graph's
wire format (REST and webhook JSON, usage headers, error envelopes) is decoded in one module,
`wire.py`; the rest of the project sees only the types below. Only `graph_http.py` imports
facebook-sdk, and, of the Facebook code, only it imports `requests` (ruff's banned-api rule;
`integrations/notifications/sms_http.py` is the other HTTP adapter that may).

Adapters:

- `graph_http.HttpGraphApi` -- Graph over HTTP (graph.facebook.com, or the fake server).
- `integrations.facebook.fake.FakeGraphApi` -- in memory, for tests and demos only; the fake
  HTTP server serves the same store.

The `GraphApi` protocol (one adapter instance acts with one access token):

    page_posts(page_id, since=None, *, edge="feed") -> Iterator[GraphPost]
        Newest first, as Graph returns them. `edge` is "feed" (includes visitor posts and
        unpublished posts), "posts" or "published_posts".
    post_get(post_id) -> GraphPost
    object_comments(object_id, *, filter_stream=True, order="chronological", since=None)
        -> Iterator[GraphComment]
        Comments of a post (or replies of a comment). `filter_stream=True` includes replies.
        `since` is applied by the adapter as well as sent to Graph, because Graph's own
        semantics for it are unconfirmed; with order="reverse_chronological" paging stops at
        the first older comment. Each id is yielded at most once per call.
    comment_get(comment_id) -> GraphComment            (GraphNotFoundError once deleted)
    comment_reply(comment_id, message) -> GraphReply   (NOT idempotent: see graph-api.md §10.3)
    comment_set_hidden(comment_id, hidden) -> None
    comment_delete(comment_id) -> None
    recent_page_replies(comment_id, page_id, limit=25) -> list[GraphComment]
        The page's own replies among the newest `limit` comments under `comment_id`, newest
        first -- the duplicate check to run before re-sending a reply whose response was lost.
    private_reply(page_id, comment_id, message) -> GraphPrivateReply
    subscribe_app(page_id, fields=("feed",)) -> None
    subscribed_apps(page_id) -> list[str]             (names of the subscribed apps)
    me_accounts() -> list[GraphPage]                   (with a user token: pages + page tokens)
    debug_token(input_token) -> GraphTokenInfo
    last_usage: Usage | None                           (figures from the latest response)

Exceptions (all carry `code`, `subcode`, `http_status`, `fbtrace_id` when Graph sent them):

    GraphError                       unclassified; not retried
    ├── GraphTransientError          outage / timeout / reset: retry with backoff
    │   └── GraphRateLimitError      throttled: `retry_after` seconds, `scope` app|page|user
    ├── GraphAuthError               190/102 (token) or 10/200-299 (permission): a person must
    │                                act; `kind` is "token", "role" (190/492) or "permission"
    ├── GraphPolicyBlockError        368: stop writes for this page for `retry_after` seconds
    └── GraphPermanentError          invalid request; retrying cannot help
        ├── GraphNotFoundError       100/33: the object was deleted or is not visible
        └── GraphCursorLimitError    paging limit on huge threads: page recent-first instead

Codes and reactions: graph-api.md §5.2, §5.3 and §6.3.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

GRAPH_VERSION = "v25.0"  # graph-api.md §7: newest version the docs and the Business SDK agree on
MAX_PAGE_SIZE = 100  # graph-api.md §2.1: larger `limit` on feeds is an error

RateLimitScope = Literal["app", "page", "user"]
AuthKind = Literal["token", "role", "permission"]
PostsEdge = Literal["feed", "posts", "published_posts"]
CommentOrder = Literal["chronological", "reverse_chronological"]
FeedVerb = Literal["add", "edited", "remove", "hide", "unhide"]
FeedItem = Literal["comment", "post"]

# Retry hints when Graph gives none (graph-api.md §6.3). Our choice, not Meta's.
DEFAULT_RETRY_AFTER: dict[RateLimitScope, int] = {"app": 60, "user": 60, "page": 5 * 60}
POLICY_BLOCK_RETRY_AFTER = 6 * 60 * 60  # 368: "stop writes for that Page for hours"


# --------------------------------------------------------------------------- exceptions


class GraphError(Exception):
    """Any Graph API failure we did not classify. Not retried."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
        fbtrace_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.http_status = http_status
        self.fbtrace_id = fbtrace_id


class GraphTransientError(GraphError):
    """Facebook is down, slow or unreachable. Safe to retry later (writes: check first)."""


class GraphRateLimitError(GraphTransientError):
    """Throttled. Pause `scope` (the whole app, this page, or this token) for `retry_after` s."""

    def __init__(
        self, message: str, *, retry_after: int, scope: RateLimitScope, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.scope = scope


class GraphAuthError(GraphError):
    """Token expired/revoked or permission missing. A person must fix it; don't retry."""

    def __init__(self, message: str, *, kind: AuthKind = "token", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.kind = kind


class GraphPolicyBlockError(GraphError):
    """Code 368: temporarily blocked for going too fast. Stop writes for this page."""

    def __init__(
        self, message: str, *, retry_after: int = POLICY_BLOCK_RETRY_AFTER, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class GraphPermanentError(GraphError):
    """Graph refused the request itself; the same request will fail again."""


class GraphNotFoundError(GraphPermanentError):
    """100/33: deleted, or not visible to this token (Graph does not say which)."""


class GraphCursorLimitError(GraphPermanentError):
    """The thread is too long to page forward; read it recent-first instead."""


# --------------------------------------------------------------------------- our types


@dataclass(frozen=True, slots=True)
class GraphPost:
    id: str
    page_id: str
    message: str
    created_time: datetime
    updated_time: datetime | None = None
    from_id: str = ""
    from_name: str = ""
    permalink_url: str = ""
    status_type: str = ""
    is_published: bool = True
    is_hidden: bool = False
    comment_count: int | None = None  # summary.total_count; may exceed what can be read
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_visitor_post(self) -> bool:
        return bool(self.from_id) and self.from_id != self.page_id


@dataclass(frozen=True, slots=True)
class GraphComment:
    id: str
    post_id: str  # "" when Graph's answer did not let us tell (see comment_from_graph)
    parent_id: str  # == post_id for a top-level comment (the webhook convention)
    message: str
    created_time: datetime
    from_id: str = ""  # "" when Graph withheld the author (graph-api.md F31)
    from_name: str = ""
    is_hidden: bool = False
    permalink_url: str = ""
    comment_count: int = 0
    can_reply_privately: bool | None = None
    attachment_url: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_reply(self) -> bool:
        return bool(self.parent_id) and self.parent_id != self.post_id

    def is_by_page(self, page_id: str) -> bool:
        return self.from_id == page_id


@dataclass(frozen=True, slots=True)
class GraphReply:
    id: str
    message: str = ""
    created_time: datetime | None = None
    permalink_url: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class GraphPrivateReply:
    message_id: str
    recipient_id: str = ""  # Graph may leave it out for comment recipients


@dataclass(frozen=True, slots=True)
class GraphPage:
    id: str
    name: str
    access_token: str = field(default="", repr=False)
    category: str = ""
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GraphTokenInfo:
    is_valid: bool
    app_id: str = ""
    application: str = ""
    type: str = ""  # "PAGE", "USER", "APP", "SYSTEM_USER"
    profile_id: str = ""  # the page id for page tokens
    user_id: str = ""
    scopes: tuple[str, ...] = ()
    expires_at: datetime | None = None  # None: never expires


@dataclass(frozen=True, slots=True)
class UsageFigures:
    """Percentages (0-100) of an allowance used; throttling may start at 100."""

    call_count: int = 0
    total_cputime: int = 0
    total_time: int = 0

    @property
    def peak(self) -> int:
        return max(self.call_count, self.total_cputime, self.total_time)


@dataclass(frozen=True, slots=True)
class BusinessUsage(UsageFigures):
    type: str = ""
    estimated_time_to_regain_access: int = 0  # minutes


@dataclass(frozen=True, slots=True)
class Usage:
    """Usage headers of one response. `None` means the header was absent: unknown, not 0 %."""

    app: UsageFigures | None = None
    page: UsageFigures | None = None  # legacy x-page-usage
    business: Mapping[str, tuple[BusinessUsage, ...]] = field(default_factory=dict)

    def peak_for(self, page_id: str | None = None) -> int | None:
        """Highest percentage relevant to `page_id` (or to anything), None when unknown."""
        values = [u.peak for u in (self.app, self.page) if u is not None]
        for key, entries in self.business.items():
            if page_id is None or key == page_id:
                values.extend(e.peak for e in entries)
        return max(values) if values else None

    def regain_after_seconds(self, page_id: str | None = None) -> int | None:
        minutes = [
            e.estimated_time_to_regain_access
            for key, entries in self.business.items()
            if page_id is None or key == page_id
            for e in entries
        ]
        return max(minutes) * 60 if minutes else None


@dataclass(frozen=True, slots=True)
class GraphFeedChange:
    """One change of a Page `feed` webhook (graph-api.md §4.4): a comment or a post."""

    page_id: str
    item: FeedItem
    object_id: str  # the comment's id, or the post's
    verb: FeedVerb
    sent_at: datetime  # when Facebook sent it, else when we received it
    post_id: str = ""
    parent_id: str = ""  # comments: == post_id for a top-level comment
    from_id: str = ""
    from_name: str = ""
    message: str | None = None  # None: the change did not carry the text (or removed it)
    created_time: datetime | None = None
    is_hidden: bool | None = None  # None: the change says nothing about it
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@runtime_checkable
class GraphApi(Protocol):
    last_usage: Usage | None

    def page_posts(
        self, page_id: str, since: datetime | None = None, *, edge: PostsEdge = "feed"
    ) -> Iterator[GraphPost]: ...

    def post_get(self, post_id: str) -> GraphPost: ...

    def object_comments(
        self,
        object_id: str,
        *,
        filter_stream: bool = True,
        order: CommentOrder = "chronological",
        since: datetime | None = None,
    ) -> Iterator[GraphComment]: ...

    def comment_get(self, comment_id: str) -> GraphComment: ...

    def comment_reply(self, comment_id: str, message: str) -> GraphReply: ...

    def comment_set_hidden(self, comment_id: str, hidden: bool) -> None: ...

    def comment_delete(self, comment_id: str) -> None: ...

    def recent_page_replies(
        self, comment_id: str, page_id: str, limit: int = 25
    ) -> list[GraphComment]: ...

    def private_reply(self, page_id: str, comment_id: str, message: str) -> GraphPrivateReply: ...

    def subscribe_app(self, page_id: str, fields: Sequence[str] = ("feed",)) -> None: ...

    def subscribed_apps(self, page_id: str) -> list[str]: ...

    def me_accounts(self) -> list[GraphPage]: ...

    def debug_token(self, input_token: str) -> GraphTokenInfo: ...


def comments_since(
    comments: Iterator[GraphComment], *, since: datetime | None, order: CommentOrder
) -> Iterator[GraphComment]:
    """The client-side half of `object_comments`: `since` filter, early stop, de-dup by id.

    Shared by both adapters. Paging can repeat an item when data changes between requests
    (graph-api.md §2.5), so each id is yielded once per call.
    """
    seen: set[str] = set()
    for comment in comments:
        if since is not None and comment.created_time < since:
            if order == "reverse_chronological":
                return  # everything after this one is older still
            continue
        if comment.id in seen:
            continue
        seen.add(comment.id)
        yield comment
