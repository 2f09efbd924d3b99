"""`FakeGraphApi`: the in-memory adapter of the port, over a `FakeGraphState`."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from integrations.facebook.fake.errors import FakeGraphFailure, not_found, to_error
from integrations.facebook.fake.fields import parse_fields
from integrations.facebook.fake.records import (
    FakeComment,
    FakeContext,
    FakePage,
    FakePost,
    FakeToken,
    FakeUser,
)
from integrations.facebook.fake.render import render_comment, render_node, render_page, render_post
from integrations.facebook.fake.seed import dump_state, load_seed
from integrations.facebook.fake.state import FakeGraphState, comment_change, post_change
from integrations.facebook.graph import (
    MAX_PAGE_SIZE,
    CommentOrder,
    GraphComment,
    GraphError,
    GraphPage,
    GraphPost,
    GraphPrivateReply,
    GraphReply,
    GraphTokenInfo,
    PostsEdge,
    Usage,
    comments_since,
)
from integrations.facebook.wire import (
    COMMENT_FIELDS,
    PAGE_FIELDS,
    POST_FIELDS,
    REPLY_FIELDS,
    comment_from_graph,
    page_from_graph,
    post_from_graph,
    reply_from_graph,
    token_info_from_graph,
    usage_from_headers,
)


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
            raise to_error(failure) from None
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
            rendered = [render_post(self.state, p, fields, ctx) for p in posts]
        return iter([post_from_graph(raw) for raw in rendered])

    def post_get(self, post_id: str) -> GraphPost:
        ctx = self._call(post_id)
        with _mapped(self.state.lock):
            return post_from_graph(render_node(self.state, post_id, parse_fields(POST_FIELDS), ctx))

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
            rendered = [render_comment(self.state, c, fields, ctx) for c in found]
        parsed = (comment_from_graph(raw, object_id=object_id) for raw in rendered)
        return comments_since(parsed, since=since, order=order)

    def comment_get(self, comment_id: str) -> GraphComment:
        ctx = self._call(comment_id)
        with _mapped(self.state.lock):
            raw = render_node(self.state, comment_id, parse_fields(COMMENT_FIELDS), ctx)
        return comment_from_graph(raw)

    def comment_reply(self, comment_id: str, message: str) -> GraphReply:
        ctx = self._call(comment_id)
        with _mapped(self.state.lock):
            comment = self.state.create_comment(comment_id, message, ctx)
            raw = render_comment(self.state, comment, parse_fields(REPLY_FIELDS), ctx)
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
            rendered = [render_comment(self.state, c, fields, ctx) for c in found]
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
            raise to_error(not_found(page_id))
        return [self.state.app_name] if self.state.subscriptions.get(page_id) else []

    def me_accounts(self) -> list[GraphPage]:
        ctx = self._call()
        with _mapped(self.state.lock):
            pages = self.state.accounts(ctx)
            fields = parse_fields(PAGE_FIELDS)
            return [page_from_graph(render_page(self.state, p, fields, ctx)) for p in pages]

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
            raise to_error(exc) from None
