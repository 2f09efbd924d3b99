"""One Graph API request end to end: faults, auth, routing, headers, broken connections."""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import struct
import time

from integrations.facebook.fake.errors import (
    TRANSIENT_TEXT,
    FakeGraphFailure,
    compact_json,
    graph_error,
    regain_header,
    wire_error_for,
)
from integrations.facebook.fake.exchange_base import Answer
from integrations.facebook.fake.faults import fault_answer
from integrations.facebook.fake.routes import RoutesExchange
from integrations.facebook.fake.state import FakeGraphState


class Exchange(RoutesExchange):
    """One Graph API request end to end: faults, auth, routing, rendering, headers."""

    def run(self) -> None:
        token = self.params.get("access_token")
        known = self.state.tokens.get(token or "")
        page_id = (known.page_id if known else "") or self.state.page_of(
            self.segments[0] if self.segments else ""
        )
        self.rule = self.server.firing_fault(self.method, self.path, page_id, self.query)
        if self.action("timeout"):
            self._hang(float(self.param("delay", 2.0)))
            return
        if self.action("reset"):
            self._reset()
            return
        if self.action("slow"):
            time.sleep(float(self.param("delay", 1.0)))
        early = self._fault_answer()
        if early is not None:
            self._send(early)
            return
        try:
            error = self.state.take_next_error()
            if error is not None:
                raise wire_error_for(error)
            # One request at a time touches the store: handler threads run concurrently.
            with self.state.lock:
                if self.segments == ["oauth", "access_token"]:
                    answer = self._oauth_token()
                elif self.segments == ["dialog", "oauth"]:
                    answer = self._oauth_dialog()
                else:
                    self.ctx = self.state.authenticate(token, self.params.get("appsecret_proof"))
                    self.state.record_call(self.ctx)
                    answer = self._route()
        except FakeGraphFailure as failure:
            answer = self._failure(failure)
        if self.action("commit_then_drop") and self.created_id:
            mode = self.param("mode", "reset")
            if mode == "reset":
                self._reset()
                return
            if mode == "timeout":
                self._hang(float(self.param("delay", 2.0)))
                return
            answer = self._failure(graph_error(2, TRANSIENT_TEXT, status=500, is_transient=True))
        self._send(answer)

    # -- faults answered before touching the store ---------------------------------------

    def _fault_answer(self) -> Answer | FakeGraphFailure | None:
        return fault_answer(self.rule)

    def _failure(self, failure: FakeGraphFailure) -> Answer:
        headers = dict(failure.headers)
        if failure.regain_minutes:
            headers["x-business-use-case-usage"] = regain_header(
                self.ctx.page_id or _first_page(self.state), failure.regain_minutes
            )
        if "WWW-Authenticate" not in headers:
            kind = "invalid_request" if failure.status < 500 else "unknown_error"
            # Header values must be Latin-1; Graph's messages are not always.
            message = str(failure.error.get("message", "")).replace('"', "'")
            message = message.encode("ascii", "replace").decode()
            headers["WWW-Authenticate"] = f'OAuth "Facebook Platform" "{kind}" "{message}"'
        return Answer(failure.status, {"error": failure.error}, headers)

    def _send(self, answer: Answer | FakeGraphFailure) -> None:
        if isinstance(answer, FakeGraphFailure):
            answer = self._failure(answer)
        handler = self.handler
        if isinstance(answer.body, bytes):
            data = answer.body
        else:
            data = json.dumps(answer.body, ensure_ascii=True, separators=(",", ":")).encode()
        headers = self._standard_headers(answer, data)
        headers.update(answer.headers)
        handler.send_response(answer.status)
        for key, value in headers.items():
            if value != "":
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _standard_headers(self, answer: Answer, data: bytes) -> dict[str, str]:
        """graph-api.md §0 and §6.2."""
        served = self.state.served_version or self.version
        if self.action("version"):
            served = str(self.param("served", "v26.0"))
        content_type = "application/json; charset=UTF-8"
        if self.action("javascript_content_type"):
            content_type = "text/javascript; charset=UTF-8"  # F51
        n = self.server.request_id()
        headers = {
            "Content-Type": content_type,
            "facebook-api-version": served,
            "x-fb-rev": "1021234567",
            "x-fb-trace-id": f"AbFake{n:05d}",
            "x-fb-request-id": f"Ab1Fake{n:05d}",
            "X-FB-Debug": hashlib.sha256(str(n).encode()).hexdigest()[:40] + "==",
            "Cache-Control": "private, no-cache, no-store, must-revalidate",
            "Pragma": "no-cache",
            "Expires": "Sat, 01 Jan 2000 00:00:00 GMT",
            "Access-Control-Allow-Origin": "*",
        }
        if answer.status == 200:
            headers["ETag"] = '"' + hashlib.sha1(data).hexdigest() + '"'  # noqa: S324 -- an ETag
        if self.action("no_usage_headers"):
            return headers  # F14
        override = None
        if self.action("rising_usage"):
            override = self._rising_percent()
        usage = self.state.usage_headers(self.ctx, override=override)
        if self.action("rising_usage") and self.param("cputime_only", False):
            usage = self._cputime_only(override or 0)
        headers.update(usage)
        if self.server.page_usage_header and self.ctx.page_id:
            headers["x-page-usage"] = usage["x-app-usage"]
        return headers

    def _rising_percent(self) -> int:
        rule = self.rule
        assert rule is not None  # noqa: S101 -- only called when a rule fired
        start, end = int(self.param("start", 10)), int(self.param("end", 100))
        steps = max(1, (rule.times or 10) - 1)
        return min(end, start + (end - start) * (rule.fired - 1) // steps)

    def _cputime_only(self, percent: int) -> dict[str, str]:
        app = {"call_count": 5, "total_cputime": percent, "total_time": percent // 2}
        headers = {"x-app-usage": compact_json(app)}
        if self.ctx.page_id:
            entry = {
                "type": "pages",
                "call_count": 5,
                "total_cputime": percent,
                "total_time": percent // 2,
                "estimated_time_to_regain_access": 0,
            }
            headers["x-business-use-case-usage"] = compact_json({self.ctx.page_id: [entry]})
        return headers

    # -- broken connections ----------------------------------------------------------------

    def _hang(self, seconds: float) -> None:
        """F5: accept, never answer in time, then drop."""
        time.sleep(seconds)
        self._reset()

    def _reset(self) -> None:
        """F6: close with RST so the client sees a reset, not a clean end of stream."""
        connection = self.handler.connection
        with contextlib.suppress(OSError):
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            connection.close()
        self.handler.close_connection = True


def _first_page(state: FakeGraphState) -> str:
    return next(iter(state.pages), "")
