"""In-memory Facebook: the store behind both fakes, and the in-memory adapter of the port.

`FakeGraphApi` implements `graph.GraphApi` directly over a `FakeGraphState`: pages, users,
tokens, posts, comments, private replies, webhook subscriptions and a clock. The fake HTTP
server (`fake_server.py`) serves the *same* state object in Graph's wire format, and both the
in-memory adapter and the server build their answers with the renderers below, so the two
fakes cannot drift apart.

In-process (pytest) you seed and break a `FakeGraphApi` directly:

    fake = FakeGraphApi()
    fake.add_page("104512345678901", name="DC Office", access_token="page-token")
    post_id = fake.add_post("104512345678901", message="Notice")
    fake.add_comment(post_id, message="Road broken", from_id="7012345678901234")
    fake.next_error = GraphTransientError("down")   # raised once, by either adapter

`fake.with_token(token)` gives an adapter that acts with `token` (validated like Graph does);
the unscoped object acts as an all-powerful page token of whichever page owns the object.
Citizen actions (`add_comment`, `edit_comment`, `delete_comment`, `set_hidden`) notify
`state.listeners`, which the fake server uses to send webhooks.

Behaviour follows graph-api.md; choices where Graph is unconfirmed are marked "UNCONFIRMED".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from integrations.facebook.graph import (
    COMMENT_FIELDS,
    MAX_PAGE_SIZE,
    PAGE_FIELDS,
    POST_FIELDS,
    REPLY_FIELDS,
    CommentOrder,
    GraphAuthError,
    GraphComment,
    GraphCursorLimitError,
    GraphError,
    GraphNotFoundError,
    GraphPage,
    GraphPermanentError,
    GraphPolicyBlockError,
    GraphPost,
    GraphPrivateReply,
    GraphRateLimitError,
    GraphReply,
    GraphTokenInfo,
    GraphTransientError,
    PostsEdge,
    Usage,
    comment_from_graph,
    comments_since,
    error_from_graph,
    format_graph_time,
    page_from_graph,
    parse_graph_time,
    post_from_graph,
    reply_from_graph,
    token_info_from_graph,
    usage_from_headers,
)

PRIVATE_REPLY_WINDOW = timedelta(days=7)  # graph-api.md §3.4
CURSOR_LIMIT_MESSAGE = (  # graph-api.md §2.2 example F
    "(#100) The After Cursor specified exceeds the max limit supported by this endpoint"
)
WebhookListener = Callable[[str, dict[str, Any]], None]


# --------------------------------------------------------------------------- failures


class FakeGraphFailure(Exception):
    """A Graph error response: HTTP status, the `error` envelope and extra headers."""

    def __init__(
        self, status: int, error: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(error.get("message", ""))
        self.status = status
        self.error = error
        self.headers = dict(headers or {})
        self.regain_minutes = 0  # > 0: send a BUC header saying when access comes back


_FBTRACE = itertools.count(1)


def graph_error(
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    status: int = 400,
    error_type: str = "OAuthException",
    is_transient: bool | None = None,
    headers: Mapping[str, str] | None = None,
) -> FakeGraphFailure:
    error: dict[str, Any] = {"message": message, "type": error_type, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if is_transient is not None:
        error["is_transient"] = is_transient
    error["fbtrace_id"] = f"AFake{next(_FBTRACE):07d}"
    return FakeGraphFailure(status, error, headers)


def not_found(object_id: str, verb: str = "get") -> FakeGraphFailure:
    return graph_error(
        100,
        f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read "
        "the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        subcode=33,
        error_type="GraphMethodException",
    )


# graph-api.md §5.3; 190 without subcode and 467 are UNCONFIRMED texts.
TOKEN_MESSAGES: dict[int | None, str] = {
    None: "Invalid OAuth access token - Cannot parse access token",
    458: "Error validating access token: The user has not authorized application {app}.",
    459: "Error validating access token: You cannot access the app till you log in to "
    "www.facebook.com and follow the instructions given.",
    460: "Error validating access token: The session has been invalidated because the user "
    "changed their password or Facebook has changed the session for security reasons.",
    463: "Error validating access token: Session has expired on Tuesday, 01-Oct-24 10:00:00 "
    "PDT. The current time is Tuesday, 01-Oct-24 11:00:00 PDT.",
    464: "Error validating access token: Sessions for the user are not allowed because the "
    "user is not a confirmed user.",
    467: "Error validating access token: Invalid access token.",
    492: "User associated with the Page access token does not have an appropriate role on the "
    "Page.",
}


def token_failure(subcode: int | None, *, code: int = 190, app_id: str = "") -> FakeGraphFailure:
    text = TOKEN_MESSAGES.get(subcode, TOKEN_MESSAGES[None]).format(app=app_id)
    if code == 102:
        text = "Session key invalid or no longer valid"
    return graph_error(
        code, text, subcode=subcode, headers={"WWW-Authenticate": _www_auth("invalid_token", text)}
    )


def _www_auth(kind: str, message: str) -> str:
    return f'OAuth "Facebook Platform" "{kind}" "{message}"'


def wire_error_for(exc: GraphError) -> FakeGraphFailure:
    """The Graph response that our HTTP adapter maps back onto `exc`'s class."""
    if isinstance(exc, GraphRateLimitError):
        if exc.scope == "page":
            failure = graph_error(exc.code or 80001, exc.message, subcode=exc.subcode)
            failure.regain_minutes = max(1, -(-exc.retry_after // 60))
            return failure
        code = exc.code or (4 if exc.scope == "app" else 17)
        return graph_error(code, exc.message, subcode=exc.subcode, is_transient=True, status=403)
    if isinstance(exc, GraphTransientError):
        return graph_error(
            exc.code or 2, exc.message, subcode=exc.subcode, is_transient=True, status=500
        )
    if isinstance(exc, GraphAuthError):
        if exc.kind == "permission":
            return graph_error(exc.code or 200, exc.message, subcode=exc.subcode, status=403)
        subcode = exc.subcode if exc.subcode is not None else (492 if exc.kind == "role" else 463)
        failure = token_failure(subcode, code=exc.code or 190)
        failure.error["message"] = exc.message
        return failure
    if isinstance(exc, GraphPolicyBlockError):
        return graph_error(exc.code or 368, exc.message, subcode=exc.subcode or 1390008)
    if isinstance(exc, GraphNotFoundError):
        return graph_error(100, exc.message, subcode=33, error_type="GraphMethodException")
    if isinstance(exc, GraphCursorLimitError):
        return graph_error(100, CURSOR_LIMIT_MESSAGE)
    if isinstance(exc, GraphPermanentError):
        return graph_error(exc.code or 100, exc.message, subcode=exc.subcode)
    # Unclassified: no code at all, an HTTP status our adapter does not treat as an outage.
    return FakeGraphFailure(400, {"message": exc.message, "type": "OAuthException"})


# --------------------------------------------------------------------------- the store


USAGE_WINDOW = timedelta(hours=1)


@dataclass
class FakeClock:
    """Real time unless frozen; `advance` moves it either way."""

    frozen_at: datetime | None = None
    offset: timedelta = timedelta()

    def now(self) -> datetime:
        base = self.frozen_at if self.frozen_at is not None else datetime.now(tz=UTC)
        return base + self.offset

    def freeze(self, at: datetime | None = None) -> None:
        self.frozen_at = (at or self.now()).astimezone(UTC)
        self.offset = timedelta()

    def unfreeze(self) -> None:
        self.frozen_at = None
        self.offset = timedelta()

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@dataclass
class FakePage:
    id: str
    name: str
    access_token: str
    category: str = "Government Organization"
    username: str = ""
    paging_mode: str = "cursor"  # "cursor" or "time" (graph-api.md §2.1 examples A and B)


@dataclass
class FakeUser:
    id: str
    name: str
    access_token: str = ""
    page_ids: list[str] = field(default_factory=list)
    hides_identity: bool = False  # F31: `from` withheld on this person's comments


@dataclass
class FakeToken:
    token: str
    kind: str  # "PAGE", "USER", "APP"
    page_id: str = ""
    user_id: str = ""
    valid: bool = True
    error_code: int = 190
    error_subcode: int | None = None
    moderate: bool = True  # F30: without the MODERATE task, comment ids are withheld
    scopes: tuple[str, ...] = (
        "pages_show_list",
        "pages_read_engagement",
        "pages_read_user_content",
        "pages_manage_engagement",
        "pages_manage_metadata",
        "pages_messaging",
    )
    expires_at: int = 0


@dataclass
class FakePost:
    id: str
    page_id: str
    message: str
    created_time: datetime
    from_id: str
    from_name: str
    updated_time: datetime | None = None
    is_published: bool = True
    is_hidden: bool = False
    status_type: str = "mobile_status_update"
    deleted: bool = False
    seq: int = 0

    @property
    def permalink_url(self) -> str:
        return f"https://www.facebook.com/{self.page_id}/posts/{self.id.split('_', 1)[1]}/"


@dataclass
class FakeComment:
    id: str
    post_id: str
    parent_id: str  # post id for top-level comments
    message: str
    created_time: datetime
    from_id: str
    from_name: str
    is_hidden: bool = False
    deleted: bool = False
    hide_from: bool = False
    visible_from: datetime | None = None  # F39: accepted but not yet listed
    attachment_url: str = ""
    like_count: int = 0
    seq: int = 0

    @property
    def is_reply(self) -> bool:
        return self.parent_id != self.post_id

    @property
    def page_id(self) -> str:
        return self.post_id.split("_", 1)[0]

    @property
    def permalink_url(self) -> str:
        page_id, suffix = self.post_id.split("_", 1)
        base = f"https://www.facebook.com/{page_id}/posts/{suffix}/"
        own = self.id.split("_", 1)[1]
        if self.is_reply:
            parent = self.parent_id.split("_", 1)[1]
            return f"{base}?comment_id={parent}&reply_comment_id={own}"
        return f"{base}?comment_id={own}"


@dataclass
class FakeContext:
    """Who is asking: a validated token, or the all-powerful in-process caller."""

    token: FakeToken | None = None

    @property
    def page_id(self) -> str:
        return self.token.page_id if self.token else ""

    @property
    def is_user(self) -> bool:
        return self.token is not None and self.token.kind == "USER"


@dataclass
class FakeGraphState:
    """Everything both fakes serve. Guard multi-step changes with `lock`."""

    app_id: str = "880000000000001"
    app_name: str = "Shunani"
    app_secret: str = "fake-app-secret"  # noqa: S105 -- the fake's own, public by design
    pages: dict[str, FakePage] = field(default_factory=dict)
    users: dict[str, FakeUser] = field(default_factory=dict)
    tokens: dict[str, FakeToken] = field(default_factory=dict)
    posts: dict[str, FakePost] = field(default_factory=dict)
    comments: dict[str, FakeComment] = field(default_factory=dict)
    # Lists per post, so a thread read does not scan every comment of every page.
    comments_by_post: dict[str, list[FakeComment]] = field(default_factory=dict)
    private_replies: dict[str, dict[str, str]] = field(default_factory=dict)
    subscriptions: dict[str, list[str]] = field(default_factory=dict)
    clock: FakeClock = field(default_factory=FakeClock)
    next_error: GraphError | None = None
    require_appsecret_proof: bool = False
    served_version: str | None = None  # F50: answer with this version instead of the request's
    listeners: list[WebhookListener] = field(default_factory=list)
    faults: list[Any] = field(default_factory=list)  # fault rules, used by the HTTP server
    # Calls in the current usage window; Graph's figures cover the last hour, so the counts
    # start again when an hour of the fake's clock has passed (otherwise a long demo would
    # creep towards 100 % and slow its own polling for good).
    app_calls: int = 0
    page_calls: dict[str, int] = field(default_factory=dict)
    usage_window_started: datetime | None = None
    app_call_budget: int = 2000  # calls that make 100 % of x-app-usage call_count
    page_call_budget: int = 1000  # per page, for x-business-use-case-usage
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _seq: Iterator[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    def next_seq(self) -> int:
        return next(self._seq)

    def insert_comment(self, comment: FakeComment) -> None:
        with self.lock:
            self.comments[comment.id] = comment
            self.comments_by_post.setdefault(comment.post_id, []).append(comment)

    def post_comments(self, post_id: str) -> list[FakeComment]:
        return list(self.comments_by_post.get(post_id, ()))

    def take_next_error(self) -> GraphError | None:
        with self.lock:
            error, self.next_error = self.next_error, None
            return error

    def notify(self, page_id: str, value: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            listener(page_id, value)

    # -- tokens -------------------------------------------------------------------------

    def app_token(self) -> str:
        return f"{self.app_id}|{self.app_secret}"

    def appsecret_proof(self, token: str) -> str:
        return hmac.new(self.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()

    def authenticate(self, token: str | None, proof: str | None = None) -> FakeContext:
        """Validate a token like Graph (graph-api.md §1.3, §5.3)."""
        if not token:
            raise graph_error(
                2500,
                "An active access token must be used to query information about the current user.",
            )
        if token == self.app_token():
            info = FakeToken(token=token, kind="APP")
        else:
            found = self.tokens.get(token)
            if found is None:
                raise token_failure(None)
            if not found.valid:
                raise token_failure(found.error_subcode, code=found.error_code, app_id=self.app_id)
            info = found
        if self.require_appsecret_proof:
            if not proof:
                raise graph_error(
                    100,
                    "API calls from the server require an appsecret_proof argument",
                    error_type="GraphMethodException",
                )
            if not hmac.compare_digest(proof, self.appsecret_proof(token)):
                raise graph_error(
                    100,
                    "Invalid appsecret_proof provided in the API argument",
                    error_type="GraphMethodException",
                )
        return FakeContext(info)

    # -- usage (graph-api.md §6.2) -------------------------------------------------------

    def record_call(self, ctx: FakeContext) -> None:
        with self.lock:
            now = self.clock.now()
            started = self.usage_window_started
            if started is None or now - started >= USAGE_WINDOW or now < started:
                self.usage_window_started, self.app_calls, self.page_calls = now, 0, {}
            self.app_calls += 1
            if ctx.page_id:
                self.page_calls[ctx.page_id] = self.page_calls.get(ctx.page_id, 0) + 1

    def usage_headers(self, ctx: FakeContext, *, override: int | None = None) -> dict[str, str]:
        app_pct = min(100, self.app_calls * 100 // max(1, self.app_call_budget))
        app = {"call_count": app_pct, "total_cputime": app_pct // 2, "total_time": app_pct // 2}
        if override is not None:
            app = {"call_count": override, "total_cputime": override, "total_time": override}
        headers = {"x-app-usage": _compact(app)}
        if ctx.page_id:
            pct = min(100, self.page_calls.get(ctx.page_id, 0) * 100 // self.page_call_budget)
            if override is not None:
                pct = override
            entry = {
                "type": "pages",
                "call_count": pct,
                "total_cputime": pct // 2 if override is None else override,
                "total_time": pct // 2 if override is None else override,
                "estimated_time_to_regain_access": 0,
            }
            headers["x-business-use-case-usage"] = _compact({ctx.page_id: [entry]})
        return headers

    # -- ids -----------------------------------------------------------------------------

    def new_post_id(self, page_id: str) -> str:
        while True:  # seeded ids share the number space
            candidate = f"{page_id}_{122100000000000 + self.next_seq()}"
            if candidate not in self.posts:
                return candidate

    def new_comment_id(self, post_id: str) -> str:
        while True:
            candidate = f"{post_id.split('_', 1)[1]}_{990000000000000 + self.next_seq()}"
            if candidate not in self.comments:
                return candidate

    def page_of(self, object_id: str) -> str:
        if object_id in self.pages:
            return object_id
        if object_id in self.posts:
            return self.posts[object_id].page_id
        if object_id in self.comments:
            return self.comments[object_id].page_id
        return ""

    # -- reads ---------------------------------------------------------------------------

    def get_post(self, post_id: str, verb: str = "get") -> FakePost:
        post = self.posts.get(post_id)
        if post is None or post.deleted:
            raise not_found(post_id, verb)
        return post

    def get_comment(self, comment_id: str, verb: str = "get") -> FakeComment:
        comment = self.comments.get(comment_id)
        if comment is None or comment.deleted:
            raise not_found(comment_id, verb)
        return comment

    def list_posts(
        self,
        page_id: str,
        edge: str = "feed",
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[FakePost]:
        if page_id not in self.pages:
            raise not_found(page_id)
        posts = [p for p in self.posts.values() if p.page_id == page_id and not p.deleted]
        if edge in ("posts", "published_posts"):
            posts = [p for p in posts if p.from_id == page_id]
        if edge == "published_posts":
            posts = [p for p in posts if p.is_published]
        # UNCONFIRMED whether Graph bounds /feed by created_time or updated_time.
        if since is not None:
            posts = [p for p in posts if p.created_time >= since]
        if until is not None:
            posts = [p for p in posts if p.created_time <= until]
        return sorted(posts, key=lambda p: (p.created_time, p.seq), reverse=True)

    def list_comments(
        self,
        object_id: str,
        ctx: FakeContext,
        *,
        stream: bool = False,
        order: str = "chronological",
        since: datetime | None = None,
    ) -> list[FakeComment]:
        if object_id in self.posts:
            self.get_post(object_id)
            found = self.post_comments(object_id)
            if not stream:
                found = [c for c in found if not c.is_reply]
        elif object_id in self.comments:
            parent = self.get_comment(object_id)
            found = [c for c in self.post_comments(parent.post_id) if c.parent_id == object_id]
        else:
            raise not_found(object_id)
        if ctx.is_user:
            return []  # graph-api.md §2.2: a User token reads no comments of page posts
        now = self.clock.now()
        found = [
            c for c in found if not c.deleted and (c.visible_from is None or c.visible_from <= now)
        ]
        if since is not None:  # UNCONFIRMED semantics on Graph; inclusive here
            found = [c for c in found if c.created_time >= since]
        found.sort(key=lambda c: (c.created_time, c.seq))
        if order == "reverse_chronological":
            found.reverse()
        return found

    def comment_total(self, object_id: str, *, stream: bool) -> int:
        if object_id in self.posts:
            found = self.post_comments(object_id)
            if not stream:
                found = [c for c in found if not c.is_reply]
        elif object_id in self.comments:
            post_id = self.comments[object_id].post_id
            found = [c for c in self.post_comments(post_id) if c.parent_id == object_id]
        else:
            found = []
        return sum(1 for c in found if not c.deleted)

    def render_post(
        self, post: FakePost, fields: list[FieldSpec], ctx: FakeContext
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in fields:
            name = spec.name
            if name == "id":
                out["id"] = post.id
            elif name == "message":
                if post.message:
                    out["message"] = post.message
            elif name == "story":
                continue  # our posts have none; Graph omits absent fields
            elif name == "created_time":
                out[name] = format_graph_time(post.created_time)
            elif name == "updated_time":
                out[name] = format_graph_time(self._post_updated(post))
            elif name == "from":
                if post.from_id:
                    out["from"] = _pick({"id": post.from_id, "name": post.from_name}, spec)
            elif name == "permalink_url":
                out[name] = post.permalink_url
            elif name in ("status_type", "is_hidden", "is_published"):
                out[name] = getattr(post, name)
            elif name == "comments":
                out["comments"] = self.render_edge(post.id, spec, ctx)
            elif name == "can_reply_privately":
                out[name] = post.from_id != post.page_id
            else:
                raise _nonexisting_field(name, "Post")
        return out

    def _post_updated(self, post: FakePost) -> datetime:
        # graph-api.md §2.1: updated_time moves with new comments (UNCONFIRMED today).
        latest = post.updated_time or post.created_time
        for comment in self.post_comments(post.id):
            if not comment.deleted:
                latest = max(latest, comment.created_time)
        return latest

    def render_comment(
        self, comment: FakeComment, fields: list[FieldSpec], ctx: FakeContext
    ) -> dict[str, Any]:
        token = ctx.token
        out: dict[str, Any] = {}
        for spec in fields:
            name = spec.name
            if name == "id":
                if token is None or token.moderate:
                    out["id"] = comment.id
            elif name == "message":
                out["message"] = comment.message
            elif name == "created_time":
                out[name] = format_graph_time(comment.created_time)
            elif name == "from":
                by_page = comment.from_id == comment.page_id
                if comment.from_id and (by_page or not comment.hide_from):
                    out["from"] = _pick({"id": comment.from_id, "name": comment.from_name}, spec)
            elif name == "parent":
                if comment.is_reply:
                    out["parent"] = _pick({"id": comment.parent_id}, spec)
            elif name == "is_hidden":
                out[name] = comment.is_hidden
            elif name == "permalink_url":
                out[name] = comment.permalink_url
            elif name == "comment_count":
                out[name] = self.comment_total(comment.id, stream=False)
            elif name == "like_count":
                out[name] = comment.like_count
            elif name == "can_reply_privately":
                out[name] = comment.from_id != comment.page_id and not comment.is_reply
            elif name in ("can_hide", "can_remove", "can_comment", "can_like"):
                out[name] = name != "can_hide" or comment.from_id != comment.page_id
            elif name == "is_private":
                out[name] = False
            elif name == "attachment":
                if comment.attachment_url:
                    out[name] = {"type": "photo", "url": comment.attachment_url}
            elif name == "comments":
                out["comments"] = self.render_edge(comment.id, spec, ctx)
            elif name in ("object", "message_tags", "user_likes"):
                continue
            else:
                raise _nonexisting_field(name, "Comment")
        return out

    def render_page(
        self, page: FakePage, fields: list[FieldSpec], ctx: FakeContext
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in fields:
            name = spec.name
            if name in ("id", "name", "category"):
                out[name] = getattr(page, name)
            elif name == "access_token":
                if ctx.token is None or ctx.page_id == page.id or ctx.is_user:
                    out[name] = page.access_token
            elif name == "tasks":
                out[name] = ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE"]
            elif name == "link":
                out[name] = f"https://www.facebook.com/{page.username or page.id}"
            elif name in ("feed", "posts", "published_posts"):
                posts = self.list_posts(page.id, name)
                limit = int(spec.modifiers.get("limit", "25"))
                out[name] = {
                    "data": [self.render_post(p, spec.children_or(), ctx) for p in posts][:limit]
                }
            else:
                raise _nonexisting_field(name, "Page")
        return out

    def render_edge(self, object_id: str, spec: FieldSpec, ctx: FakeContext) -> dict[str, Any]:
        """A nested `comments` edge (graph-api.md §2.4). Nested paging links are omitted."""
        stream = spec.modifiers.get("filter") == "stream"
        order = spec.modifiers.get("order", "chronological")
        items = self.list_comments(object_id, ctx, stream=stream, order=order)
        limit = int(spec.modifiers.get("limit", "25"))
        children = spec.children or parse_fields("id,message,created_time,from")
        edge: dict[str, Any] = {
            "data": [self.render_comment(c, children, ctx) for c in items[:limit]]
        }
        if items[:limit]:
            first, last = items[0], items[: limit or 1][-1]
            edge["paging"] = {
                "cursors": {
                    "before": encode_cursor(first.id, 0),
                    "after": encode_cursor(last.id, limit),
                }
            }
        if spec.modifiers.get("summary") in ("true", "1"):
            edge["summary"] = {
                "order": "ranked" if "order" not in spec.modifiers else order,
                "total_count": self.comment_total(object_id, stream=stream),
                "can_comment": True,
            }
        return edge

    def render_node(
        self, object_id: str, fields: list[FieldSpec] | None, ctx: FakeContext
    ) -> dict[str, Any]:
        if object_id in self.pages:
            return self.render_page(self.pages[object_id], fields or parse_fields("name,id"), ctx)
        if object_id in self.posts:
            post = self.get_post(object_id)
            return self.render_post(post, fields or parse_fields("created_time,message,id"), ctx)
        if object_id in self.comments:
            comment = self.get_comment(object_id)
            if ctx.is_user:
                raise not_found(object_id)
            default = parse_fields("created_time,from,message,id")
            return self.render_comment(comment, fields or default, ctx)
        raise not_found(object_id)

    # -- writes by the page (Graph API) --------------------------------------------------

    def _acting_page(self, ctx: FakeContext, object_page: str) -> FakePage:
        if ctx.token is None:
            return self.pages[object_page]
        if ctx.token.kind != "PAGE" or ctx.page_id != object_page:
            raise graph_error(
                200,
                "(#200) Permissions error",
                status=403,
                headers={"WWW-Authenticate": _www_auth("insufficient_scope", "Permissions")},
            )
        return self.pages[object_page]

    def create_comment(self, object_id: str, message: str, ctx: FakeContext) -> FakeComment:
        with self.lock:
            if object_id in self.posts:
                post = self.get_post(object_id, "post")
                post_id, parent_id = post.id, post.id
            else:
                parent = self.get_comment(object_id, "post")
                post_id = parent.post_id
                # UNCONFIRMED what Graph does with a reply to a reply: we thread it under the
                # top-level comment, as the Facebook UI shows it.
                parent_id = parent.parent_id if parent.is_reply else parent.id
            if not message.strip():
                raise graph_error(100, "(#100) Missing message or attachment")
            page = self._acting_page(ctx, post_id.split("_", 1)[0])
            comment = FakeComment(
                id=self.new_comment_id(post_id),
                post_id=post_id,
                parent_id=parent_id,
                message=message,
                created_time=self.clock.now().replace(microsecond=0),
                from_id=page.id,
                from_name=page.name,
                seq=self.next_seq(),
            )
            self.insert_comment(comment)
        self.notify(page.id, comment_change(comment, "add", self))
        return comment

    def update_comment(
        self,
        comment_id: str,
        ctx: FakeContext,
        *,
        is_hidden: bool | None = None,
        message: str | None = None,
    ) -> None:
        with self.lock:
            comment = self.get_comment(comment_id, "post")
            page = self._acting_page(ctx, comment.page_id)
            if is_hidden is not None:
                if comment.from_id == page.id:
                    # UNCONFIRMED exact error (graph-api.md §3.2, F41).
                    raise graph_error(100, "(#100) This comment cannot be hidden")
                comment.is_hidden = is_hidden
            if message is not None:
                if comment.from_id != page.id:
                    raise graph_error(200, "(#200) Permissions error", status=403)
                comment.message = message
        if is_hidden is not None:
            self.notify(page.id, comment_change(comment, "hide" if is_hidden else "unhide", self))
        if message is not None:
            self.notify(page.id, comment_change(comment, "edited", self))

    def delete_comment_as_page(self, comment_id: str, ctx: FakeContext) -> None:
        with self.lock:
            comment = self.get_comment(comment_id, "delete")
            self._acting_page(ctx, comment.page_id)
            comment.deleted = True
        self.notify(comment.page_id, comment_change(comment, "remove", self))

    def send_private_reply(
        self, page_id: str, comment_id: str, text: str, ctx: FakeContext
    ) -> dict[str, str]:
        with self.lock:
            self._acting_page(ctx, page_id)
            comment = self.get_comment(comment_id, "post")
            if comment_id in self.private_replies:
                raise graph_error(10900, "(#10900) Activity already replied to")
            too_old = self.clock.now() - comment.created_time > PRIVATE_REPLY_WINDOW
            if too_old or comment.from_id == comment.page_id or not text:
                raise graph_error(10903, "(#10903) This user can't reply to this activity")
            digest = hashlib.sha256(f"{comment_id}:{text}".encode()).digest()
            result = {
                "recipient_id": str(7100000000000000 + int(comment.from_id[-6:] or "0")),
                "message_id": "m_" + base64.urlsafe_b64encode(digest).decode().rstrip("="),
            }
            self.private_replies[comment_id] = result
            return result

    def subscribe(self, page_id: str, fields: Sequence[str], ctx: FakeContext) -> None:
        with self.lock:
            self._acting_page(ctx, page_id)
            current = self.subscriptions.setdefault(page_id, [])
            current.extend(f for f in fields if f not in current)

    def accounts(self, ctx: FakeContext) -> list[FakePage]:
        if ctx.token is None:
            return list(self.pages.values())
        if ctx.token.kind == "PAGE":
            raise graph_error(
                100,
                "(#100) Tried accessing nonexisting field (accounts) on node type (Page)",
            )
        user = self.users.get(ctx.token.user_id)
        return [self.pages[p] for p in (user.page_ids if user else []) if p in self.pages]

    def debug(self, input_token: str) -> dict[str, Any]:
        found = self.tokens.get(input_token)
        data: dict[str, Any] = {
            "app_id": self.app_id,
            "application": self.app_name,
            "is_valid": bool(found and found.valid),
        }
        if found is None:
            data["error"] = {"code": 190, "message": "Invalid OAuth access token."}
            return {"data": data}
        data.update(
            {
                "type": found.kind,
                "expires_at": found.expires_at,
                "scopes": list(found.scopes),
            }
        )
        if found.page_id:
            data["profile_id"] = found.page_id  # UNCONFIRMED for page tokens
        if found.user_id:
            data["user_id"] = found.user_id
        if not found.valid:
            data["error"] = {"code": found.error_code, "subcode": found.error_subcode}
        return {"data": data}


def comment_change(comment: FakeComment, verb: str, state: FakeGraphState) -> dict[str, Any]:
    """The webhook `value` for a comment change (graph-api.md §4.4, §4.5)."""
    value: dict[str, Any] = {
        "item": "comment",
        "verb": verb,
        "comment_id": comment.id,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
    }
    if comment.from_id and (not comment.hide_from or comment.from_id == comment.page_id):
        value["from"] = {"id": comment.from_id, "name": comment.from_name}
    if verb != "remove":
        value["message"] = comment.message
        value["created_time"] = int(comment.created_time.timestamp())
    if verb == "add":
        post = state.posts.get(comment.post_id)
        if post is not None:
            value["post"] = {
                "status_type": post.status_type,
                "is_published": post.is_published,
                "updated_time": format_graph_time(state.clock.now()),
                "permalink_url": post.permalink_url,
                "promotion_status": "inactive",
                "id": post.id,
            }
    return value


def post_change(post: FakePost, verb: str) -> dict[str, Any]:
    value: dict[str, Any] = {
        "item": "status" if post.from_id == post.page_id else "post",
        "verb": verb,
        "post_id": post.id,
        "is_hidden": post.is_hidden,
        "from": {"id": post.from_id, "name": post.from_name},
    }
    if verb != "remove":
        value["message"] = post.message
        value["created_time"] = int(post.created_time.timestamp())
    return value


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _nonexisting_field(name: str, node: str) -> FakeGraphFailure:
    return graph_error(
        100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})"
    )


# --------------------------------------------------------------------------- fields grammar


@dataclass
class FieldSpec:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    children: list[FieldSpec] | None = None

    def children_or(self, default: str = "id,message,created_time") -> list[FieldSpec]:
        return self.children or parse_fields(default)


def parse_fields(text: str) -> list[FieldSpec]:
    """`fields := field ("," field)*; field := NAME ("." NAME "(" VALUE ")")* ("{" fields "}")?`"""
    specs, pos = _parse_field_list(text.replace(" ", ""), 0)
    if pos != len(text.replace(" ", "")):
        raise graph_error(100, f'(#100) Syntax error "Expected end of string" at character {pos}')
    return specs


def _parse_field_list(text: str, pos: int) -> tuple[list[FieldSpec], int]:
    specs: list[FieldSpec] = []
    while pos < len(text):
        start = pos
        while pos < len(text) and (text[pos].isalnum() or text[pos] == "_"):
            pos += 1
        if start == pos:
            raise graph_error(100, f"(#100) Syntax error at character {pos}")
        spec = FieldSpec(text[start:pos])
        while pos < len(text) and text[pos] == ".":
            name_start = pos + 1
            open_at = text.find("(", name_start)
            close_at = text.find(")", open_at)
            if open_at < 0 or close_at < 0:
                raise graph_error(100, f"(#100) Syntax error at character {pos}")
            spec.modifiers[text[name_start:open_at]] = text[open_at + 1 : close_at]
            pos = close_at + 1
        if pos < len(text) and text[pos] == "{":
            spec.children, pos = _parse_field_list(text, pos + 1)
            if pos >= len(text) or text[pos] != "}":
                raise graph_error(100, f"(#100) Syntax error at character {pos}")
            pos += 1
        specs.append(spec)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return specs, pos


def _pick(values: dict[str, Any], spec: FieldSpec) -> dict[str, Any]:
    if not spec.children:
        return values
    return {c.name: values[c.name] for c in spec.children if c.name in values}


# --------------------------------------------------------------------------- cursors


def encode_cursor(item_id: str, offset: int) -> str:
    """Opaque base64url cursor naming an item, plus its offset for when it has gone."""
    raw = _compact({"id": item_id, "o": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return str(data["id"]), int(data["o"])
    except (ValueError, KeyError, TypeError) as exc:
        raise graph_error(100, "(#100) Invalid cursor") from exc


# --------------------------------------------------------------------------- the adapter


class FakeGraphApi:
    """The in-memory adapter of `GraphApi`, and the handle tests use to seed and break it."""

    def __init__(self, state: FakeGraphState | None = None, access_token: str | None = None):
        self.state = state or FakeGraphState()
        self.access_token = access_token
        self.last_usage: Usage | None = None

    def with_token(self, access_token: str) -> FakeGraphApi:
        """An adapter over the same store that acts with `access_token`."""
        return FakeGraphApi(self.state, access_token)

    @property
    def next_error(self) -> GraphError | None:
        return self.state.next_error

    @next_error.setter
    def next_error(self, error: GraphError | None) -> None:
        self.state.next_error = error

    # -- seeding and citizen actions -----------------------------------------------------

    def add_page(
        self,
        page_id: str,
        *,
        name: str = "",
        access_token: str = "",
        paging_mode: str = "cursor",
        moderate: bool = True,
        username: str = "",
    ) -> FakePage:
        with self.state.lock:
            token = access_token or f"fake-page-token-{page_id}"
            page = FakePage(
                page_id,
                name or f"Page {page_id}",
                token,
                paging_mode=paging_mode,
                username=username,
            )
            self.state.pages[page_id] = page
            self.state.tokens[token] = FakeToken(
                token=token, kind="PAGE", page_id=page_id, moderate=moderate
            )
            return page

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        access_token: str = "",
        page_ids: Sequence[str] = (),
        hides_identity: bool = False,
    ) -> FakeUser:
        with self.state.lock:
            user = FakeUser(user_id, name, access_token, list(page_ids), hides_identity)
            self.state.users[user_id] = user
            if access_token:
                self.state.tokens[access_token] = FakeToken(
                    token=access_token, kind="USER", user_id=user_id
                )
            return user

    def revoke_token(
        self, access_token: str, *, subcode: int | None = 463, code: int = 190
    ) -> None:
        token = self.state.tokens[access_token]
        token.valid, token.error_subcode, token.error_code = False, subcode, code

    def add_post(
        self,
        page_id: str,
        *,
        message: str,
        created_time: datetime | None = None,
        from_id: str = "",
        from_name: str = "",
        post_id: str = "",
        is_published: bool = True,
        status_type: str = "mobile_status_update",
        notify: bool = False,
    ) -> str:
        with self.state.lock:
            page = self.state.pages[page_id]
            post = FakePost(
                id=post_id or self.state.new_post_id(page_id),
                page_id=page_id,
                message=message,
                created_time=(created_time or self.state.clock.now()).replace(microsecond=0),
                from_id=from_id or page_id,
                from_name=from_name or (page.name if not from_id else ""),
                is_published=is_published,
                status_type=status_type,
                seq=self.state.next_seq(),
            )
            self.state.posts[post.id] = post
        if notify:
            self.state.notify(page_id, post_change(post, "add"))
        return post.id

    def add_comment(
        self,
        object_id: str,
        *,
        message: str,
        from_id: str = "",
        from_name: str = "",
        created_time: datetime | None = None,
        comment_id: str = "",
        hide_from: bool | None = None,
        is_hidden: bool = False,
        attachment_url: str = "",
        visible_after: float = 0,
        notify: bool = True,
    ) -> str:
        """A comment (or reply, when `object_id` is a comment) by a citizen or the page."""
        with self.state.lock:
            if object_id in self.state.posts:
                post_id = parent_id = object_id
            else:
                parent = self.state.comments[object_id]
                post_id = parent.post_id
                parent_id = parent.parent_id if parent.is_reply else parent.id
            page_id = post_id.split("_", 1)[0]
            user = self.state.users.get(from_id)
            now = self.state.clock.now()
            comment = FakeComment(
                id=comment_id or self.state.new_comment_id(post_id),
                post_id=post_id,
                parent_id=parent_id,
                message=message,
                created_time=(created_time or now).replace(microsecond=0),
                from_id=from_id,
                from_name=from_name
                or (user.name if user else "")
                or (self.state.pages[page_id].name if from_id == page_id else ""),
                is_hidden=is_hidden,
                hide_from=hide_from
                if hide_from is not None
                else bool(user and user.hides_identity),
                attachment_url=attachment_url,
                visible_from=now + timedelta(seconds=visible_after) if visible_after else None,
                seq=self.state.next_seq(),
            )
            self.state.insert_comment(comment)
        if notify:
            self.state.notify(page_id, comment_change(comment, "add", self.state))
        return comment.id

    def edit_comment(self, comment_id: str, message: str, *, notify: bool = True) -> None:
        """The author edits: same id, same created_time, new text (F32)."""
        with self.state.lock:
            comment = self.state.comments[comment_id]
            comment.message = message
        if notify:
            self.state.notify(comment.page_id, comment_change(comment, "edited", self.state))

    def delete_comment(self, comment_id: str, *, notify: bool = True) -> None:
        """The author deletes: gone from lists, 100/33 on reads (F33)."""
        with self.state.lock:
            comment = self.state.comments[comment_id]
            comment.deleted = True
        if notify:
            self.state.notify(comment.page_id, comment_change(comment, "remove", self.state))

    def set_hidden(self, comment_id: str, hidden: bool, *, notify: bool = True) -> None:
        with self.state.lock:
            comment = self.state.comments[comment_id]
            comment.is_hidden = hidden
        if notify:
            verb = "hide" if hidden else "unhide"
            self.state.notify(comment.page_id, comment_change(comment, verb, self.state))

    def delete_post(self, post_id: str) -> None:
        with self.state.lock:
            self.state.posts[post_id].deleted = True

    def replies_by_page(self, page_id: str) -> list[FakeComment]:
        """Every comment the page wrote (for assertions like "exactly one reply")."""
        with self.state.lock:
            comments = list(self.state.comments.values())
        return [c for c in comments if c.from_id == page_id and not c.deleted]

    # -- the port ------------------------------------------------------------------------

    def _call(self, object_id: str = "") -> FakeContext:
        error = self.state.take_next_error()
        if error is not None:
            raise error
        try:
            ctx = (
                self.state.authenticate(
                    self.access_token, self.state.appsecret_proof(self.access_token)
                )
                if self.access_token is not None
                else FakeContext()
            )
        except FakeGraphFailure as failure:
            raise _to_error(failure) from None
        if ctx.token is None and object_id:
            # Unscoped: act as a fully privileged token of the page that owns the object.
            page_id = self.state.page_of(object_id)
            if page_id:
                ctx = FakeContext(FakeToken(token="", kind="PAGE", page_id=page_id))
        self.state.record_call(ctx)
        self.last_usage = usage_from_headers(self.state.usage_headers(ctx))
        return ctx

    def page_posts(
        self, page_id: str, since: datetime | None = None, *, edge: PostsEdge = "feed"
    ) -> Iterator[GraphPost]:
        ctx = self._call(page_id)
        with _mapped(self.state.lock):
            posts = self.state.list_posts(page_id, edge, since=since)
            fields = parse_fields(POST_FIELDS)
            rendered = [self.state.render_post(p, fields, ctx) for p in posts]
        return iter([post_from_graph(raw) for raw in rendered])

    def post_get(self, post_id: str) -> GraphPost:
        ctx = self._call(post_id)
        with _mapped(self.state.lock):
            return post_from_graph(self.state.render_node(post_id, parse_fields(POST_FIELDS), ctx))

    def object_comments(
        self,
        object_id: str,
        *,
        filter_stream: bool = True,
        order: CommentOrder = "chronological",
        since: datetime | None = None,
    ) -> Iterator[GraphComment]:
        ctx = self._call(object_id)
        with _mapped(self.state.lock):
            found = self.state.list_comments(
                object_id, ctx, stream=filter_stream, order=order, since=since
            )
            fields = parse_fields(COMMENT_FIELDS)
            rendered = [self.state.render_comment(c, fields, ctx) for c in found]
        parsed = (comment_from_graph(raw, object_id=object_id) for raw in rendered)
        return comments_since(parsed, since=since, order=order)

    def comment_get(self, comment_id: str) -> GraphComment:
        ctx = self._call(comment_id)
        with _mapped(self.state.lock):
            raw = self.state.render_node(comment_id, parse_fields(COMMENT_FIELDS), ctx)
        return comment_from_graph(raw)

    def comment_reply(self, comment_id: str, message: str) -> GraphReply:
        ctx = self._call(comment_id)
        with _mapped(self.state.lock):
            comment = self.state.create_comment(comment_id, message, ctx)
            raw = self.state.render_comment(comment, parse_fields(REPLY_FIELDS), ctx)
        return reply_from_graph(raw, message=message)

    def comment_set_hidden(self, comment_id: str, hidden: bool) -> None:
        ctx = self._call(comment_id)
        with _mapped(self.state.lock):
            self.state.update_comment(comment_id, ctx, is_hidden=hidden)

    def comment_delete(self, comment_id: str) -> None:
        ctx = self._call(comment_id)
        with _mapped(self.state.lock):
            self.state.delete_comment_as_page(comment_id, ctx)

    def recent_page_replies(
        self, comment_id: str, page_id: str, limit: int = 25
    ) -> list[GraphComment]:
        ctx = self._call(comment_id)
        with _mapped(self.state.lock):
            found = self.state.list_comments(
                comment_id, ctx, stream=True, order="reverse_chronological"
            )[: min(limit, MAX_PAGE_SIZE)]
            fields = parse_fields("id,message,from{id},created_time,parent{id}")
            rendered = [self.state.render_comment(c, fields, ctx) for c in found]
        replies = [comment_from_graph(raw, object_id=comment_id) for raw in rendered]
        return [r for r in replies if r.from_id == page_id]

    def private_reply(self, page_id: str, comment_id: str, message: str) -> GraphPrivateReply:
        ctx = self._call(page_id)
        with _mapped(self.state.lock):
            result = self.state.send_private_reply(page_id, comment_id, message, ctx)
        return GraphPrivateReply(result["message_id"], result.get("recipient_id", ""))

    def subscribe_app(self, page_id: str, fields: Sequence[str] = ("feed",)) -> None:
        ctx = self._call(page_id)
        with _mapped(self.state.lock):
            self.state.subscribe(page_id, fields, ctx)

    def subscribed_apps(self, page_id: str) -> list[str]:
        self._call(page_id)
        if page_id not in self.state.pages:
            raise _to_error(not_found(page_id))
        return [self.state.app_name] if self.state.subscriptions.get(page_id) else []

    def me_accounts(self) -> list[GraphPage]:
        ctx = self._call()
        with _mapped(self.state.lock):
            pages = self.state.accounts(ctx)
            fields = parse_fields(PAGE_FIELDS)
            return [page_from_graph(self.state.render_page(p, fields, ctx)) for p in pages]

    def debug_token(self, input_token: str) -> GraphTokenInfo:
        self._call()
        return token_info_from_graph(self.state.debug(input_token))

    # -- seed files ----------------------------------------------------------------------

    def load_seed(self, seed: Mapping[str, Any], *, shift_to: datetime | None = None) -> None:
        """Load a seed (the fake_seed.json format). `shift_to` moves all times so the newest
        item is at that instant, keeping demos recent (private replies expire after 7 days)."""
        load_seed(self, seed, shift_to=shift_to)

    def dump(self) -> dict[str, Any]:
        return dump_state(self.state)


class _mapped:
    """Hold the store's lock, and turn store failures into our exceptions exactly as the HTTP
    adapter would."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock

    def __enter__(self) -> None:
        self.lock.acquire()

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        self.lock.release()
        if isinstance(exc, FakeGraphFailure):
            raise _to_error(exc) from None


def _to_error(failure: FakeGraphFailure) -> GraphError:
    headers = dict(failure.headers)
    if failure.regain_minutes:
        headers["x-business-use-case-usage"] = regain_header("", failure.regain_minutes)
    return error_from_graph(
        failure.error, http_status=failure.status, usage=usage_from_headers(headers)
    )


def regain_header(page_id: str, minutes: int) -> str:
    entry = {
        "type": "pages",
        "call_count": 100,
        "total_cputime": 40,
        "total_time": 40,
        "estimated_time_to_regain_access": minutes,
    }
    return _compact({page_id or "0": [entry]})


# --------------------------------------------------------------------------- seed format


def load_seed(
    fake: FakeGraphApi, seed: Mapping[str, Any], *, shift_to: datetime | None = None
) -> None:
    state = fake.state
    app = seed.get("app") or {}
    state.app_id = str(app.get("id", state.app_id))
    state.app_name = str(app.get("name", state.app_name))
    state.app_secret = str(app.get("secret", state.app_secret))
    times = [parse_graph_time(p["created_time"]) for p in seed.get("posts", [])]
    times += [parse_graph_time(c["created_time"]) for c in seed.get("comments", [])]
    delta = (shift_to - max(times)) if shift_to is not None and times else timedelta()
    for page in seed.get("pages", []):
        fake.add_page(
            str(page["id"]),
            name=page.get("name", ""),
            access_token=page.get("access_token", ""),
            paging_mode=page.get("paging_mode", "cursor"),
            moderate=page.get("moderate", True),
            username=page.get("username", ""),
        )
    for user in seed.get("users", []):
        fake.add_user(
            str(user["id"]),
            name=user.get("name", ""),
            access_token=user.get("access_token", ""),
            page_ids=user.get("pages", []),
            hides_identity=user.get("hides_identity", False),
        )
    for post in seed.get("posts", []):
        author = post.get("from") or {}
        fake.add_post(
            str(post["page_id"]),
            post_id=str(post["id"]),
            message=post.get("message", ""),
            created_time=parse_graph_time(post["created_time"]) + delta,
            from_id=str(author.get("id", "")),
            from_name=author.get("name", ""),
            is_published=post.get("is_published", True),
            status_type=post.get("status_type", "mobile_status_update"),
        )
    for comment in seed.get("comments", []):
        author = comment.get("from") or {}
        fake.add_comment(
            str(comment.get("parent_id") or comment["post_id"]),
            comment_id=str(comment["id"]),
            message=comment.get("message", ""),
            from_id=str(author.get("id", "")),
            from_name=author.get("name", ""),
            created_time=parse_graph_time(comment["created_time"]) + delta,
            hide_from=comment.get("from_hidden"),
            is_hidden=comment.get("is_hidden", False),
            attachment_url=comment.get("attachment_url", ""),
            notify=False,
        )
        if comment.get("deleted"):
            state.comments[str(comment["id"])].deleted = True


def dump_state(state: FakeGraphState) -> dict[str, Any]:
    """The store in the seed format (deleted comments are kept, flagged)."""
    with state.lock:
        return {
            "app": {"id": state.app_id, "name": state.app_name, "secret": state.app_secret},
            "pages": [
                {
                    "id": p.id,
                    "name": p.name,
                    "access_token": p.access_token,
                    "paging_mode": p.paging_mode,
                    "moderate": state.tokens[p.access_token].moderate,
                }
                for p in state.pages.values()
            ],
            "users": [
                {
                    "id": u.id,
                    "name": u.name,
                    "access_token": u.access_token,
                    "pages": u.page_ids,
                    "hides_identity": u.hides_identity,
                }
                for u in state.users.values()
            ],
            "posts": [
                {
                    "id": p.id,
                    "page_id": p.page_id,
                    "message": p.message,
                    "created_time": format_graph_time(p.created_time),
                    "from": {"id": p.from_id, "name": p.from_name},
                    "is_published": p.is_published,
                    "status_type": p.status_type,
                    "deleted": p.deleted,
                }
                for p in state.posts.values()
            ],
            "comments": [
                {
                    "id": c.id,
                    "post_id": c.post_id,
                    "parent_id": c.parent_id if c.is_reply else None,
                    "message": c.message,
                    "created_time": format_graph_time(c.created_time),
                    "from": {"id": c.from_id, "name": c.from_name} if c.from_id else None,
                    "from_hidden": c.hide_from,
                    "is_hidden": c.is_hidden,
                    "deleted": c.deleted,
                }
                for c in sorted(state.comments.values(), key=lambda c: c.seq)
            ],
            "private_replies": dict(state.private_replies),
            "subscriptions": dict(state.subscriptions),
        }
