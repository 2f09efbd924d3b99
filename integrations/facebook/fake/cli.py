"""The command line and the live demo mode."""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from integrations.facebook.fake.adapter import FakeGraphApi
from integrations.facebook.fake.server import make_server
from integrations.facebook.fake.webhooks import WebhookSender
from integrations.facebook.graph import GRAPH_VERSION


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
