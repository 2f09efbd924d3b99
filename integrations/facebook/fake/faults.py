"""Fault rules (graph-api.md §10.2) and the answers faults give before the store is touched."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from integrations.facebook.fake.errors import (
    BUC_TEXT,
    CURSOR_LIMIT_MESSAGE,
    POLICY_TEXT,
    TRANSIENT_TEXT,
    FakeGraphFailure,
    compact_json,
    graph_error,
    token_failure,
)
from integrations.facebook.fake.exchange_base import Answer

# action -> what the fake does (graph-api.md §10.2 number)
ACTIONS: dict[str, str] = {
    "transient_500": "F1 500, code 2, is_transient",
    "unknown_500": "F2 500, code 1 subcode 99, WWW-Authenticate unknown_error",
    "html_5xx": "F3 502/503/504 text/html page (param status)",
    "empty_500": "F4 500, empty body, no Content-Type",
    "timeout": "F5 never answer within `delay` seconds, then close",
    "reset": "F6 close the socket without an answer (RST)",
    "slow": "F7 answer normally after `delay` seconds",
    "app_limit": "F8 code 4 (param status 403|400), x-app-usage call_count 100",
    "user_limit": "F9 code 17",
    "page_limit": "F10 code 32",
    "buc_limit": "F11 code 80001, BUC header with estimated_time_to_regain_access `minutes`",
    "custom_limit": "F12 code 613 (param subcode 1996)",
    "rising_usage": "F13 normal answers, usage climbing `start`..`end` over the rule's `times`"
    " (param cputime_only)",
    "no_usage_headers": "F14 omit usage headers",
    "token_error": "F15/F16/F17 code 190 (param subcode) or 102 (param code)",
    "permission": "F18 code 200 (param code 10|283|200)",
    "policy_block": "F20 code 368 subcode 1390008",
    "empty_page_with_next": "F21 data [] but paging.next",
    "short_page": "F22 fewer than limit (param keep) with paging.next",
    "no_paging": "F23 no paging key",
    "next_without_token": "F24 paging.next without access_token",
    "next_other_host": "F25 paging.next on https://graph.facebook.com/v20.0 (param base)",
    "duplicate_item": "F26 repeat the previous page's last item at the head",
    "skip_item": "F27 drop the first item of the page (a deletion shifted the window)",
    "invalid_cursor": "F28 code 100 for the cursor (param mode error|empty)",
    "cursor_limit": "F29 code 100 'The After Cursor specified exceeds the max limit'",
    "omit_ids": "F30 comments without id",
    "omit_from": "F31 comments without from",
    "inflate_total_count": "F35 summary.total_count + `extra`",
    "commit_then_drop": "F38 do the write, then reset|500|timeout (param mode, delay)",
    "delayed_visibility": "F39 created comment absent from lists for `seconds`",
    "version": "F50 facebook-api-version `served` instead of the requested one",
    "javascript_content_type": "F51 text/javascript; charset=UTF-8",
    "error": "any Graph error: params status, code, subcode, message, type, is_transient",
}


@dataclass
class FaultRule:
    action: str
    method: str | None = None  # regex on GET/POST/DELETE
    path: str | None = None  # regex searched in the path without the version prefix
    page_id: str | None = None
    query_has: list[str] = field(default_factory=list)  # e.g. ["after"]: follow-up pages only
    times: int | None = 1  # None: every match
    nth: int | None = None  # first match that fires (1-based)
    probability: float | None = None
    params: dict[str, Any] = field(default_factory=dict)
    id: int = 0
    matched: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}")

    def try_fire(
        self, method: str, path: str, page_id: str, query: Mapping[str, str], rng: random.Random
    ) -> bool:
        if self.method and not re.fullmatch(self.method, method, re.IGNORECASE):
            return False
        if self.path and not re.search(self.path, path):
            return False
        if self.page_id and self.page_id != page_id:
            return False
        if any(key not in query for key in self.query_has):
            return False
        self.matched += 1
        if self.nth is not None and self.matched < self.nth:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        if self.probability is not None and rng.random() >= self.probability:
            return False
        self.fired += 1
        return True


def fault_answer(rule: FaultRule | None) -> Answer | FakeGraphFailure | None:
    """The answer a fired rule gives before the store is touched, if any."""
    if rule is None:
        return None
    p = rule.params
    action = rule.action
    if action == "transient_500":
        return graph_error(2, TRANSIENT_TEXT, status=500, is_transient=True)
    if action == "unknown_500":
        failure = graph_error(1, "An unknown error occurred", subcode=99, status=500)
        failure.headers["WWW-Authenticate"] = (
            'OAuth "Facebook Platform" "unknown_error" "An unknown error occurred"'
        )
        return failure
    if action == "html_5xx":
        html = (
            "<!DOCTYPE html><html><head><title>Error</title></head><body>"
            "Sorry, something went wrong.</body></html>"
        )
        return Answer(
            int(p.get("status", 502)),
            html.encode(),
            {"Content-Type": "text/html; charset=utf-8"},
        )
    if action == "empty_500":
        return Answer(500, b"", {"Content-Type": ""})
    if action == "app_limit":
        failure = graph_error(
            4,
            "(#4) Application request limit reached",
            status=int(p.get("status", 403)),
            is_transient=True,
        )
        failure.headers["x-app-usage"] = compact_json(
            {"call_count": 100, "total_cputime": 30, "total_time": 30}
        )
        return failure
    if action == "user_limit":
        return graph_error(17, "(#17) User request limit reached", is_transient=True)
    if action == "page_limit":
        return graph_error(32, "(#32) Page request limit reached")
    if action == "buc_limit":
        failure = graph_error(80001, BUC_TEXT)
        failure.regain_minutes = int(p.get("minutes", 5))
        return failure
    if action == "custom_limit":
        return graph_error(
            613,
            "(#613) Calls to this api have exceeded the rate limit.",
            subcode=p.get("subcode"),
        )
    if action == "token_error":
        return token_failure(p.get("subcode"), code=int(p.get("code", 190)))
    if action == "permission":
        code = int(p.get("code", 200))
        texts = {
            10: "(#10) Application does not have permission for this action",
            283: "(#283) That action requires the extended permission "
            "pages_read_engagement and/or pages_read_user_content and/or "
            "pages_manage_metadata",
        }
        return graph_error(code, texts.get(code, "(#200) Permissions error"), status=403)
    if action == "policy_block":
        return graph_error(368, POLICY_TEXT, subcode=1390008)
    if action == "invalid_cursor" and p.get("mode", "error") == "error":
        return graph_error(100, "(#100) Invalid cursor")  # exact text UNCONFIRMED
    if action == "cursor_limit":
        return graph_error(100, CURSOR_LIMIT_MESSAGE)
    if action == "error":
        failure = graph_error(
            int(p.get("code", 1)),
            str(p.get("message", "An unknown error occurred")),
            subcode=p.get("subcode"),
            status=int(p.get("status", 400)),
            error_type=str(p.get("type", "OAuthException")),
            is_transient=p.get("is_transient"),
        )
        return failure
    return None
