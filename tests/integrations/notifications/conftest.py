import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class StubGateway:
    """An SMS gateway on 127.0.0.1 that can be down (503) for a while, then recover."""

    def __init__(self) -> None:
        self.received: list[dict[str, object]] = []  # every request that reached it
        self.accepted: list[dict[str, object]] = []  # the messages it accepted
        self.fail_next = 0  # answer this many requests with `fail_status`
        self.fail_status = 503
        self.down = False  # answer every request with `fail_status`
        self.url = ""


@pytest.fixture
def stub_gateway() -> Iterator[StubGateway]:
    gateway = StubGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            payload = json.loads(self.rfile.read(length) or b"{}")
            payload["_auth"] = self.headers.get("Authorization", "")
            gateway.received.append(payload)
            if gateway.down or gateway.fail_next > 0:
                gateway.fail_next = max(0, gateway.fail_next - 1)
                self._answer(gateway.fail_status, {"error": "unavailable"})
                return
            gateway.accepted.append(payload)
            self._answer(200, {"id": f"msg-{len(gateway.accepted)}"})

        def _answer(self, status: int, body: dict[str, str]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_port}/send"
    yield gateway
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_sms(settings, stub_gateway):
    """SMS_BACKEND=http pointed at the stub gateway."""
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = stub_gateway.url
    settings.SMS_HTTP_TOKEN = "gateway-token"
    settings.SMS_SENDER_ID = "SHUNANI"
    settings.SMS_HTTP_TIMEOUT = 2.0
    return stub_gateway


@pytest.fixture
def eager_retries(monkeypatch):
    """Let eager tasks retry as a worker would (each retry runs at once) instead of raising."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
