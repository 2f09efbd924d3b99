"""The store behind both fakes: lookups, token checks, usage, and writes by a Page."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from integrations.facebook.fake.errors import (
    compact_json,
    graph_error,
    not_found,
    token_failure,
    www_auth,
)
from integrations.facebook.fake.records import (
    PRIVATE_REPLY_WINDOW,
    USAGE_WINDOW,
    FakeClock,
    FakeComment,
    FakeContext,
    FakePage,
    FakePost,
    FakeToken,
    FakeUser,
    WebhookListener,
)
from integrations.facebook.graph import GraphError
from integrations.facebook.wire import format_graph_time


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
        headers = {"x-app-usage": compact_json(app)}
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
            headers["x-business-use-case-usage"] = compact_json({ctx.page_id: [entry]})
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

    # -- writes by the page (Graph API) --------------------------------------------------

    def _acting_page(self, ctx: FakeContext, object_page: str) -> FakePage:
        if ctx.token is None:
            return self.pages[object_page]
        if ctx.token.kind != "PAGE" or ctx.page_id != object_page:
            raise graph_error(
                200,
                "(#200) Permissions error",
                status=403,
                headers={"WWW-Authenticate": www_auth("insufficient_scope", "Permissions")},
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
