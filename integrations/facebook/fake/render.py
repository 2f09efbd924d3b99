"""Graph's JSON for the store's objects, with `fields` and nested edges (graph-api.md §2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from integrations.facebook.fake.errors import not_found
from integrations.facebook.fake.fields import (
    FieldSpec,
    encode_cursor,
    nonexisting_field,
    parse_fields,
    pick_fields,
)
from integrations.facebook.fake.records import FakeComment, FakeContext, FakePage, FakePost
from integrations.facebook.fake.state import FakeGraphState
from integrations.facebook.wire import format_graph_time


def render_post(
    state: FakeGraphState, post: FakePost, fields: list[FieldSpec], ctx: FakeContext
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
            out[name] = format_graph_time(_post_updated(state, post))
        elif name == "from":
            if post.from_id:
                out["from"] = pick_fields({"id": post.from_id, "name": post.from_name}, spec)
        elif name == "permalink_url":
            out[name] = post.permalink_url
        elif name in ("status_type", "is_hidden", "is_published"):
            out[name] = getattr(post, name)
        elif name == "comments":
            out["comments"] = render_edge(state, post.id, spec, ctx)
        elif name == "can_reply_privately":
            out[name] = post.from_id != post.page_id
        else:
            raise nonexisting_field(name, "Post")
    return out


def _post_updated(state: FakeGraphState, post: FakePost) -> datetime:
    # graph-api.md §2.1: updated_time moves with new comments (UNCONFIRMED today).
    latest = post.updated_time or post.created_time
    for comment in state.post_comments(post.id):
        if not comment.deleted:
            latest = max(latest, comment.created_time)
    return latest


def render_comment(
    state: FakeGraphState, comment: FakeComment, fields: list[FieldSpec], ctx: FakeContext
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
                out["from"] = pick_fields({"id": comment.from_id, "name": comment.from_name}, spec)
        elif name == "parent":
            if comment.is_reply:
                out["parent"] = pick_fields({"id": comment.parent_id}, spec)
        elif name == "is_hidden":
            out[name] = comment.is_hidden
        elif name == "permalink_url":
            out[name] = comment.permalink_url
        elif name == "comment_count":
            out[name] = state.comment_total(comment.id, stream=False)
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
            out["comments"] = render_edge(state, comment.id, spec, ctx)
        elif name in ("object", "message_tags", "user_likes"):
            continue
        else:
            raise nonexisting_field(name, "Comment")
    return out


def render_page(
    state: FakeGraphState, page: FakePage, fields: list[FieldSpec], ctx: FakeContext
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
            posts = state.list_posts(page.id, name)
            limit = int(spec.modifiers.get("limit", "25"))
            out[name] = {
                "data": [render_post(state, p, spec.children_or(), ctx) for p in posts][:limit]
            }
        else:
            raise nonexisting_field(name, "Page")
    return out


def render_edge(
    state: FakeGraphState, object_id: str, spec: FieldSpec, ctx: FakeContext
) -> dict[str, Any]:
    """A nested `comments` edge (graph-api.md §2.4). Nested paging links are omitted."""
    stream = spec.modifiers.get("filter") == "stream"
    order = spec.modifiers.get("order", "chronological")
    items = state.list_comments(object_id, ctx, stream=stream, order=order)
    limit = int(spec.modifiers.get("limit", "25"))
    children = spec.children or parse_fields("id,message,created_time,from")
    edge: dict[str, Any] = {
        "data": [render_comment(state, c, children, ctx) for c in items[:limit]]
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
            "total_count": state.comment_total(object_id, stream=stream),
            "can_comment": True,
        }
    return edge


def render_node(
    state: FakeGraphState, object_id: str, fields: list[FieldSpec] | None, ctx: FakeContext
) -> dict[str, Any]:
    if object_id in state.pages:
        return render_page(state, state.pages[object_id], fields or parse_fields("name,id"), ctx)
    if object_id in state.posts:
        post = state.get_post(object_id)
        return render_post(state, post, fields or parse_fields("created_time,message,id"), ctx)
    if object_id in state.comments:
        comment = state.get_comment(object_id)
        if ctx.is_user:
            raise not_found(object_id)
        default = parse_fields("created_time,from,message,id")
        return render_comment(state, comment, fields or default, ctx)
    raise not_found(object_id)
