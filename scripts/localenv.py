"""Shared by `scripts/run.py` and `scripts/run_tests.py`: the environment and child processes.

Standard library only (plus `devservices`), so both runners start fast and stay readable.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import devservices

REPO_ROOT = devservices.REPO_ROOT


@dataclass
class ServiceEnv:
    """The environment for Django processes, and what we must stop afterwards."""

    env: dict[str, str]
    config: devservices.Config
    lease: devservices.Lease


def service_env(*, redis_db: int = 0) -> ServiceEnv:
    """Start embedded PostgreSQL / Redis for whichever of DATABASE_URL / REDIS_URL is unset.

    The virtualenv's `bin/` goes first on PATH, so `python`, `celery` and `gunicorn` in child
    commands are the virtualenv's even when it isn't activated.
    """
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    env.setdefault("PYTHONUNBUFFERED", "1")
    config = devservices.Config.from_env()
    need_pg = not env.get("DATABASE_URL")
    need_redis = not env.get("REDIS_URL")
    lease = devservices.Lease()
    if need_pg or need_redis:
        what = " and ".join(
            name for name, needed in (("PostgreSQL", need_pg), ("Redis", need_redis)) if needed
        )
        print(f"==> starting embedded {what} (data in {config.data_dir})", flush=True)
        began = time.monotonic()
        lease = devservices.acquire(config, postgres=need_pg, redis=need_redis)
        verb = "started" if lease.started else "already running"
        print(f"==> {what} {verb} ({time.monotonic() - began:.1f}s)", flush=True)
    if need_pg:
        env["DATABASE_URL"] = config.database_url()
    if need_redis:
        env["REDIS_URL"] = config.redis_url(redis_db)
    return ServiceEnv(env=env, config=config, lease=lease)


def release_services(service: ServiceEnv) -> None:
    """Stop the servers we started, unless another `make run` / `make test` still uses them."""
    if not service.lease.names:
        return
    stopped = devservices.release(service.config, service.lease)
    if stopped:
        print(f"==> stopped {', '.join(stopped)}", flush=True)
    elif service.lease.started:
        print("==> PostgreSQL/Redis left running: another make run/test uses them", flush=True)


class Interrupted(Exception):
    """SIGTERM arrived; raised so `finally:` blocks run (SIGINT gives KeyboardInterrupt)."""


def raise_on_sigterm() -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise Interrupted

    signal.signal(signal.SIGTERM, handler)


def ignore_signals() -> None:
    """While cleaning up, a second Ctrl-C must not leave PostgreSQL or Redis running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def call(args: Sequence[str], env: Mapping[str, str]) -> int:
    """Run a child to completion and return its exit code (128 + N if killed by signal N).

    Ctrl-C reaches the child directly (same process group); SIGTERM sent to us is passed on.
    Either way we wait for the child to finish, so it can clean up before we stop services.
    """
    return _wait(subprocess.Popen(list(args), env=dict(env), cwd=REPO_ROOT), echo=None)


def capture(args: Sequence[str], env: Mapping[str, str]) -> str:
    """Like `call`, but also return the output (stdout and stderr) while printing it."""
    child = subprocess.Popen(
        list(args),
        env=dict(env),
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    returncode = _wait(child, echo=lines)
    if returncode != 0:
        raise SystemExit(returncode)
    return "".join(lines)


def _wait(child: subprocess.Popen[str] | subprocess.Popen[bytes], echo: list[str] | None) -> int:
    def forward(signum: int, frame: FrameType | None) -> None:
        child.send_signal(signum)

    previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    previous_term = signal.signal(signal.SIGTERM, forward)
    try:
        if echo is not None and child.stdout is not None:
            for line in child.stdout:
                sys.stdout.write(str(line))
                sys.stdout.flush()
                echo.append(str(line))
        returncode = child.wait()
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)
    return returncode if returncode >= 0 else 128 - returncode
