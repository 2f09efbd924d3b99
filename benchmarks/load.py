"""Load on a running gunicorn + Celery stack (DESIGN.md §6): webhooks, public filing, a burst.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python -m benchmarks.load [--webhook-rate 50 --webhook-seconds 300]
                                  [--filing-rate 20 --filing-seconds 600]
                                  [--burst-rate 100 --burst-seconds 10] [--only webhooks,...]

The stack is the system tests' (tests/system/harness.py), started here and torn down at the
end: its own database (created from DATABASE_URL's server, dropped afterwards), its own Redis
servers, the fake Graph server, gunicorn as `make run` runs it (2 workers x 4 threads) and one
Celery worker consuming every queue plus beat. Everything listens on loopback only.

Scenarios, each beside a baseline measured in the same run at the same rate: `GET /healthz`
(one database query and one Redis round trip), so a slow machine shows in both columns.

- webhooks: signed Meta-shaped deliveries of one new comment each, at `--webhook-rate` per
  second. Targets: acknowledgement p50 <= 100 ms, p99 <= 1 s. Afterwards the database must
  hold every comment exactly once, each with its grievance (waits up to `--drain-seconds`).
- filing: the public form (GET for the CSRF token, then POST) at `--filing-rate` per second.
  Target: POST p95 <= 500 ms, zero 5xx. The per-client limit (20 filings an hour) stays on:
  each simulated citizen connects from its own loopback address (127.x.y.z, the whole
  127.0.0.0/8 is loopback on Linux) and files at most `--filings-per-client` times, so no
  proxy header and no setting is changed for the load client.
- burst: `--burst-rate` filings per second from `--burst-clients` addresses for
  `--burst-seconds`: only 2xx/3xx (a filing answers 302 to its receipt page) or 429.

Every loop is bounded in count and time: a scenario sends at most rate x seconds requests and
stops sending at its deadline; a request times out after `--timeout` seconds. Requests are
scheduled open-loop (request i is due at start + i / rate) from a bounded thread pool; latency
is measured from the moment a request is sent, and the lag behind schedule is reported.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_OPTION = re.compile(r'<option[^>]*value="([^"]+)"')


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Samples:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, from send to answer
    lags: list[float] = field(default_factory=list)  # seconds behind schedule when sent
    statuses: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    wall: float = 0.0
    scheduled: int = 0  # requests due; those due after the deadline are never sent

    def add(self, latency: float, lag: float, status: int) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.lags.append(lag)
            self.statuses[status] += 1

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000

    @property
    def count(self) -> int:
        return len(self.latencies)

    def line(self) -> str:
        rate = self.count / self.wall if self.wall else 0.0
        lag = max(self.lags) * 1000 if self.lags else 0.0
        mean = statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")
        return (
            f"{self.name:28} n={self.count:6d}/{self.scheduled:<6d} {rate:6.1f}/s  p50={self.pct(50):7.1f}  "
            f"p95={self.pct(95):7.1f}  p99={self.pct(99):7.1f}  max={self.pct(100):7.1f}  "
            f"mean={mean:6.1f} ms  max lag={lag:6.0f} ms  status={dict(sorted(self.statuses.items()))}"
        )


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


class Client:
    """One keep-alive HTTP/1.1 connection to the stack, from a chosen loopback address."""

    def __init__(self, port: int, *, source: str = "127.0.0.1", timeout: float = 10.0) -> None:
        self.port, self.source, self.timeout = port, source, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, http.client.HTTPResponse | None]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # a keep-alive connection the server closed: one fresh retry
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout, source_address=(self.source, 0)
                )
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    return 599, b"", None
                continue
            except OSError:  # refused, timed out
                self.close()
                return 599, b"", None
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.will_close:
                self.close()
            return response.status, data, response
        return 599, b"", None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run_open_loop(
    samples: Samples,
    *,
    rate: float,
    seconds: float,
    threads: int,
    send: Callable[[int], int],
) -> Samples:
    """Call `send(i)` for i < rate*seconds, each due at start + i/rate, on `threads` threads.
    `send` returns the status; its latency is the call's duration. Stops at the deadline."""
    total = int(rate * seconds)
    samples.scheduled = total
    start = time.monotonic() + 0.2
    deadline = start + seconds + 5.0  # nothing is sent later than this

    def one(i: int) -> None:
        due = start + i / rate
        now = time.monotonic()
        if now < due:
            time.sleep(due - now)
        sent = time.monotonic()
        if sent > deadline:
            return
        status = send(i)
        samples.add(time.monotonic() - sent, sent - due, status)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in pool.map(one, range(total)):
            pass
    samples.wall = time.monotonic() - start
    return samples


class PerThread:
    """A `Client` per thread, made by `factory`."""

    def __init__(self, factory: Callable[[], Client]) -> None:
        self.local = threading.local()
        self.factory = factory
        self.all: list[Client] = []
        self.lock = threading.Lock()

    def get(self) -> Client:
        client = getattr(self.local, "client", None)
        if client is None:
            client = self.local.client = self.factory()
            with self.lock:
                self.all.append(client)
        return client

    def close(self) -> None:
        for client in self.all:
            client.close()


# --- scenarios -----------------------------------------------------------------------------


def healthz_baseline(port: int, *, rate: float, seconds: float, threads: int) -> Samples:
    clients = PerThread(lambda: Client(port))

    def send(_i: int) -> int:
        return clients.get().request("GET", "/healthz")[0]

    try:
        return run_open_loop(
            Samples(f"baseline /healthz @{rate:g}/s"),
            rate=rate,
            seconds=seconds,
            threads=threads,
            send=send,
        )
    finally:
        clients.close()


def _meta_body(page_id: str, post_id: str, comment_id: str, n: int) -> bytes:
    value = {
        "from": {"id": f"70{n % 100000:013d}", "name": f"নাগরিক {n}"},
        "item": "comment",
        "verb": "add",
        "comment_id": comment_id,
        "post_id": post_id,
        "parent_id": post_id,
        "message": f"রাস্তার বাতি জ্বলে না, ওয়ার্ড {n % 9 + 1} (load {n})",
        "created_time": int(time.time()),
    }
    payload = {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": int(time.time()),
                "changes": [{"field": "feed", "value": value}],
            }
        ],
    }
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")
    return text.encode("ascii")


def webhooks(
    port: int, secret: str, page_id: str, post_id: str, run: str, *, rate: float, seconds: float
) -> tuple[Samples, list[str]]:
    clients = PerThread(lambda: Client(port))
    suffix = post_id.split("_", 1)[1]
    ids = [f"{suffix}_{run}{n:07d}" for n in range(int(rate * seconds))]

    def send(i: int) -> int:
        body = _meta_body(page_id, post_id, ids[i], i)
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
        return clients.get().request(
            "POST", "/integrations/facebook/webhook/", body=body, headers=headers
        )[0]

    try:
        samples = run_open_loop(
            Samples(f"webhooks @{rate:g}/s"),
            rate=rate,
            seconds=seconds,
            threads=max(8, int(rate)),
            send=send,
        )
    finally:
        clients.close()
    return samples, ids


class Citizens:
    """Simulated citizens, each on its own loopback address, each filing a bounded number of
    times (a fresh address after `per_client` filings)."""

    def __init__(self, port: int, district: str, category: str, *, per_client: int, base: int):
        self.port, self.district, self.category = port, district, category
        self.per_client = per_client
        self.base = base  # address block, so two scenarios never share a client
        self.lock = threading.Lock()

    def address(self, i: int) -> str:
        n = self.base + i // self.per_client
        block = n // 254
        return f"127.{(block >> 8) & 255}.{block & 255}.{n % 254 + 1}"

    def file(self, i: int, post_only: Samples | None = None) -> int:
        """GET the form, POST it; return the POST's status (its latency recorded apart)."""
        client = Client(self.port, source=self.address(i))
        try:
            path = f"/grievances/new/?district={self.district}"
            status, page, _ = client.request("GET", path)
            token = _CSRF.search(page.decode("utf-8", "replace")) if status == 200 else None
            if token is None:
                return status if status != 200 else 598  # no form: count as a failure
            form = {
                "csrfmiddlewaretoken": token.group(1),
                "district": self.district,
                "upazila": "",
                "category": self.category,
                "description": f"বাজারের পাশে ড্রেন বন্ধ, পানি জমে থাকে (load {i})",
                "citizen_name": "",
                "citizen_phone": f"018{i % 100_000_000:08d}" if i % 2 else "",
                "citizen_email": "",
                "website": "",
            }
            body = urllib.parse.urlencode(form).encode()
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            }
            sent = time.monotonic()
            status = client.request("POST", "/grievances/new/", body=body, headers=headers)[0]
            if post_only is not None:
                post_only.add(time.monotonic() - sent, 0.0, status)
            return status
        finally:
            client.close()


def filing(
    citizens: Citizens, *, rate: float, seconds: float, name: str
) -> tuple[Samples, Samples]:
    posts = Samples(f"{name} POST @{rate:g}/s")
    both = run_open_loop(
        Samples(f"{name} GET+POST @{rate:g}/s"),
        rate=rate,
        seconds=seconds,
        threads=max(8, int(rate * 2)),
        send=lambda i: citizens.file(i, posts),
    )
    posts.wall, posts.scheduled = both.wall, both.scheduled
    return posts, both


# --- the stack -----------------------------------------------------------------------------


def _admin_dsn(url: str) -> dict[str, Any]:
    parts = urllib.parse.urlsplit(url)
    return {
        "user": urllib.parse.unquote(parts.username or ""),
        "password": urllib.parse.unquote(parts.password or ""),
        "host": parts.hostname or "",
        "port": parts.port or "",
    }


@contextmanager
def stack(workdir: Path) -> Iterator[Any]:
    from tests.system.harness import SystemStack

    class LoadStack(SystemStack):
        """The system tests' stack with the product's default intervals, not the chaos tests'
        short ones (a 10 s webhook retry would queue every waiting delivery again)."""

        def env(self) -> dict[str, str]:
            env = super().env()
            env["FACEBOOK_WEBHOOK_RETRY_SECONDS"] = "300"
            env["FACEBOOK_SYNC_INTERVAL_SECONDS"] = "300"
            return env

    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    system = LoadStack(
        workdir=workdir, admin_dsn=_admin_dsn(database_url), db_name=f"shunani_load_{os.getpid()}"
    )
    created = False
    try:
        system.start_redis()
        system.start_broker()
        system.start_fake()
        system.create_database()
        created = True
        system.start_web()
        system.start_worker()
        system.start_beat()
        yield system
    finally:
        system.stop_all()
        if created:
            system.drop_database()


def _prepare(system: Any) -> dict[str, Any]:
    from tests.system.helpers import connect_pages, seed_pages

    system.fake("POST", "config", {"webhook_url": system.webhook_url, "verify_token": ""})
    pages = seed_pages(system, prefix="104690", pages=1, posts_per_page=1)
    page_pks = connect_pages(system, pages, office_offset=50)
    (page_id,) = pages
    found = system.django(
        "from offices.models import District\n"
        "result = District.objects.order_by('slug').first().slug\n"
    )
    return {
        "page_id": page_id,
        "page_pk": page_pks[page_id],
        "post_id": pages[page_id]["posts"][0],
        "district": found,
    }


def _category_value(port: int, district: str) -> str:
    """The category option value the form posts (whatever field the form keys on)."""
    status, page, _ = Client(port).request("GET", f"/grievances/new/?district={district}")
    text = page.decode("utf-8", "replace")
    select = re.search(r'<select[^>]*name="category"[^>]*>(.*?)</select>', text, re.S)
    options = _OPTION.findall(select.group(1)) if select else []
    if status != 200 or not options:
        raise SystemExit(f"the filing form did not offer categories (HTTP {status})")
    return options[0]


def _ingested(system: Any, page_pk: int, ids: list[str]) -> tuple[int, int, int]:
    """(rows, distinct comment ids, comments with a grievance) among `ids`."""
    row = system.sql(
        "SELECT count(*), count(DISTINCT graph_id), count(grievance_id) "
        "FROM facebook_facebookcomment WHERE page_id = %s AND graph_id = ANY(%s)",
        (page_pk, ids),
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


def _wait_ingested(system: Any, page_pk: int, ids: list[str], timeout: float) -> tuple[Any, float]:
    started = time.monotonic()
    while True:
        found = _ingested(system, page_pk, ids)
        if found[2] >= len(ids) or time.monotonic() - started > timeout:
            time.sleep(3)  # anything still in flight (a duplicate) would show now
            return _ingested(system, page_pk, ids), time.monotonic() - started
        time.sleep(2)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--webhook-rate", type=float, default=50)
    parser.add_argument("--webhook-seconds", type=float, default=300)
    parser.add_argument("--filing-rate", type=float, default=20)
    parser.add_argument("--filing-seconds", type=float, default=600)
    parser.add_argument("--filings-per-client", type=int, default=10)
    parser.add_argument("--burst-rate", type=float, default=100)
    parser.add_argument("--burst-seconds", type=float, default=10)
    parser.add_argument("--burst-clients", type=int, default=5)
    parser.add_argument("--baseline-seconds", type=float, default=30)
    parser.add_argument("--drain-seconds", type=float, default=300)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--only", default="webhooks,filing,burst")
    parser.add_argument("--workdir", default=str(ROOT / ".data" / "load"))
    args = parser.parse_args()
    only = set(args.only.split(","))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    from tests.system.harness import APP_SECRET

    failures: list[str] = []
    print(
        f"load: {datetime.now(tz=UTC):%Y-%m-%d %H:%M:%S} UTC, {os.cpu_count()} CPUs, "
        f"load average {loadavg()}",
        flush=True,
    )
    with stack(workdir) as system:
        port = system.web_port
        info = _prepare(system)
        category = _category_value(port, info["district"])
        print(
            f"stack up on 127.0.0.1:{port} (gunicorn 2x4, 1 worker on every queue, beat); "
            f"load average {loadavg()}",
            flush=True,
        )

        if "webhooks" in only:
            base = healthz_baseline(
                port,
                rate=args.webhook_rate,
                seconds=min(args.baseline_seconds, args.webhook_seconds),
                threads=max(8, int(args.webhook_rate)),
            )
            print(base.line(), flush=True)
            run = f"{int(time.time()) % 100000:05d}"
            samples, ids = webhooks(
                port,
                APP_SECRET,
                info["page_id"],
                info["post_id"],
                run,
                rate=args.webhook_rate,
                seconds=args.webhook_seconds,
            )
            print(samples.line(), f" load average {loadavg()}", flush=True)
            during = _ingested(system, info["page_pk"], ids)[2]
            print(
                f"  with a grievance when the last was acknowledged: {during} "
                f"({during / samples.wall:.1f}/s over the run)",
                flush=True,
            )
            (rows, distinct, linked), waited = _wait_ingested(
                system, info["page_pk"], ids, args.drain_seconds
            )
            ok = (
                samples.count == samples.scheduled
                and samples.pct(50) <= 100
                and samples.pct(99) <= 1000
                and set(samples.statuses) == {200}
                and rows == distinct == linked == len(ids)
            )
            print(
                f"  ingested: {rows} rows, {distinct} distinct, {linked} with a grievance, of "
                f"{len(ids)} sent (checked {waited:.0f} s after the last) -> {_verdict(ok)} "
                f"(p50 <= 100 ms, p99 <= 1000 ms, all 200, each comment exactly once)",
                flush=True,
            )
            if not ok:
                failures.append("webhooks")

        if "filing" in only:
            base = healthz_baseline(
                port,
                rate=args.filing_rate,
                seconds=min(args.baseline_seconds, args.filing_seconds),
                threads=max(8, int(args.filing_rate)),
            )
            print(base.line(), flush=True)
            print(
                f"filing clients: one loopback address (127.x.y.z) per "
                f"{args.filings_per_client} filings; the per-client limit is unchanged",
                flush=True,
            )
            citizens = Citizens(
                port, info["district"], category, per_client=args.filings_per_client, base=1_000
            )
            posts, both = filing(
                citizens, rate=args.filing_rate, seconds=args.filing_seconds, name="filing"
            )
            print(both.line(), flush=True)
            print(posts.line(), f" load average {loadavg()}", flush=True)
            errors = sum(n for status, n in posts.statuses.items() if status >= 500)
            ok = (
                posts.pct(95) <= 500
                and errors == 0
                and set(posts.statuses) <= {302}
                and posts.count == posts.scheduled
            )
            print(
                f"  filing: {posts.statuses.get(302, 0)} filed, {errors} 5xx -> {_verdict(ok)} "
                f"(POST p95 <= 500 ms, zero 5xx, every scheduled filing sent and accepted)",
                flush=True,
            )
            if not ok:
                failures.append("filing")

        if "burst" in only:
            base = healthz_baseline(
                port,
                rate=args.burst_rate,
                seconds=args.burst_seconds,
                threads=max(8, int(args.burst_rate)),
            )
            print(base.line(), flush=True)
            per_client = max(1, int(args.burst_rate * args.burst_seconds) // args.burst_clients)
            citizens = Citizens(
                port, info["district"], category, per_client=per_client, base=500_000
            )
            posts, both = filing(
                citizens, rate=args.burst_rate, seconds=args.burst_seconds, name="burst"
            )
            print(both.line(), flush=True)
            print(posts.line(), f" load average {loadavg()}", flush=True)
            bad = {s: n for s, n in posts.statuses.items() if not (200 <= s < 400 or s == 429)}
            ok = not bad and posts.count == posts.scheduled
            print(
                f"  burst from {args.burst_clients} clients: {dict(posts.statuses)} -> "
                f"{_verdict(ok)} (only 2xx/3xx or 429)",
                flush=True,
            )
            if not ok:
                failures.append("burst")
    print(f"done; load average {loadavg()}; failed: {failures or 'none'}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
