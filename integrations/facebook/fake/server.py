"""The fake Graph API server: a threading HTTP server over one fake."""

from __future__ import annotations

import itertools
import json
import random
import re
import socket
import socketserver
import threading
from collections import deque
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from integrations.facebook.fake.adapter import FakeGraphApi
from integrations.facebook.fake.control import control_action
from integrations.facebook.fake.errors import FakeGraphFailure
from integrations.facebook.fake.exchange import Exchange
from integrations.facebook.fake.faults import FaultRule
from integrations.facebook.fake.state import FakeGraphState
from integrations.facebook.fake.webhooks import WebhookSender
from integrations.facebook.graph import GRAPH_VERSION

_VERSION = re.compile(r"v\d+\.\d+")


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
        super().__init__(address, GraphRequestHandler)
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


class GraphRequestHandler(BaseHTTPRequestHandler):
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
        exchange = Exchange(self, method, version, segments, params, query)
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
            result = control_action(self.server, name, method, body, query)
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

    def _send_json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
