"""Graph's error envelopes as the fakes produce them (graph-api.md §5)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any

from integrations.facebook.graph import (
    GraphAuthError,
    GraphCursorLimitError,
    GraphError,
    GraphNotFoundError,
    GraphPermanentError,
    GraphPolicyBlockError,
    GraphRateLimitError,
    GraphTransientError,
)
from integrations.facebook.wire import error_from_graph, usage_from_headers

CURSOR_LIMIT_MESSAGE = (  # graph-api.md §2.2 example F
    "(#100) The After Cursor specified exceeds the max limit supported by this endpoint"
)


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
        code, text, subcode=subcode, headers={"WWW-Authenticate": www_auth("invalid_token", text)}
    )


def www_auth(kind: str, message: str) -> str:
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


def to_error(failure: FakeGraphFailure) -> GraphError:
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
    return compact_json({page_id or "0": [entry]})


TRANSIENT_TEXT = "An unexpected error has occurred. Please retry your request later."
BUC_TEXT = (
    "(#80001) There have been too many calls to this Page account. Wait a bit and try again. "
    "For more info, please refer to "
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
)
POLICY_TEXT = (
    "It looks like you were misusing this feature by going too fast. You\u2019ve been "
    "temporarily blocked from using it."
)


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
