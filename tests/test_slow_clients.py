"""Clients sending a body slowly cannot take every gunicorn worker (config/gunicorn.py).

Runs gunicorn on a loopback port with the project's configuration and a tiny app that reads
bodies like Django does; more slow uploaders than there are workers must leave room for a
quick request such as /healthz.
"""

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3  # what docker-compose ran when the workers were starved


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gunicorn_url() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and gunicorn
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "config/gunicorn.py",
            "tests.slow_client_app:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(1)  # let every worker boot
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _start_slow_upload(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall(
        b"POST /grievances/new/ HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
        b"description=a"
    )
    return sock


def test_slow_uploads_leave_room_for_other_requests(gunicorn_url):
    slow = [_start_slow_upload(gunicorn_url) for _ in range(WORKERS * 2)]
    try:
        time.sleep(0.5)

        started = time.monotonic()
        with urllib.request.urlopen(f"{gunicorn_url}/healthz", timeout=5) as response:  # noqa: S310
            body = response.read()

        assert body == b"ok"
        assert time.monotonic() - started < 2
    finally:
        for sock in slow:
            sock.close()
