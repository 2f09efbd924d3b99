"""`make run`: the whole portal on this machine, with demo data and the fake Graph API.

1. Unless DATABASE_URL / REDIS_URL are set, start (or reuse) embedded PostgreSQL and Redis.
2. migrate, compile_translations, collectstatic, seed_demo.
3. Start the processes in Procfile.dev with honcho: gunicorn, Celery worker and beat, and the
   fake Graph server posting live webhooks to the web process.
4. Print the URLs and demo logins once /healthz answers.

`python scripts/run.py web worker` starts only the named Procfile.dev processes.

Ctrl-C or SIGTERM stops every process started here, then PostgreSQL and Redis if this run
started them and no `make test` is still using them (see devservices.acquire/release).

The web process is gunicorn, not `runserver`: it is what production runs (DESIGN.md §4), so
the demo exercises the same WSGI server and WhiteNoise static files, serves the live webhooks
and the pages in parallel, and shuts down cleanly on SIGTERM. Nothing reloads on code
changes; restart `make run` instead (data persists in `.data/`).

Environment (all optional): DATABASE_URL, REDIS_URL, DJANGO_SETTINGS_MODULE (default
config.settings.local), FACEBOOK_APP_SECRET and FACEBOOK_WEBHOOK_VERIFY_TOKEN (default: random
for this run, shared by Django and the fake server), SHUNANI_WEB_PORT (8000),
SHUNANI_GRAPH_PORT (8088), SHUNANI_LIVE_RATE (seconds between
the fake server's live citizen comments, 20), and those of
scripts/devservices.py.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping

import localenv
from devservices import ServiceError
from honcho.environ import parse_procfile
from honcho.manager import Manager

PROCFILE = localenv.REPO_ROOT / "Procfile.dev"
HEALTH_TIMEOUT = 120.0


def _django_env(env: dict[str, str]) -> dict[str, str]:
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    env.setdefault("SHUNANI_WEB_PORT", "8000")
    env.setdefault("SHUNANI_GRAPH_PORT", "8088")
    env.setdefault("SHUNANI_LIVE_RATE", "20")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{env['SHUNANI_WEB_PORT']}")
    env.setdefault("FACEBOOK_GRAPH_URL", f"http://127.0.0.1:{env['SHUNANI_GRAPH_PORT']}/")
    # One run, one secret: Django checks the fake server's webhook signatures with it.
    env.setdefault("FACEBOOK_APP_SECRET", secrets.token_hex(16))
    env.setdefault("FACEBOOK_WEBHOOK_VERIFY_TOKEN", secrets.token_hex(8))
    return env


def _check_ports_free(env: Mapping[str, str]) -> None:
    for name, default in (("SHUNANI_WEB_PORT", "8000"), ("SHUNANI_GRAPH_PORT", "8088")):
        port = int(env.get(name) or default)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                raise ServiceError(f"Port {port} is already in use; set {name} to another port.")


def _manage(env: dict[str, str], *args: str) -> None:
    print(f"==> manage.py {' '.join(args)}", flush=True)
    returncode = localenv.call([sys.executable, "manage.py", *args], env)
    if returncode != 0:
        raise SystemExit(returncode)


def _seed_demo(env: dict[str, str]) -> str:
    """Run seed_demo, show its output as it comes, and keep it for the final banner."""
    print("==> manage.py seed_demo", flush=True)
    return localenv.capture([sys.executable, "manage.py", "seed_demo"], env)


def _banner(env: dict[str, str], logins: str) -> str:
    web = f"http://127.0.0.1:{env['SHUNANI_WEB_PORT']}"
    graph = f"http://127.0.0.1:{env['SHUNANI_GRAPH_PORT']}"
    rule = "=" * 72
    return "\n".join(
        [
            "",
            rule,
            "Shunani is running.",
            f"  Home (citizens)     {web}/",
            f"  Officer inbox       {web}/officer/",
            f"  Admin               {web}/admin/",
            f"  API docs            {web}/api/docs/",
            f"  Health              {web}/healthz",
            f"  Fake Graph API      {graph}/   (its whole store: {graph}/__fake/dump)",
            "",
            "From seed_demo:",
            logins.rstrip(),
            "",
            "Ctrl-C stops everything.",
            rule,
            "",
        ]
    )


def _connect_demo_pages(env: dict[str, str]) -> None:
    """Connect the fake server's pages (as an administrator would) and read them once, so the
    inbox has Facebook grievances at once; webhooks and the beat's polling do the rest."""
    for args in (("demo_connect_pages",), ("facebook_sync", "--all")):
        print(f"==> manage.py {' '.join(args)}", flush=True)
        # subprocess.run, not localenv.call: this runs in the watcher thread, where signal
        # handlers cannot be changed.
        done = subprocess.run([sys.executable, "manage.py", *args], env=env, check=False)
        if done.returncode != 0:
            print(f"run: manage.py {args[0]} failed; see above", flush=True)
            return


def _announce_when_healthy(
    env: dict[str, str], banner: str, stop: threading.Event, with_graph: bool
) -> None:
    url = f"http://127.0.0.1:{env['SHUNANI_WEB_PORT']}/healthz"
    graph = f"http://127.0.0.1:{env['SHUNANI_GRAPH_PORT']}/__fake/faults"
    deadline = time.monotonic() + HEALTH_TIMEOUT
    while not stop.wait(1.0):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # loopback
                if response.status == 200:
                    if with_graph:
                        with urllib.request.urlopen(graph, timeout=5):  # loopback
                            _connect_demo_pages(env)
                    print(banner, flush=True)
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            print(f"run: {url} did not answer 200 within {HEALTH_TIMEOUT:.0f}s", flush=True)
            return


def _processes(only: list[str]) -> dict[str, str]:
    processes: dict[str, str] = dict(parse_procfile(PROCFILE.read_text()).processes)
    unknown = set(only) - set(processes)
    if unknown:
        raise ServiceError(f"not in Procfile.dev: {', '.join(sorted(unknown))}")
    return {name: command for name, command in processes.items() if not only or name in only}


def _supervise(env: dict[str, str], processes: dict[str, str], banner: str) -> int:
    """Run the processes until one exits or we get SIGINT/SIGTERM; honcho stops the rest."""
    manager = Manager()
    for name, command in processes.items():
        manager.add_process(name, command, env=env, cwd=str(localenv.REPO_ROOT))
    stop = threading.Event()
    watcher = threading.Thread(
        target=_announce_when_healthy,
        args=(env, banner, stop, "fakegraph" in processes),
        daemon=True,
    )
    watcher.start()
    try:
        manager.loop()  # installs its own SIGINT/SIGTERM handlers: SIGTERM, then SIGKILL after 5s
    finally:
        stop.set()
    return manager.returncode or 0


def main(only: list[str]) -> int:
    localenv.raise_on_sigterm()
    service = None
    try:
        processes = _processes(only)
        _check_ports_free(os.environ)
        service = localenv.service_env()
        env = _django_env(service.env)
        _manage(env, "migrate", "--noinput")
        _manage(env, "compile_translations")
        _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        logins = _seed_demo(env)
        print(f"==> starting {', '.join(processes)} (Procfile.dev)", flush=True)
        return _supervise(env, processes, _banner(env, logins))
    except ServiceError as exc:
        print(f"run: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, localenv.Interrupted):
        return 130
    finally:
        localenv.ignore_signals()
        if service is not None:
            localenv.release_services(service)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
