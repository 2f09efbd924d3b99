"""The webhook sender: the fake acting as Meta (graph-api.md §4, F43-F49)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from integrations.facebook.fake.state import FakeGraphState

MAX_BATCH = 1000


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
