"""Graph's wire format, decoded in one place: Graph API JSON and headers into the port's types.

Both adapters use it (the HTTP adapter on real responses, the in-memory fake on the JSON its
renderers produce), so the fake parses exactly what the HTTP adapter parses. Like the port it
has no Django, so the fake server can use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from integrations.facebook.graph import (
    DEFAULT_RETRY_AFTER,
    AuthKind,
    BusinessUsage,
    GraphAuthError,
    GraphComment,
    GraphCursorLimitError,
    GraphError,
    GraphNotFoundError,
    GraphPage,
    GraphPermanentError,
    GraphPolicyBlockError,
    GraphPost,
    GraphRateLimitError,
    GraphReply,
    GraphTokenInfo,
    GraphTransientError,
    RateLimitScope,
    Usage,
    UsageFigures,
)

# -- requests and answers (graph-api.md §2) -------------------------------------------------

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


# -- errors ------------------------------------------------------------------------------
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
