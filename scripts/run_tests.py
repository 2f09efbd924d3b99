"""`make test`: the whole pytest suite against real PostgreSQL and Redis.

Uses DATABASE_URL / REDIS_URL when set; otherwise starts the embedded servers (or reuses ones
already running, e.g. under `make run`), runs `python -m pytest ARGS...`, stops the servers
it started unless a `make run` still uses them, and exits with pytest's exit code.

Tests use Redis database 1, so they never touch the queues of a `make run` using database 0.
"""

from __future__ import annotations

import sys

import localenv
from devservices import ServiceError


def main(argv: list[str]) -> int:
    localenv.raise_on_sigterm()
    service = None
    try:
        service = localenv.service_env(redis_db=1)
        print(f"==> python -m pytest {' '.join(argv)}", flush=True)
        return localenv.call([sys.executable, "-m", "pytest", *argv], service.env)
    except ServiceError as exc:
        print(f"run_tests: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, localenv.Interrupted):
        return 130
    finally:
        localenv.ignore_signals()
        if service is not None:
            localenv.release_services(service)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
