"""The port: what the rest of the project may ask of Facebook, in our own types.

Nothing outside `integrations/facebook` imports `requests` or `facebook` (facebook-sdk), and
nothing outside this package sees Graph API JSON: adapters turn Graph's wire format into the
frozen dataclasses below and every failure into one of the exceptions below.

Adapters:

- `graph_http.HttpGraphApi` -- Graph over HTTP (graph.facebook.com, or the fake server).
- `graph_fake.FakeGraphApi` -- in memory; the fake HTTP server serves the same store.

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

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, runtime_checkable

GRAPH_VERSION = "v25.0"  # graph-api.md §7: newest version the docs and the Business SDK agree on
MAX_PAGE_SIZE = 100  # graph-api.md §2.1: larger `limit` on feeds is an error

RateLimitScope = Literal["app", "page", "user"]
AuthKind = Literal["token", "role", "permission"]
PostsEdge = Literal["feed", "posts", "published_posts"]
CommentOrder = Literal["chronological", "reverse_chronological"]

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


# --------------------------------------------------------------------------- Graph JSON -> ours
# Shared by both adapters so the in-memory fake parses exactly what the HTTP adapter parses.

# Fields the adapters ask for (graph-api.md §2.1, §2.2).
POST_FIELDS = (
    "id,message,story,created_time,updated_time,from{id,name},permalink_url,status_type,"
    "is_hidden,is_published,comments.limit(0).summary(true)"
)
COMMENT_FIELDS = (
    "id,message,created_time,from{id,name},parent{id},is_hidden,permalink_url,"
    "comment_count,can_reply_privately,attachment"
)
REPLY_FIELDS = "id,message,created_time,permalink_url"
PAGE_FIELDS = "id,name,access_token,category,tasks"

_PERMALINK_PAGE = re.compile(r"facebook\.com/(\d+)/posts/")


def parse_graph_time(value: Any) -> datetime:
    """Graph sends "2024-05-06T07:08:09+0000"; webhooks send Unix seconds."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str) and value:
        if value.isdigit():
            return datetime.fromtimestamp(int(value), tz=UTC)
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
    raise ValueError(f"not a Graph timestamp: {value!r}")


def format_graph_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def post_from_graph(raw: Mapping[str, Any]) -> GraphPost:
    post_id = str(raw["id"])
    author = raw.get("from") or {}
    summary = (raw.get("comments") or {}).get("summary") or {}
    total = summary.get("total_count")
    return GraphPost(
        id=post_id,
        page_id=post_id.split("_", 1)[0],
        message=str(raw.get("message") or raw.get("story") or ""),
        created_time=parse_graph_time(raw["created_time"]),
        updated_time=parse_graph_time(raw["updated_time"]) if raw.get("updated_time") else None,
        from_id=str(author.get("id") or ""),
        from_name=str(author.get("name") or ""),
        permalink_url=str(raw.get("permalink_url") or ""),
        status_type=str(raw.get("status_type") or ""),
        is_published=bool(raw.get("is_published", True)),
        is_hidden=bool(raw.get("is_hidden", False)),
        comment_count=int(total) if total is not None else None,
        raw=dict(raw),
    )


def comment_post_id(comment_id: str, *, object_id: str = "", permalink_url: str = "") -> str:
    """The post a comment belongs to, from what Graph lets us see.

    Comment ids are `{post-suffix}_{comment}` and post ids `{page}_{post-suffix}`
    (graph-api.md §0), so a listing under a post is recognised by the shared suffix; otherwise
    the page id is taken from a `/{page-id}/posts/` permalink. "" when neither tells.
    """
    prefix = comment_id.split("_", 1)[0] if "_" in comment_id else ""
    if prefix and object_id.count("_") == 1 and object_id.split("_", 1)[1] == prefix:
        return object_id
    match = _PERMALINK_PAGE.search(permalink_url)
    if match and prefix:
        return f"{match.group(1)}_{prefix}"
    return ""


def comment_from_graph(raw: Mapping[str, Any], *, object_id: str = "") -> GraphComment:
    """Turn one Graph comment into ours. Raises GraphAuthError for an id-less comment."""
    comment_id = raw.get("id")
    if not comment_id:
        # graph-api.md §2.2 Example E: ids are withheld unless the token's person can MODERATE.
        raise GraphAuthError(
            "Graph returned comments without ids: the token lacks the MODERATE task",
            kind="permission",
        )
    comment_id = str(comment_id)
    author = raw.get("from") or {}
    parent = raw.get("parent") or {}
    permalink = str(raw.get("permalink_url") or "")
    post_id = comment_post_id(comment_id, object_id=object_id, permalink_url=permalink)
    # Without `parent`, a comment listed under an object hangs off that object.
    parent_id = str(parent.get("id") or "") or object_id or post_id
    attachment = raw.get("attachment") or {}
    return GraphComment(
        id=comment_id,
        post_id=post_id,
        parent_id=parent_id,
        message=str(raw.get("message") or ""),
        created_time=parse_graph_time(raw["created_time"]),
        from_id=str(author.get("id") or ""),
        from_name=str(author.get("name") or ""),
        is_hidden=bool(raw.get("is_hidden", False)),
        permalink_url=permalink,
        comment_count=int(raw.get("comment_count") or 0),
        can_reply_privately=raw.get("can_reply_privately"),
        attachment_url=str(attachment.get("url") or ""),
        raw=dict(raw),
    )


def reply_from_graph(raw: Mapping[str, Any], *, message: str = "") -> GraphReply:
    created = raw.get("created_time")
    return GraphReply(
        id=str(raw["id"]),
        message=str(raw.get("message") or message),
        created_time=parse_graph_time(created) if created else None,
        permalink_url=str(raw.get("permalink_url") or ""),
        raw=dict(raw),
    )


def page_from_graph(raw: Mapping[str, Any]) -> GraphPage:
    return GraphPage(
        id=str(raw["id"]),
        name=str(raw.get("name") or ""),
        access_token=str(raw.get("access_token") or ""),
        category=str(raw.get("category") or ""),
        tasks=tuple(str(t) for t in raw.get("tasks") or ()),
    )


def token_info_from_graph(raw: Mapping[str, Any]) -> GraphTokenInfo:
    data = raw.get("data", raw)
    expires = int(data.get("expires_at") or 0)
    return GraphTokenInfo(
        is_valid=bool(data.get("is_valid", False)),
        app_id=str(data.get("app_id") or ""),
        application=str(data.get("application") or ""),
        type=str(data.get("type") or ""),
        profile_id=str(data.get("profile_id") or ""),
        user_id=str(data.get("user_id") or ""),
        scopes=tuple(str(s) for s in data.get("scopes") or ()),
        expires_at=datetime.fromtimestamp(expires, tz=UTC) if expires else None,
    )


def success_from_graph(raw: Any) -> bool:
    """`{"success": true}` -- or the string "true" the docs show for subscribed_apps."""
    if isinstance(raw, Mapping):
        value = raw.get("success")
        return value is True or value == "true"
    return raw is True


def _usage_figures(text: str | None) -> UsageFigures | None:
    data = _json_object(text)
    if data is None:
        return None
    return UsageFigures(
        call_count=_int(data.get("call_count")),
        total_cputime=_int(data.get("total_cputime")),
        total_time=_int(data.get("total_time")),
    )


def usage_from_headers(headers: Mapping[str, str]) -> Usage:
    """Parse x-app-usage, x-page-usage, x-business-use-case-usage (graph-api.md §6.2)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    business: dict[str, tuple[BusinessUsage, ...]] = {}
    for key, entries in (_json_object(lowered.get("x-business-use-case-usage")) or {}).items():
        if not isinstance(entries, list):
            continue
        business[str(key)] = tuple(
            BusinessUsage(
                type=str(e.get("type") or ""),
                call_count=_int(e.get("call_count")),
                total_cputime=_int(e.get("total_cputime")),
                total_time=_int(e.get("total_time")),
                estimated_time_to_regain_access=_int(e.get("estimated_time_to_regain_access")),
            )
            for e in entries
            if isinstance(e, Mapping)
        )
    return Usage(
        app=_usage_figures(lowered.get("x-app-usage")),
        page=_usage_figures(lowered.get("x-page-usage")),
        business=business,
    )


def _json_object(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        # x-page-usage was once seen with single quotes (graph-api.md §6.2).
        value = json.loads(text.replace("'", '"'))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --------------------------------------------------------------------------- errors
# graph-api.md §5.2: key on code + subcode, never on the message or the HTTP status alone.

_RATE_LIMIT_SCOPES: dict[int, RateLimitScope] = {
    4: "app",  # application request limit
    341: "app",  # application limit reached
    17: "user",  # user request limit
    32: "page",  # page request limit (user/app token)
    80001: "page",  # pages business-use-case limit
    613: "page",  # custom limit: every call of ours runs with one page's token
}
_TRANSIENT_CODES = {1, 2}
_TOKEN_CODES = {102, 190}
_ROLE_SUBCODE = 492  # "User associated with the Page access token does not have a role"
_NOT_FOUND = (100, 33)
_POLICY_BLOCK_CODE = 368
# Only the message tells the cursor limit from other code-100 errors (graph-api.md §2.2 F).
_CURSOR_LIMIT_TEXT = "exceeds the max limit"


def error_from_graph(
    error: Mapping[str, Any] | None,
    *,
    http_status: int | None = None,
    usage: Usage | None = None,
) -> GraphError:
    """Map a Graph error envelope (or a body-less failure) onto our exceptions."""
    error = error or {}
    code = _int_or_none(error.get("code"))
    subcode = _int_or_none(error.get("error_subcode"))
    message = str(error.get("message") or (f"HTTP {http_status}" if http_status else "error"))
    common: dict[str, Any] = {
        "code": code,
        "subcode": subcode,
        "http_status": http_status,
        "fbtrace_id": error.get("fbtrace_id"),
    }
    if code is not None and code in _RATE_LIMIT_SCOPES:
        scope = _RATE_LIMIT_SCOPES[code]
        retry_after = (usage.regain_after_seconds() if usage else None) or 0
        return GraphRateLimitError(
            message,
            retry_after=max(retry_after, DEFAULT_RETRY_AFTER[scope]),
            scope=scope,
            **common,
        )
    if code in _TOKEN_CODES:
        kind: AuthKind = "role" if subcode == _ROLE_SUBCODE else "token"
        return GraphAuthError(message, kind=kind, **common)
    if code == 10 or (code is not None and 200 <= code <= 299):
        return GraphAuthError(message, kind="permission", **common)
    if code == _POLICY_BLOCK_CODE:
        return GraphPolicyBlockError(message, **common)
    if (code, subcode) == _NOT_FOUND:
        return GraphNotFoundError(message, **common)
    if code == 100 and _CURSOR_LIMIT_TEXT in message:
        return GraphCursorLimitError(message, **common)
    if code in _TRANSIENT_CODES or error.get("is_transient") is True:
        return GraphTransientError(message, **common)
    if http_status is not None and http_status >= 500:
        return GraphTransientError(message, **common)
    if code is not None:
        return GraphPermanentError(message, **common)
    return GraphError(message, **common)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


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
