"""The records the fake store holds: pages, users, tokens, posts, comments, a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

PRIVATE_REPLY_WINDOW = timedelta(days=7)  # graph-api.md §3.4
WebhookListener = Callable[[str, dict[str, Any]], None]


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
