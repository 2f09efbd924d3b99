"""A fake Facebook Graph API over plain HTTP, for tests and demos (graph-api.md §10).

Standard library only and no Django, so it starts instantly:

    python -m integrations.facebook.fake_server --host 127.0.0.1 --port 8088 \\
        --seed integrations/facebook/fake_seed.json \\
        [--webhook-url http://127.0.0.1:8000/integrations/facebook/webhook/ \\
         --app-secret S --verify-token T] [--live-rate 5] [--require-proof]

It serves a `graph_fake.FakeGraphState` -- the same store `FakeGraphApi` implements the port
over -- in Graph's wire format: versioned or unversioned paths, token checks (and optionally
required `appsecret_proof`), `fields` with field expansion, cursor and time paging with opaque
base64url cursors and `paging.next` links built like Meta's (with `access_token` and
`pretty=0`, without `appsecret_proof`), Graph's headers including usage headers, and Graph's
error envelopes. Facebook Login is faked just enough for the page-connection flow:
`GET /dialog/oauth` redirects straight back with `code=fake-code-{user id}`, and
`GET /oauth/access_token` exchanges that code (or `fb_exchange_token`) for the user's token.
In tests use `make_server(fake, port=0)` and `serve_forever` in a thread.

Control API (project-defined, not Meta's), JSON in and out:

    POST /__fake/reset                 empty the store (body {"seed": true} reloads the seed)
    POST /__fake/seed                  merge a seed (fake_seed.json format)
    GET  /__fake/dump                  the whole store in the seed format
    POST /__fake/events                citizen actions: {"type": "comment"|"edit"|"delete"|
                                       "hide"|"unhide"|"post", ..., "webhook": true}; or
                                       {"events": [...], "batch": true, "order": "reverse"}
    GET/POST/DELETE /__fake/faults     fault rules (see FaultRule), list / add / clear
    GET/DELETE /__fake/requests        request log (method, path, query, form, headers)
    POST /__fake/clock                 {"freeze": iso|null, "advance": seconds, "real": true}
    POST /__fake/config                {"require_appsecret_proof", "served_version",
                                       "app_secret", "page_usage_header", "link_base",
                                       "paging_mode": {page: "cursor"|"time"},
                                       "moderate": {token: bool}, "revoke": {token: subcode},
                                       "webhook_url", "verify_token", "escape_slashes",
                                       "duplicate_probability", "require_subscription"}
    GET/POST /__fake/webhooks          delivery log / {"action": "handshake"|"send"|"flush"}

Fault rules match on method, path regex (version stripped), page id and query parameters,
and fire once, `times` times, from the `nth` match on, and/or with a `probability`. Actions
cover every intake/reply scenario F1-F42, F50 and F51 of graph-api.md §10.2 (see ACTIONS);
webhook scenarios F43-F49 are options of the webhook sender.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import itertools
import json
import random
import re
import socket
import socketserver
import struct
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from integrations.facebook.graph import GRAPH_VERSION, MAX_PAGE_SIZE
from integrations.facebook.graph_fake import (
    CURSOR_LIMIT_MESSAGE,
    FakeContext,
    FakeGraphApi,
    FakeGraphFailure,
    FakeGraphState,
    comment_change,
    decode_cursor,
    dump_state,
    encode_cursor,
    graph_error,
    not_found,
    parse_fields,
    post_change,
    regain_header,
    token_failure,
    wire_error_for,
)

_VERSION = re.compile(r"v\d+\.\d+")
MAX_BATCH = 1000
_POST_EDGES = ("feed", "posts", "published_posts")
_DEFAULT_PAGE_FIELDS = "access_token,category,name,id,tasks"

# --------------------------------------------------------------------------- fault rules

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


# --------------------------------------------------------------------------- webhook sender


@dataclass
class WebhookDelivery:
    id: int
    body: bytes
    signature: str  # "ok", "bad", "missing"
    attempts: int = 0
    status: int | None = None
    delivered: bool = False
    log: list[str] = field(default_factory=list)


class WebhookSender:
    """The fake acting as Meta's webhook dispatcher (graph-api.md §4, F43-F49)."""

    def __init__(
        self,
        state: FakeGraphState,
        url: str,
        *,
        app_secret: str | None = None,
        verify_token: str = "",
        escape_slashes: bool = False,
        send_sha1: bool = True,
        retry_delays: Iterable[float] = (0.2, 0.5, 1.0, 2.0, 5.0),
        duplicate_probability: float = 0.0,
        require_subscription: bool = False,
        timeout: float = 5.0,
        seed: int = 0,
    ) -> None:
        self.state = state
        self.url = url
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.escape_slashes = escape_slashes
        self.send_sha1 = send_sha1
        self.retry_delays = list(retry_delays)  # "decreasing frequency", compressed timeline
        self.duplicate_probability = duplicate_probability
        self.require_subscription = require_subscription
        self.timeout = timeout
        self.deliveries: list[WebhookDelivery] = []
        self._rng = random.Random(seed)  # noqa: S311 -- simulation, not security
        self._ids = itertools.count(1)
        self._held: list[tuple[str, dict[str, Any]]] | None = None
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, WebhookDelivery]] = []
        self._stopped = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="fake-webhooks", daemon=True)
        self._thread.start()
        state.listeners.append(self.on_change)

    # -- building and signing ------------------------------------------------------------

    def serialise(self, payload: Any) -> bytes:
        """Meta's form: non-ASCII escaped, compact, optionally `/` as `\\/` (§4.2, F48)."""
        text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
        if self.escape_slashes:
            text = text.replace("/", "\\/")
        return text.encode("ascii")

    def secret(self) -> str:
        return self.app_secret or self.state.app_secret

    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self.secret().encode(), body, hashlib.sha256).hexdigest()

    def payload(self, changes: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
        """One delivery: changes grouped into one entry per page, in the given order."""
        entries: list[dict[str, Any]] = []
        now = int(self.state.clock.now().timestamp())
        for page_id, value in changes:
            if not entries or entries[-1]["id"] != page_id:
                entries.append({"id": page_id, "time": now, "changes": []})
            entries[-1]["changes"].append({"value": value, "field": "feed"})
        return {"entry": entries, "object": "page"}

    # -- entry points --------------------------------------------------------------------

    def on_change(self, page_id: str, value: dict[str, Any]) -> None:
        if self.require_subscription and "feed" not in self.state.subscriptions.get(page_id, []):
            return  # graph-api.md §4.3: only pages that installed the app
        if self._held is not None:
            self._held.append((page_id, value))
            return
        copies = 2 if self._rng.random() < self.duplicate_probability else 1  # F44
        self.send(self.payload([(page_id, value)]), copies=copies)

    @contextlib.contextmanager
    def batch(
        self, order: str = "given", **send_options: Any
    ) -> Iterator[list[tuple[str, dict[str, Any]]]]:
        """Collect changes made inside the block into one delivery (F46); `order` "reverse"
        or "shuffle" delivers them out of order (F45)."""
        held: list[tuple[str, dict[str, Any]]] = []
        self._held = held
        try:
            yield held
        finally:
            self._held = None
            if order == "reverse":
                held.reverse()
            elif order == "shuffle":
                self._rng.shuffle(held)
            # graph-api.md §4.3: "a maximum of 1000 updates" per delivery.
            for start in range(0, len(held), MAX_BATCH):
                self.send(self.payload(held[start : start + MAX_BATCH]), **send_options)

    def send(
        self,
        payload: Any,
        *,
        copies: int = 1,
        signature: str = "ok",
        delay: float = 0.0,
    ) -> list[WebhookDelivery]:
        body = self.serialise(payload)
        created = []
        for n in range(max(1, copies)):
            delivery = WebhookDelivery(next(self._ids), body, signature)
            self.deliveries.append(delivery)
            created.append(delivery)
            self._schedule(delivery, delay + n * 0.05)
        return created

    def handshake(self, verify_token: str | None = None) -> tuple[int, bool]:
        """Meta's verification GET (§4.1, F49). Returns (status, challenge echoed)."""
        challenge = str(self._rng.randint(10**8, 10**10))
        query = urlencode(
            {
                "hub.mode": "subscribe",
                "hub.challenge": challenge,
                "hub.verify_token": self.verify_token if verify_token is None else verify_token,
            }
        )
        separator = "&" if "?" in self.url else "?"
        request = urllib.request.Request(f"{self.url}{separator}{query}", method="GET")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read().decode(errors="replace").strip()
                return response.status, body == challenge
        except urllib.error.HTTPError as exc:
            return exc.code, False
        except OSError:
            return 0, False

    def wait_idle(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
        return True

    @property
    def batching(self) -> bool:
        return self._held is not None

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self.on_change in self.state.listeners:
            self.state.listeners.remove(self.on_change)

    # -- delivery loop -------------------------------------------------------------------

    def _schedule(self, delivery: WebhookDelivery, delay: float) -> None:
        with self._cond:
            self._queue.append((time.monotonic() + delay, delivery.id, delivery))
            self._queue.sort(key=lambda item: (item[0], item[1]))
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (
                    not self._queue or self._queue[0][0] > time.monotonic()
                ):
                    wait = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._cond.wait(wait)
                if self._stopped:
                    return
                _, _, delivery = self._queue.pop(0)
                self._busy = True
            try:
                ok = self._attempt(delivery)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
            if not ok and delivery.attempts <= len(self.retry_delays):
                self._schedule(delivery, self.retry_delays[delivery.attempts - 1])

    def _attempt(self, delivery: WebhookDelivery) -> bool:
        delivery.attempts += 1
        headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
        if delivery.signature == "ok":
            headers["X-Hub-Signature-256"] = self.sign(delivery.body)
            if self.send_sha1:
                digest = hmac.new(self.secret().encode(), delivery.body, hashlib.sha1)
                headers["X-Hub-Signature"] = "sha1=" + digest.hexdigest()
        elif delivery.signature == "bad":  # F43
            headers["X-Hub-Signature-256"] = "sha256=" + "0" * 64
        request = urllib.request.Request(  # noqa: S310 -- the configured receiver
            self.url, data=delivery.body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                delivery.status = response.status
        except urllib.error.HTTPError as exc:
            delivery.status = exc.code
        except OSError as exc:
            delivery.status = None
            delivery.log.append(type(exc).__name__)
        delivery.delivered = delivery.status == 200
        return delivery.delivered


# --------------------------------------------------------------------------- the server


@dataclass
class _Answer:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakeGraphServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self,
        fake: FakeGraphApi,
        address: tuple[str, int],
        *,
        link_base: str | None = None,
        seed: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        self.fake = fake
        self.state = fake.state
        self.seed = seed
        self.link_base = link_base
        self.page_usage_header = False
        self.request_log: deque[dict[str, Any]] = deque(maxlen=20_000)
        self.webhooks: WebhookSender | None = None
        self.rng = random.Random(0)  # noqa: S311 -- fault probabilities, not security
        self._rule_ids = itertools.count(1)
        self._lock = threading.Lock()
        self._requests = itertools.count(1)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, a slow reverse DNS lookup that
        # only feeds SERVER_NAME for CGI; skip it so tests can start servers quickly.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host.decode() if isinstance(host, bytes) else str(host)
        self.server_port = port

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host_text}:{port}"

    def links(self) -> str:
        return self.link_base or self.base_url

    def add_fault(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            rule.id = next(self._rule_ids)
            self.state.faults.append(rule)
        return rule

    def firing_fault(
        self, method: str, path: str, page_id: str, query: Mapping[str, str]
    ) -> FaultRule | None:
        with self._lock:
            for rule in self.state.faults:
                if isinstance(rule, FaultRule) and rule.try_fire(
                    method, path, page_id, query, self.rng
                ):
                    return rule
        return None

    def request_id(self) -> int:
        return next(self._requests)


def make_server(
    store: FakeGraphApi | FakeGraphState,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    link_base: str | None = None,
) -> FakeGraphServer:
    """A fake Graph server over `store` (port 0: a free port). Call `serve_forever`."""
    fake = store if isinstance(store, FakeGraphApi) else FakeGraphApi(store)
    return FakeGraphServer(fake, (host, port), link_base=link_base)


class _Handler(BaseHTTPRequestHandler):
    server: FakeGraphServer
    protocol_version = "HTTP/1.1"
    server_version = "FakeGraph/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        return  # the request log endpoint replaces access logs (and keeps tokens out of stderr)

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle plus the client's
        # delayed ACK add ~40 ms to every keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # -- request parsing -----------------------------------------------------------------

    def _read_body(self) -> tuple[bytes, dict[str, str]]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        form: dict[str, str] = {}
        if kind == "application/json" and raw:
            try:
                data = json.loads(raw)
            except ValueError:
                data = {}
            if isinstance(data, dict):
                form = {
                    k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                    for k, v in data.items()
                }
        elif raw:
            form = dict(parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True))
        return raw, form

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        raw, form = self._read_body()
        segments = [s for s in parts.path.split("/") if s]
        if segments[:1] == ["__fake"]:
            self._control(method, segments[1:], query, raw)
            return
        version = GRAPH_VERSION
        if segments and _VERSION.fullmatch(segments[0]):
            version, segments = segments[0], segments[1:]
        params = {**query, **form}
        server = self.server
        server.request_log.append(
            {
                "n": server.request_id(),
                "method": method,
                "path": "/" + "/".join(segments),
                "version": version,
                "query": query,
                "form": form,
                "headers": dict(self.headers.items()),
                "time": server.state.clock.now().isoformat(),
            }
        )
        exchange = _Exchange(self, method, version, segments, params, query)
        exchange.run()

    # -- control API ---------------------------------------------------------------------

    def _control(
        self, method: str, segments: list[str], query: Mapping[str, str], raw: bytes
    ) -> None:
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            self._send_json(400, {"error": "body must be JSON"})
            return
        name = segments[0] if segments else ""
        try:
            result = self._control_action(name, method, body, query)
        except (KeyError, ValueError, TypeError) as exc:
            self._send_json(400, {"error": f"{type(exc).__name__}: {exc}"})
            return
        except FakeGraphFailure as failure:
            self._send_json(failure.status, {"error": failure.error})
            return
        if result is None:
            self._send_json(404, {"error": f"no control endpoint {method} /__fake/{name}"})
            return
        self._send_json(200, result)

    def _control_action(self, name: str, method: str, body: Any, query: Mapping[str, str]) -> Any:
        server = self.server
        fake = server.fake
        state = server.state
        if name == "reset" and method == "POST":
            reset_state(state)
            server.request_log.clear()
            if body.get("seed") and server.seed:
                fake.load_seed(server.seed)
            return {"ok": True}
        if name == "seed" and method == "POST":
            fake.load_seed(body, shift_to=_parse_iso(body.get("shift_to")))
            return {"ok": True, "pages": len(state.pages), "comments": len(state.comments)}
        if name == "dump" and method == "GET":
            return dump_state(state)
        if name == "events" and method == "POST":
            return apply_events(server, body)
        if name == "faults":
            if method == "POST":
                rules = body if isinstance(body, list) else [body]
                added = [server.add_fault(_rule_from_json(r)) for r in rules]
                return {"ok": True, "ids": [r.id for r in added]}
            if method == "DELETE":
                state.faults.clear()
                return {"ok": True}
            return {"faults": [asdict(r) for r in state.faults if isinstance(r, FaultRule)]}
        if name == "requests":
            if method == "DELETE":
                server.request_log.clear()
                return {"ok": True}
            entries = list(server.request_log)
            if query.get("path"):
                entries = [e for e in entries if re.search(query["path"], e["path"])]
            return {"requests": entries}
        if name == "clock" and method == "POST":
            if body.get("real"):
                state.clock.unfreeze()
            if "freeze" in body:
                state.clock.freeze(_parse_iso(body["freeze"]))
            if body.get("advance"):
                state.clock.advance(float(body["advance"]))
            return {"now": state.clock.now().isoformat()}
        if name == "config" and method == "POST":
            apply_config(server, body)
            return {"ok": True}
        if name == "webhooks":
            return self._control_webhooks(method, body)
        return None

    def _control_webhooks(self, method: str, body: Mapping[str, Any]) -> Any:
        sender = self.server.webhooks
        if sender is None:
            raise ValueError("no webhook URL configured")
        if method == "GET":
            return {
                "deliveries": [
                    {
                        "id": d.id,
                        "attempts": d.attempts,
                        "status": d.status,
                        "delivered": d.delivered,
                        "signature": d.signature,
                        "body": d.body.decode("ascii"),
                    }
                    for d in sender.deliveries
                ]
            }
        action = body.get("action")
        if action == "handshake":
            status, echoed = sender.handshake(body.get("verify_token"))
            return {"status": status, "challenge_echoed": echoed}
        if action == "send":
            sent = sender.send(
                body["payload"],
                copies=int(body.get("copies", 1)),
                signature=body.get("signature", "ok"),
            )
            return {"ids": [d.id for d in sent]}
        if action == "flush":
            return {"idle": sender.wait_idle(float(body.get("timeout", 5)))}
        raise ValueError(f"unknown webhook action {action!r}")

    def _send_json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


class _Exchange:
    """One Graph API request: faults, auth, routing, rendering, headers."""

    def __init__(
        self,
        handler: _Handler,
        method: str,
        version: str,
        segments: list[str],
        params: dict[str, str],
        query: dict[str, str],
    ) -> None:
        self.handler = handler
        self.server = handler.server
        self.state = handler.server.state
        self.method = method
        self.version = version
        self.segments = segments
        self.params = params
        self.query = query
        self.path = "/" + "/".join(segments)
        self.ctx = FakeContext()
        self.rule: FaultRule | None = None
        self.created_id = ""

    def action(self, *names: str) -> bool:
        return self.rule is not None and self.rule.action in names

    def param(self, key: str, default: Any = None) -> Any:
        return self.rule.params.get(key, default) if self.rule else default

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
            answer = self._failure(graph_error(2, _TRANSIENT_TEXT, status=500, is_transient=True))
        self._send(answer)

    # -- faults answered before touching the store ---------------------------------------

    def _fault_answer(self) -> _Answer | FakeGraphFailure | None:
        rule = self.rule
        if rule is None:
            return None
        p = rule.params
        action = rule.action
        if action == "transient_500":
            return graph_error(2, _TRANSIENT_TEXT, status=500, is_transient=True)
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
            return _Answer(
                int(p.get("status", 502)),
                html.encode(),
                {"Content-Type": "text/html; charset=utf-8"},
            )
        if action == "empty_500":
            return _Answer(500, b"", {"Content-Type": ""})
        if action == "app_limit":
            failure = graph_error(
                4,
                "(#4) Application request limit reached",
                status=int(p.get("status", 403)),
                is_transient=True,
            )
            failure.headers["x-app-usage"] = _compact(
                {"call_count": 100, "total_cputime": 30, "total_time": 30}
            )
            return failure
        if action == "user_limit":
            return graph_error(17, "(#17) User request limit reached", is_transient=True)
        if action == "page_limit":
            return graph_error(32, "(#32) Page request limit reached")
        if action == "buc_limit":
            failure = graph_error(80001, _BUC_TEXT)
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
            return graph_error(368, _POLICY_TEXT, subcode=1390008)
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

    # -- routing -------------------------------------------------------------------------

    def _route(self) -> _Answer:
        seg, method, state, ctx = self.segments, self.method, self.state, self.ctx
        if not seg:
            raise graph_error(100, "(#100) Unsupported request")
        if seg == ["me", "accounts"] and method == "GET":
            pages = state.accounts(ctx)
            fields = parse_fields(self.params.get("fields") or _DEFAULT_PAGE_FIELDS)
            return self._paged(
                [p.id for p in pages], lambda i: state.render_page(state.pages[i], fields, ctx)
            )
        if seg[0] == "me" and ctx.token is not None and ctx.token.kind == "PAGE":
            seg = [ctx.token.page_id, *seg[1:]]
        if seg == ["debug_token"] and method == "GET":
            return _Answer(body=state.debug(self.params.get("input_token", "")))
        if seg == ["me"] and method == "GET":
            user = state.users.get(ctx.token.user_id if ctx.token else "")
            if user is None:
                raise graph_error(2500, "An active access token must be used")
            return _Answer(body={"id": user.id, "name": user.name})
        object_id = seg[0]
        if len(seg) == 1:
            if method == "GET":
                fields_text = self.params.get("fields")
                node_fields = parse_fields(fields_text) if fields_text else None
                return _Answer(body=state.render_node(object_id, node_fields, ctx))
            if method == "POST":
                return self._update(object_id)
            if method == "DELETE":
                state.delete_comment_as_page(object_id, ctx)
                return _Answer(body={"success": True})
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

    def _oauth_dialog(self) -> _Answer:
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
        return _Answer(302, b"", {"Location": location, "Content-Type": "text/html"})

    def _oauth_token(self) -> _Answer:
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
        return _Answer(body={"access_token": token, "token_type": "bearer", "expires_in": 5183944})

    def _update(self, object_id: str) -> _Answer:
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
        return _Answer(body={"success": True})

    def _create_comment(self, object_id: str) -> _Answer:
        comment = self.state.create_comment(object_id, self.params.get("message", ""), self.ctx)
        self.created_id = comment.id
        if self.action("delayed_visibility"):
            seconds = float(self.param("seconds", 5))
            comment.visible_from = self.state.clock.now() + timedelta(seconds=seconds)
        fields_text = self.params.get("fields")
        if fields_text:  # read-after-write (graph-api.md §3.1)
            body = self.state.render_comment(comment, parse_fields(fields_text), self.ctx)
            return _Answer(body=body)
        return _Answer(body={"id": comment.id})

    def _message(self, page_id: str) -> _Answer:
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
        return _Answer(body=result)

    def _subscribed_apps(self, page_id: str) -> _Answer:
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
            return _Answer(body={"data": data})
        if self.method == "POST":
            fields_text = self.params.get("subscribed_fields", "")
            if not fields_text:
                raise graph_error(100, "(#100) Param subscribed_fields is required")
            state.subscribe(page_id, [f for f in fields_text.split(",") if f], self.ctx)
            return _Answer(body={"success": True})
        state.subscriptions.pop(page_id, None)
        return _Answer(body={"success": True})

    # -- lists -----------------------------------------------------------------------------

    def _limit(self, *, strict: bool) -> int:
        try:
            limit = int(self.params.get("limit") or 25)
        except ValueError as exc:
            raise graph_error(100, "(#100) Param limit must be a number") from exc
        if limit > MAX_PAGE_SIZE and strict:
            # F36; exact Graph text UNCONFIRMED.
            raise graph_error(100, "(#100) The limit parameter cannot exceed 100")
        return max(1, min(limit, MAX_PAGE_SIZE))

    def _posts(self, page_id: str, edge: str) -> _Answer:
        state, ctx = self.state, self.ctx
        since = _parse_time(self.params.get("since"))
        until = _parse_time(self.params.get("until"))
        limit = self._limit(strict=True)
        fields = parse_fields(self.params.get("fields") or "created_time,message,id")
        posts = state.list_posts(page_id, edge, since=since, until=None)
        page = state.pages[page_id]
        if page.paging_mode == "time":
            return self._time_paged(posts, limit, until, fields)
        if until is not None:
            posts = [p for p in posts if p.created_time <= until]
        ids = [p.id for p in posts]
        return self._paged(ids, lambda i: state.render_post(state.posts[i], fields, ctx))

    def _time_paged(
        self, posts: list[Any], limit: int, until: datetime | None, fields: Any
    ) -> _Answer:
        """graph-api.md §2.1 example B: `until`/`since` links with `__paging_token`."""
        token = self.params.get("__paging_token")
        start = 0
        if token:
            item_id, offset = decode_cursor(token.removeprefix("enc_"))
            ids = [p.id for p in posts]
            start = ids.index(item_id) + 1 if item_id in ids else offset
        elif until is not None:
            posts = [p for p in posts if p.created_time <= until]
        chunk = posts[start : start + limit]
        data = [self.state.render_post(p, fields, self.ctx) for p in chunk]
        body: dict[str, Any] = {"data": data}
        if chunk:
            first, last = chunk[0], chunk[-1]
            paging: dict[str, str] = {}
            base = {k: v for k, v in self.params.items() if k not in _TIME_PAGING_PARAMS}
            paging["previous"] = self._link(
                {
                    **base,
                    "__previous": "1",
                    "since": str(int(first.created_time.timestamp())),
                    "until": "",
                    "__paging_token": "enc_" + encode_cursor(first.id, start),
                }
            )
            if start + limit < len(posts):
                paging["next"] = self._link(
                    {
                        **base,
                        "until": str(int(last.created_time.timestamp()) - 1),
                        "since": self.params.get("since", ""),  # keep the lower bound
                        "__paging_token": "enc_" + encode_cursor(last.id, start + len(chunk) - 1),
                        "__previous": "",
                    }
                )
            body["paging"] = paging
        return _Answer(body=body)

    def _comments(self, object_id: str) -> _Answer:
        state, ctx = self.state, self.ctx
        stream = self.params.get("filter", "toplevel") == "stream"
        order = self.params.get("order", "chronological")
        if order not in ("chronological", "reverse_chronological"):
            raise graph_error(100, "(#100) Param order must be one of {CHRONOLOGICAL, ...}")
        since = _parse_time(self.params.get("since"))
        found = state.list_comments(object_id, ctx, stream=stream, order=order, since=since)
        fields = parse_fields(self.params.get("fields") or "created_time,from,message,id")
        ids = [c.id for c in found]
        answer = self._paged(ids, lambda i: state.render_comment(state.comments[i], fields, ctx))
        if self.params.get("summary") in ("true", "1"):
            total = state.comment_total(object_id, stream=stream)
            if self.action("inflate_total_count"):
                total += int(self.param("extra", 3))
            answer.body["summary"] = {"order": order, "total_count": total, "can_comment": True}
        return answer

    def _paged(self, ids: list[str], render: Callable[[str], dict[str, Any]]) -> _Answer:
        """Cursor paging (graph-api.md §2.1 example A, §2.5) plus the paging faults."""
        limit = self._limit(strict=False)
        start = 0
        after, before = self.params.get("after"), self.params.get("before")
        if after or before:
            item_id, offset = decode_cursor(after or before or "")
            if self.action("invalid_cursor"):
                return _Answer(body={"data": []})  # F28 in "empty" mode
            if item_id in ids:
                position = ids.index(item_id)
                start = position + 1 if after else max(0, position - limit)
            else:
                start = offset if after else max(0, offset - limit)  # the window shifts (F27)
        window = ids[start : start + limit]  # what the cursors describe
        has_next = start + limit < len(ids)
        base = {k: v for k, v in self.params.items() if k not in _PAGING_PARAMS}
        base["limit"] = str(limit)
        if self.action("empty_page_with_next"):
            # F21: nothing this time, but `next` continues from the same place.
            again = {**base, **({"after": after} if after else {})}
            return _Answer(body={"data": [], "paging": {"next": self._link(again)}})
        if self.action("short_page") and len(window) > 1:
            # F22: fewer than `limit` (filtered), `next` resumes after the last one sent.
            window = window[: max(1, int(self.param("keep", 1)))]
            has_next = True
        chunk = list(window)
        if self.action("duplicate_item") and start > 0:
            chunk = [ids[start - 1], *chunk]  # F26
        if self.action("skip_item") and chunk:
            chunk = chunk[1:]  # F27
        data = [render(i) for i in chunk]
        if self.action("omit_ids"):
            for item in data:
                item.pop("id", None)
        if self.action("omit_from"):
            for item in data:
                item.pop("from", None)
        body: dict[str, Any] = {"data": data}
        if self.action("no_paging") or not window:
            return _Answer(body=body)  # F23, or an empty result
        cursors = {
            "before": encode_cursor(window[0], start),
            "after": encode_cursor(window[-1], start + len(window) - 1),
        }
        paging: dict[str, Any] = {"cursors": cursors}
        if has_next:
            paging["next"] = self._link({**base, "after": cursors["after"]})
        if start > 0:
            paging["previous"] = self._link({**base, "before": cursors["before"]})
        body["paging"] = paging
        return _Answer(body=body)

    def _link(self, params: Mapping[str, str]) -> str:
        """Like Meta's: access_token, pretty=0, the original parameters, the cursor; never
        appsecret_proof (graph-api.md §1.3)."""
        base = f"{self.server.links().rstrip('/')}/{self.version}{self.path}"
        if self.action("next_other_host"):
            base = f"{self.param('base', 'https://graph.facebook.com/v20.0')}{self.path}"  # F25
        ordered: list[tuple[str, str]] = []
        token = self.params.get("access_token", "")
        if not self.action("next_without_token"):  # F24
            ordered.append(("access_token", token))
        ordered.append(("pretty", "0"))
        ordered += [(k, v) for k, v in params.items() if k not in ("access_token", "pretty")]
        return f"{base}?{urlencode(ordered)}"

    # -- answers -----------------------------------------------------------------------

    def _failure(self, failure: FakeGraphFailure) -> _Answer:
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
        return _Answer(failure.status, {"error": failure.error}, headers)

    def _send(self, answer: _Answer | FakeGraphFailure) -> None:
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

    def _standard_headers(self, answer: _Answer, data: bytes) -> dict[str, str]:
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
        headers = {"x-app-usage": _compact(app)}
        if self.ctx.page_id:
            entry = {
                "type": "pages",
                "call_count": 5,
                "total_cputime": percent,
                "total_time": percent // 2,
                "estimated_time_to_regain_access": 0,
            }
            headers["x-business-use-case-usage"] = _compact({self.ctx.page_id: [entry]})
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


_TRANSIENT_TEXT = "An unexpected error has occurred. Please retry your request later."
_BUC_TEXT = (
    "(#80001) There have been too many calls to this Page account. Wait a bit and try again. "
    "For more info, please refer to "
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
)
_POLICY_TEXT = (
    "It looks like you were misusing this feature by going too fast. You\u2019ve been "
    "temporarily blocked from using it."
)
_PAGING_PARAMS = {
    "access_token",
    "appsecret_proof",
    "after",
    "before",
    "limit",
    "pretty",
    "__paging_token",
    "__previous",
}
_TIME_PAGING_PARAMS = _PAGING_PARAMS | {"since", "until"}


def _first_page(state: FakeGraphState) -> str:
    return next(iter(state.pages), "")


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        if value.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(value), tz=UTC)
        return datetime.fromisoformat(value).astimezone(UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise graph_error(100, f"(#100) Invalid time {value!r}") from exc


def _parse_iso(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _rule_from_json(data: Mapping[str, Any]) -> FaultRule:
    allowed = {"action", "method", "path", "page_id", "query_has", "times", "nth", "probability"}
    kwargs = {k: v for k, v in data.items() if k in allowed}
    kwargs["params"] = dict(data.get("params") or {})
    if "times" not in data and data.get("nth") is None and data.get("probability") is not None:
        kwargs["times"] = None  # a probability alone means "on every match, sometimes"
    return FaultRule(**kwargs)


def reset_state(state: FakeGraphState) -> None:
    with state.lock:
        for store in (
            state.pages,
            state.users,
            state.tokens,
            state.posts,
            state.comments,
            state.comments_by_post,
            state.private_replies,
            state.subscriptions,
            state.page_calls,
        ):
            store.clear()
        state.faults.clear()
        state.next_error = None
        state.app_calls = 0
        state.clock.unfreeze()


def apply_config(server: FakeGraphServer, body: Mapping[str, Any]) -> None:
    state = server.state
    if "require_appsecret_proof" in body:
        state.require_appsecret_proof = bool(body["require_appsecret_proof"])
    if "served_version" in body:
        state.served_version = body["served_version"] or None
    if "app_secret" in body:
        state.app_secret = str(body["app_secret"])
    if "page_usage_header" in body:
        server.page_usage_header = bool(body["page_usage_header"])
    if "link_base" in body:
        server.link_base = body["link_base"] or None
    for page_id, mode in (body.get("paging_mode") or {}).items():
        state.pages[page_id].paging_mode = mode
    for token, moderate in (body.get("moderate") or {}).items():
        state.tokens[token].moderate = bool(moderate)
    for token, subcode in (body.get("revoke") or {}).items():
        server.fake.revoke_token(token, subcode=subcode)
    if "webhook_url" in body:
        if server.webhooks is not None:
            server.webhooks.stop()
        server.webhooks = None
        if body["webhook_url"]:
            server.webhooks = WebhookSender(
                state,
                str(body["webhook_url"]),
                verify_token=str(body.get("verify_token", "")),
                escape_slashes=bool(body.get("escape_slashes", False)),
                duplicate_probability=float(body.get("duplicate_probability", 0.0)),
                require_subscription=bool(body.get("require_subscription", False)),
            )


def apply_events(server: FakeGraphServer, body: Mapping[str, Any]) -> dict[str, Any]:
    """Citizen actions from the control API; optionally batched into one webhook (F45/F46)."""
    events = body.get("events")
    if events is None:
        return {"ids": [_apply_event(server, body)]}
    sender = server.webhooks
    if body.get("batch") and sender is not None:
        options = {"copies": int(body.get("copies", 1)), "signature": body.get("signature", "ok")}
        with sender.batch(order=body.get("order", "given"), **options):
            ids = [_apply_event(server, e) for e in events]
    else:
        ids = [_apply_event(server, e) for e in events]
    return {"ids": ids}


def _apply_event(server: FakeGraphServer, event: Mapping[str, Any]) -> str:
    kind = str(event["type"])
    notify = bool(event.get("webhook", True))
    sender = server.webhooks
    copies = int(event.get("copies", 1))
    signature = str(event.get("signature", "ok"))
    delay = float(event.get("delay", 0))
    special = copies != 1 or signature != "ok" or delay > 0
    if sender is None or not notify or not special or sender.batching:
        return _do_event(server.fake, kind, event, notify=notify)
    # F43/F44/F45 for one event: a bad or missing signature, several copies, a late delivery.
    result = _do_event(server.fake, kind, event, notify=False)
    change = _change_for(server.fake, kind, result)
    if change is not None:
        sender.send(sender.payload([change]), copies=copies, signature=signature, delay=delay)
    return result


def _do_event(fake: FakeGraphApi, kind: str, event: Mapping[str, Any], *, notify: bool) -> str:
    author = event.get("from") or {}
    when = _parse_iso(event.get("created_time"))
    if kind in ("comment", "reply"):
        target = event.get("parent_id") or event["post_id"]
        return fake.add_comment(
            str(target),
            message=str(event.get("message", "")),
            from_id=str(author.get("id", "")),
            from_name=str(author.get("name", "")),
            created_time=when,
            hide_from=event.get("from_hidden"),
            notify=notify,
        )
    if kind == "edit":
        fake.edit_comment(event["comment_id"], str(event["message"]), notify=notify)
        return str(event["comment_id"])
    if kind == "delete":
        fake.delete_comment(event["comment_id"], notify=notify)
        return str(event["comment_id"])
    if kind in ("hide", "unhide"):
        fake.set_hidden(event["comment_id"], kind == "hide", notify=notify)
        return str(event["comment_id"])
    if kind == "post":
        return fake.add_post(
            str(event["page_id"]),
            message=str(event.get("message", "")),
            from_id=str(author.get("id", "")),
            from_name=str(author.get("name", "")),
            created_time=when,
            is_published=bool(event.get("is_published", True)),
            notify=notify,
        )
    raise ValueError(f"unknown event type {kind!r}")


def _change_for(fake: FakeGraphApi, kind: str, object_id: str) -> tuple[str, dict[str, Any]] | None:
    state = fake.state
    if kind == "post":
        post = state.posts[object_id]
        return post.page_id, post_change(post, "add")
    comment = state.comments.get(object_id)
    if comment is None:
        return None
    verb = {"comment": "add", "reply": "add", "edit": "edited", "delete": "remove"}.get(kind, kind)
    return comment.page_id, comment_change(comment, verb, state)


# --------------------------------------------------------------------------- live demo mode


class LiveCitizens:
    """Keeps posting new citizen comments every `interval` seconds (demo `--live-rate`)."""

    def __init__(self, fake: FakeGraphApi, interval: float, seed: int = 7) -> None:
        from integrations.facebook.fake_seed_gen import live_comment

        self.fake = fake
        self.interval = interval
        self._make = live_comment
        self._rng = random.Random(seed)  # noqa: S311 -- demo content
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="fake-live", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def tick(self) -> str | None:
        state = self.fake.state
        posts = [p for p in state.posts.values() if not p.deleted and p.is_published]
        if not posts:
            return None
        post = self._rng.choice(posts)
        author_id, author_name, message = self._make(self._rng)
        return self.fake.add_comment(
            post.id, message=message, from_id=author_id, from_name=author_name
        )


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Facebook Graph API (graph-api.md §10)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--seed", type=Path, help="seed JSON (fake_seed.json format)")
    parser.add_argument(
        "--keep-seed-times",
        action="store_true",
        help="keep the seed's timestamps instead of shifting them to end now",
    )
    parser.add_argument("--webhook-url", help="deliver feed webhooks to this URL")
    parser.add_argument("--app-secret", help="app secret (signatures, appsecret_proof)")
    parser.add_argument("--verify-token", default="", help="hub.verify_token for the handshake")
    parser.add_argument("--escape-slashes", action="store_true", help="send / as \\/")
    parser.add_argument("--require-proof", action="store_true", help="require appsecret_proof")
    parser.add_argument("--served-version", help="answer with this facebook-api-version (F50)")
    parser.add_argument("--live-rate", type=float, default=0, help="new comment every N s")
    parser.add_argument("--link-base", help="public base URL for paging links")
    args = parser.parse_args(argv)

    fake = FakeGraphApi()
    seed: dict[str, Any] | None = None
    if args.seed:
        seed = json.loads(args.seed.read_text(encoding="utf-8"))
        shift = None if args.keep_seed_times else datetime.now(tz=UTC) - timedelta(minutes=5)
        fake.load_seed(seed, shift_to=shift)
    if args.app_secret:
        fake.state.app_secret = args.app_secret
    fake.state.require_appsecret_proof = args.require_proof
    fake.state.served_version = args.served_version
    server = make_server(fake, args.host, args.port, link_base=args.link_base)
    server.seed = seed
    if args.webhook_url:
        server.webhooks = WebhookSender(
            fake.state,
            args.webhook_url,
            app_secret=args.app_secret,
            verify_token=args.verify_token,
            escape_slashes=args.escape_slashes,
        )
        threading.Thread(target=_handshake_later, args=(server.webhooks,), daemon=True).start()
    live = LiveCitizens(fake, args.live_rate) if args.live_rate > 0 else None
    if live:
        live.start()
    # Flushed: under a process manager stdout is a pipe and the banner would sit in a buffer.
    print(
        f"Fake Graph API on {server.base_url}/{GRAPH_VERSION} ({len(fake.state.pages)} pages)",
        flush=True,
    )
    for page in fake.state.pages.values():
        print(f"  page {page.id}  {page.name}  token {page.access_token}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if live:
            live.stop()
        server.server_close()


def _handshake_later(sender: WebhookSender) -> None:
    # The receiver (the Django app) usually starts alongside us; give it a moment.
    for _ in range(30):
        status, echoed = sender.handshake()
        if echoed:
            print(f"Webhook handshake OK ({sender.url})", flush=True)
            return
        if status:
            print(f"Webhook handshake refused: HTTP {status}", flush=True)
            return
        time.sleep(1)


if __name__ == "__main__":
    main()
