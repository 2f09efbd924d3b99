"""Graph API routes: which path and method do what."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

from integrations.facebook.fake.errors import graph_error, not_found
from integrations.facebook.fake.exchange_base import Answer
from integrations.facebook.fake.fields import parse_fields
from integrations.facebook.fake.lists import ListsExchange
from integrations.facebook.fake.render import render_comment, render_node, render_page

_POST_EDGES = ("feed", "posts", "published_posts")
_DEFAULT_PAGE_FIELDS = "access_token,category,name,id,tasks"


class RoutesExchange(ListsExchange):
    """Which path and method do what, and the single-object reads and writes."""

    def _route(self) -> Answer:
        seg, method, state, ctx = self.segments, self.method, self.state, self.ctx
        if not seg:
            raise graph_error(100, "(#100) Unsupported request")
        if seg == ["me", "accounts"] and method == "GET":
            pages = state.accounts(ctx)
            fields = parse_fields(self.params.get("fields") or _DEFAULT_PAGE_FIELDS)
            return self._paged(
                [p.id for p in pages], lambda i: render_page(state, state.pages[i], fields, ctx)
            )
        if seg[0] == "me" and ctx.token is not None and ctx.token.kind == "PAGE":
            seg = [ctx.token.page_id, *seg[1:]]
        if seg == ["debug_token"] and method == "GET":
            return Answer(body=state.debug(self.params.get("input_token", "")))
        if seg == ["me"] and method == "GET":
            user = state.users.get(ctx.token.user_id if ctx.token else "")
            if user is None:
                raise graph_error(2500, "An active access token must be used")
            return Answer(body={"id": user.id, "name": user.name})
        object_id = seg[0]
        if len(seg) == 1:
            if method == "GET":
                fields_text = self.params.get("fields")
                node_fields = parse_fields(fields_text) if fields_text else None
                return Answer(body=render_node(state, object_id, node_fields, ctx))
            if method == "POST":
                return self._update(object_id)
            if method == "DELETE":
                state.delete_comment_as_page(object_id, ctx)
                return Answer(body={"success": True})
        edge = seg[1] if len(seg) == 2 else ""
        if edge == "comments" and method == "GET":
            return self._comments(object_id)
        if edge == "comments" and method == "POST":
            return self._create_comment(object_id)
        if edge in _POST_EDGES and method == "GET":
            return self._posts(object_id, edge)
        if edge == "messages" and method == "POST":
            return self._message(object_id)
        if edge == "subscribed_apps":
            return self._subscribed_apps(object_id)
        raise not_found(object_id, method.lower())

    # -- Facebook Login, just enough for the page-connection flow -------------------------

    def _oauth_dialog(self) -> Answer:
        """Consent is implied: straight back to `redirect_uri` with a code for the user
        (`user_id`, else the first user with a token)."""
        state = self.state
        users = [u for u in state.users.values() if u.access_token]
        user_id = self.params.get("user_id") or (users[0].id if users else "")
        redirect = self.params.get("redirect_uri", "")
        if self.params.get("client_id") != state.app_id or not redirect or not user_id:
            raise graph_error(100, "(#100) Invalid client_id or redirect_uri")
        query = urlencode({"code": f"fake-code-{user_id}", "state": self.params.get("state", "")})
        separator = "&" if "?" in redirect else "?"
        location = f"{redirect}{separator}{query}#_=_"
        return Answer(302, b"", {"Location": location, "Content-Type": "text/html"})

    def _oauth_token(self) -> Answer:
        state = self.state
        if self.params.get("client_id") != state.app_id:
            raise graph_error(101, "Error validating application. Invalid application ID.")
        if self.params.get("client_secret") != state.app_secret:
            raise graph_error(1, "Error validating client secret.")
        token = ""
        code = self.params.get("code", "")
        if code.startswith("fake-code-"):
            user = state.users.get(code.removeprefix("fake-code-"))
            token = user.access_token if user else ""
        elif self.params.get("grant_type") == "fb_exchange_token":
            found = state.tokens.get(self.params.get("fb_exchange_token", ""))
            token = found.token if found and found.valid else ""
        if not token:
            raise graph_error(100, "Invalid verification code format.", subcode=36007)
        # Long-lived user tokens last about 60 days (page tokens read with them never expire).
        return Answer(body={"access_token": token, "token_type": "bearer", "expires_in": 5183944})

    def _update(self, object_id: str) -> Answer:
        hidden_text = self.params.get("is_hidden")
        hidden: bool | None = None
        if hidden_text is not None:
            if hidden_text not in ("true", "false", "1", "0"):
                raise graph_error(100, "(#100) Param is_hidden must be a boolean")
            hidden = hidden_text in ("true", "1")
        message = self.params.get("message")
        if hidden is None and message is None:
            raise graph_error(100, "(#100) Invalid parameter")
        self.state.update_comment(object_id, self.ctx, is_hidden=hidden, message=message)
        return Answer(body={"success": True})

    def _create_comment(self, object_id: str) -> Answer:
        comment = self.state.create_comment(object_id, self.params.get("message", ""), self.ctx)
        self.created_id = comment.id
        if self.action("delayed_visibility"):
            seconds = float(self.param("seconds", 5))
            comment.visible_from = self.state.clock.now() + timedelta(seconds=seconds)
        fields_text = self.params.get("fields")
        if fields_text:  # read-after-write (graph-api.md §3.1)
            body = render_comment(self.state, comment, parse_fields(fields_text), self.ctx)
            return Answer(body=body)
        return Answer(body={"id": comment.id})

    def _message(self, page_id: str) -> Answer:
        try:
            recipient = json.loads(self.params.get("recipient") or "{}")
            message = json.loads(self.params.get("message") or "{}")
        except ValueError as exc:
            raise graph_error(100, "(#100) param recipient must be JSON") from exc
        comment_id = str(recipient.get("comment_id") or "")
        if not comment_id:
            raise graph_error(100, "(#100) The parameter recipient is required")
        result = self.state.send_private_reply(
            page_id, comment_id, str(message.get("text") or ""), self.ctx
        )
        return Answer(body=result)

    def _subscribed_apps(self, page_id: str) -> Answer:
        state = self.state
        if page_id not in state.pages:
            raise not_found(page_id)
        if self.method == "GET":
            fields = state.subscriptions.get(page_id) or []
            data = (
                [
                    {
                        "category": "Business",
                        "link": "https://shunani.example/",
                        "name": state.app_name,
                        "id": state.app_id,
                        "subscribed_fields": fields,
                    }
                ]
                if fields
                else []
            )
            return Answer(body={"data": data})
        if self.method == "POST":
            fields_text = self.params.get("subscribed_fields", "")
            if not fields_text:
                raise graph_error(100, "(#100) Param subscribed_fields is required")
            state.subscribe(page_id, [f for f in fields_text.split(",") if f], self.ctx)
            return Answer(body={"success": True})
        state.subscriptions.pop(page_id, None)
        return Answer(body={"success": True})
