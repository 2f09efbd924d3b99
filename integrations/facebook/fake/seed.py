"""The seed format (`fake_seed.json`): load it into a fake, dump a store back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from integrations.facebook.fake.state import FakeGraphState
from integrations.facebook.wire import format_graph_time, parse_graph_time

if TYPE_CHECKING:
    from integrations.facebook.fake.adapter import FakeGraphApi


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
