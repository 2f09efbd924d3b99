"""Graph's wire format, decoded in one place: REST and webhook JSON into the port's types.

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
    FeedVerb,
    GraphAuthError,
    GraphComment,
    GraphCursorLimitError,
    GraphError,
    GraphFeedChange,
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


# -- webhooks (graph-api.md §4.4, §4.5) -----------------------------------------------------

# Verbs we understand; Graph has sent "edit" as well as "edited".
_FEED_VERBS: dict[str, FeedVerb] = {
    "add": "add",
    "edited": "edited",
    "edit": "edited",
    "remove": "remove",
    "hide": "hide",
    "unhide": "unhide",
}
_POST_ITEMS = {"post", "status", "photo", "video", "share"}
# Column sizes of FacebookComment: longer ids are not Meta's and would fail every retry.
_ID_FIELDS = {"comment_id": 100, "post_id": 100, "parent_id": 100}
_AUTHOR_ID_LENGTH = 64


def feed_changes_from_webhook(payload: Any, *, received_at: datetime) -> list[GraphFeedChange]:
    """The comment and post changes in a Page `feed` webhook body. Unknown items are skipped.

    `received_at` stands in for the entry's `time` when Facebook left it out.
    """
    bodies = payload if isinstance(payload, list) else [payload]  # the docs wrap it in a list
    found: list[GraphFeedChange] = []
    for body in bodies:
        if not isinstance(body, Mapping) or body.get("object", "page") != "page":
            continue
        for entry in body.get("entry") or []:
            if not isinstance(entry, Mapping) or not entry.get("id"):
                continue
            page_id = str(entry["id"])
            sent = _time_or_none(entry.get("time")) or received_at
            for change in entry.get("changes") or []:
                if not isinstance(change, Mapping) or change.get("field", "feed") != "feed":
                    continue
                decoded = _feed_change(page_id, change.get("value"), sent)
                if decoded is not None:
                    found.append(decoded)
    return found


def _feed_change(page_id: str, value: Any, sent: datetime) -> GraphFeedChange | None:
    if not isinstance(value, Mapping):
        return None
    verb = _FEED_VERBS.get(str(value.get("verb") or ""))
    item = str(value.get("item") or "")
    if verb is None:
        return None
    raw_author = value.get("from")
    author: Mapping[str, Any] = raw_author if isinstance(raw_author, Mapping) else {}
    message = value.get("message")
    common: dict[str, Any] = {
        "page_id": page_id,
        "verb": verb,
        "sent_at": sent,
        # v2.5-era payloads name the author with sender_id / sender_name (graph-api.md §4.4).
        "from_id": str(author.get("id") or value.get("sender_id") or ""),
        "from_name": str(author.get("name") or value.get("sender_name") or ""),
        "message": str(message) if message is not None and verb != "remove" else None,
        "created_time": _time_or_none(value.get("created_time")),
        "is_hidden": {"hide": True, "unhide": False}.get(verb),
        "raw": dict(value),
    }
    if item == "comment" and value.get("comment_id"):
        post_id = str(value.get("post_id") or "")
        return GraphFeedChange(
            item="comment",
            object_id=str(value["comment_id"]),
            post_id=post_id,
            parent_id=str(value.get("parent_id") or post_id),
            **common,
        )
    if item in _POST_ITEMS and value.get("post_id"):
        if value.get("is_hidden") is not None and verb in ("add", "edited"):
            common["is_hidden"] = bool(value["is_hidden"])
        return GraphFeedChange(
            item="post",
            object_id=str(value["post_id"]),
            post_id=str(value["post_id"]),
            **common,
        )
    return None


def _time_or_none(value: Any) -> datetime | None:
    try:
        return parse_graph_time(value)
    except (ValueError, TypeError, OverflowError, OSError):
        return None


def webhook_payload_problem(payload: Any) -> str:
    """Why a parsed webhook body is not the shape ingestion reads (graph-api.md §4.4–§4.5),
    or "" when it is. Unknown objects, items, verbs and extra keys are fine: they are skipped.
    The reason is for the admin, in English, and never quotes the body."""
    bodies = payload if isinstance(payload, list) else [payload]  # the docs wrap it in a list
    for body in bodies:
        if not isinstance(body, Mapping):
            return "The body is not a JSON object."
        entries = body.get("entry")
        if not isinstance(entries, list):
            return '"entry" is missing or not a list.'
        for entry in entries:
            problem = _entry_problem(entry)
            if problem:
                return problem
    return ""


def _entry_problem(entry: Any) -> str:
    if not isinstance(entry, Mapping):
        return 'An "entry" item is not an object.'
    if not _is_id(entry.get("id"), 64):
        return 'An entry has no page "id".'
    changes = entry.get("changes", [])
    if not isinstance(changes, list):
        return '"changes" is not a list.'
    for change in changes:
        if not isinstance(change, Mapping):
            return 'A "changes" item is not an object.'
        value = change.get("value", {})
        if not isinstance(value, Mapping):
            return 'A change\'s "value" is not an object.'
        for key, length in _ID_FIELDS.items():
            if key in value and value[key] is not None and not _is_id(value[key], length):
                return f'A change\'s "{key}" is not an id.'
        author = value.get("from")
        if author is not None and not isinstance(author, Mapping):
            return 'A change\'s "from" is not an object.'
        if author and author.get("id") and not _is_id(author["id"], _AUTHOR_ID_LENGTH):
            return 'A change\'s "from.id" is not an id.'
    return ""


def _is_id(value: Any, length: int) -> bool:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return False
    return 0 < len(str(value)) <= length
