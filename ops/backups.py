"""Backups of the database and the citizens' attachments, and restoring them.

One backup is one directory, `shunani-<UTC time>/`, written as `<name>.partial` and renamed when
complete, so a half-written backup is never pruned in place of a good one or restored:

    database.dump[.enc]   pg_dump custom format (compressed by pg_dump), read by pg_restore
    media.tar.gz[.enc]    MEDIA_ROOT (the attachments), a gzip-compressed tar
    manifest.json         when, which PostgreSQL, sizes and SHA-256 of the plaintexts

With `BACKUP_ENCRYPTION_KEY` set, both data files are encrypted in chunks (ops/streams.py).
pg_dump's output and the tar are streamed: nothing is held whole in memory or on disk twice.
docs/operations.md describes the procedure around this module.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import psycopg2  # type: ignore[import-untyped]
from django.conf import settings

from ops import pgtools
from ops.streams import CHUNK_BYTES, SinkWriter, SourceReader

logger = logging.getLogger(__name__)

PREFIX = "shunani-"
STAMP = "%Y%m%dT%H%M%SZ"
PARTIAL = ".partial"
DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
ENCRYPTED = ".enc"


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class Database:
    """Where a database is, as pg_dump and psycopg2 both take it."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    sslmode: str = ""

    @classmethod
    def from_settings(cls, alias: str = "default") -> Database:
        db = settings.DATABASES[alias]
        return cls(
            name=str(db["NAME"]),
            host=str(db.get("HOST") or ""),
            port=str(db.get("PORT") or ""),
            user=str(db.get("USER") or ""),
            password=str(db.get("PASSWORD") or ""),
            sslmode=str((db.get("OPTIONS") or {}).get("sslmode", "")),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        import environ

        db = environ.Env.db_url_config(url)
        return cls(
            name=str(db["NAME"]),
            host=str(db.get("HOST") or ""),
            port=str(db.get("PORT") or ""),
            user=str(db.get("USER") or ""),
            password=str(db.get("PASSWORD") or ""),
            sslmode=str((db.get("OPTIONS") or {}).get("sslmode", "")),
        )

    def connect(self) -> Any:
        return psycopg2.connect(
            dbname=self.name,
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
            sslmode=self.sslmode or None,
        )

    def server_major(self) -> int:
        with closing(self.connect()) as conn:
            return int(conn.server_version) // 10000

    def client_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return [*args, "--no-password"]

    def client_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PGPASSWORD", None)
        if self.password:
            env["PGPASSWORD"] = self.password
        if self.sslmode:
            env["PGSSLMODE"] = self.sslmode
        return env


def _key() -> str | None:
    return getattr(settings, "BACKUP_ENCRYPTION_KEY", "") or None


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def _copy_from(source: IO[bytes], sink: SinkWriter) -> None:
    while chunk := source.read(CHUNK_BYTES):
        sink.write(chunk)


def _dump_database(db: Database, path: Path, key: str | None) -> dict[str, Any]:
    major = db.server_major()
    tool = pgtools.find("pg_dump", server_major=major)
    command = [
        str(tool.path),
        *db.client_args(),
        "--format=custom",
        "--compress=6",
        "--no-owner",
        "--no-privileges",
        "--dbname",
        db.name,
    ]
    with path.open("wb") as raw:
        sink = SinkWriter(raw, key)
        process = subprocess.Popen(  # noqa: S603 -- fixed argv, no shell
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=db.client_env()
        )
        if process.stdout is None or process.stderr is None:  # pragma: no cover -- PIPE given
            raise BackupError("pg_dump's pipes did not open.")
        _copy_from(process.stdout, sink)
        stderr = process.stderr.read().decode(errors="replace")
        if process.wait() != 0:
            raise BackupError(f"pg_dump failed: {stderr.strip()[-2000:]}")
        sink.close()
    return {
        "file": path.name,
        "size": sink.size,
        "sha256": sink.sha256.hexdigest(),
        "server_major": major,
        "pg_dump_major": tool.major,
    }


def _archive_media(media_root: Path, path: Path, key: str | None) -> dict[str, Any]:
    files = 0
    with path.open("wb") as raw:
        sink = SinkWriter(raw, key)
        with tarfile.open(fileobj=sink, mode="w|gz") as tar:  # type: ignore[call-overload]
            if media_root.is_dir():
                for item in sorted(media_root.rglob("*")):
                    if item.is_file() and not item.is_symlink():
                        tar.add(item, arcname=str(item.relative_to(media_root)), recursive=False)
                        files += 1
        sink.close()
    return {"file": path.name, "size": sink.size, "sha256": sink.sha256.hexdigest(), "files": files}


def backup_create(
    *,
    destination: Path | None = None,
    db: Database | None = None,
    media_root: Path | None = None,
    now: datetime | None = None,
) -> Path:
    """Write one complete backup and return its directory."""
    destination = destination or backup_dir()
    db = db or Database.from_settings()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = now or datetime.now(tz=UTC)
    key = _key()
    suffix = ENCRYPTED if key else ""
    name = PREFIX + now.astimezone(UTC).strftime(STAMP)
    final = destination / name
    work = destination / (name + PARTIAL)
    if final.exists():
        raise BackupError(f"{final.name} exists already.")
    destination.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)
    try:
        database = _dump_database(db, work / (DUMP + suffix), key)
        media = _archive_media(media_root, work / (MEDIA + suffix), key)
        manifest = {
            "format": 1,
            "created_at": now.astimezone(UTC).isoformat(),
            "encrypted": bool(key),
            "database": database,
            "media": media,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    logger.info(
        "backup %s written: database %d bytes, %d attachment files",
        final.name,
        database["size"],
        media["files"],
    )
    return final


def manifest_read(path: Path) -> dict[str, Any]:
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{path} is not a complete backup (no {MANIFEST}).")
    return json.loads(manifest_path.read_text())


def _checked(reader: SourceReader, expected: dict[str, Any], what: str) -> None:
    if reader.size != expected["size"] or reader.sha256.hexdigest() != expected["sha256"]:
        raise BackupError(f"The {what} does not match its manifest: the backup is damaged.")


def backup_verify(path: Path) -> dict[str, Any]:
    """Read every byte of both files (decrypting them) against the manifest."""
    manifest = manifest_read(path)
    for part in ("database", "media"):
        with (path / manifest[part]["file"]).open("rb") as raw:
            reader = SourceReader(raw, _key())
            reader.drain()
            _checked(reader, manifest[part], f"{part} file")
    return manifest


def _feed(command: list[str], path: Path, info: dict[str, Any], db: Database) -> str:
    """Run `command` with the (decrypted) dump on its standard input; return its output.

    Output and errors go to temporary files, not pipes: a program that writes much while we
    are still writing its input would otherwise wait on us as we wait on it.
    """
    with (
        (path / info["file"]).open("rb") as raw,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        reader = SourceReader(raw, _key())
        process = subprocess.Popen(  # noqa: S603 -- fixed argv, no shell
            command, stdin=subprocess.PIPE, stdout=out, stderr=err, env=db.client_env()
        )
        if process.stdin is None:  # pragma: no cover -- PIPE given
            raise BackupError(f"{command[0]}'s input did not open.")
        try:
            while chunk := reader.read(CHUNK_BYTES):
                process.stdin.write(chunk)
        except BrokenPipeError:
            pass
        except BaseException:  # a damaged file: stop the program before it acts on half
            process.kill()
            process.wait()
            raise
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        code = process.wait()
        err.seek(0)
        out.seek(0)
        if code != 0:
            message = err.read().decode(errors="replace").strip()[-2000:]
            raise BackupError(f"{Path(command[0]).name} failed: {message}")
        reader.drain()
        _checked(reader, info, "database file")
        return out.read().decode(errors="replace")


_TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ")


def _tables_not_in_backup(toc: str, db: Database) -> list[str]:
    """Tables of the target's public schema the backup does not have (e.g. made by a migration
    after the backup): pg_restore --clean leaves them, and `migrate` would then fail on them."""
    in_backup = {match.groups() for match in map(_TOC_TABLE.match, toc.splitlines()) if match}
    with closing(db.connect()) as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (
                SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
              )
            ORDER BY 1
            """
        )
        return [name for (name,) in cur.fetchall() if ("public", name) not in in_backup]


def _drop_tables(db: Database, tables: list[str]) -> None:
    if not tables:
        return
    with closing(db.connect()) as conn, conn.cursor() as cur:
        cur.execute(
            "DROP TABLE IF EXISTS " + ", ".join(f'public."{t}"' for t in tables) + " CASCADE"
        )
        conn.commit()
    logger.info("restore: dropped %d tables the backup does not have", len(tables))


def _restore_database(path: Path, manifest: dict[str, Any], db: Database) -> None:
    info = manifest["database"]
    tool = pgtools.find(
        "pg_restore", server_major=db.server_major(), minimum=int(info["pg_dump_major"])
    )
    # Reads the whole file too, so a damaged backup is refused before anything is changed.
    toc = _feed([str(tool.path), "--list"], path, info, db)
    _drop_tables(db, _tables_not_in_backup(toc, db))
    _feed(
        [
            str(tool.path),
            *db.client_args(),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            db.name,
        ],
        path,
        info,
        db,
    )


def _restore_media(path: Path, manifest: dict[str, Any], media_root: Path) -> int:
    info = manifest["media"]
    media_root.mkdir(parents=True, exist_ok=True)
    count = 0
    with (path / info["file"]).open("rb") as raw:
        reader = SourceReader(raw, _key())
        with tarfile.open(fileobj=reader, mode="r|gz") as tar:  # type: ignore[call-overload]
            for member in tar:
                if not member.isfile():
                    continue
                # The "data" filter refuses absolute paths, "..", links and device files.
                tar.extract(member, media_root, filter="data")
                count += 1
        reader.drain()
    _checked(reader, info, "attachments file")
    return count


def backup_restore(
    path: Path,
    *,
    db: Database | None = None,
    media_root: Path | None = None,
    with_media: bool = True,
) -> dict[str, Any]:
    """Restore a backup into `db` (its objects are replaced) and its files into `media_root`."""
    manifest = manifest_read(path)
    db = db or Database.from_settings()
    _restore_database(path, manifest, db)
    files = 0
    if with_media:
        files = _restore_media(path, manifest, Path(media_root or settings.MEDIA_ROOT))
    logger.info("backup %s restored into database %s, %d files", path.name, db.name, files)
    return {"manifest": manifest, "files": files}


def backups_list(destination: Path | None = None) -> list[tuple[datetime, Path]]:
    """Complete backups in `destination`, newest first."""
    destination = destination or backup_dir()
    found = []
    if destination.is_dir():
        for item in destination.iterdir():
            if not item.is_dir() or not item.name.startswith(PREFIX) or item.name.endswith(PARTIAL):
                continue
            try:
                when = datetime.strptime(item.name[len(PREFIX) :], STAMP).replace(tzinfo=UTC)
            except ValueError:
                continue
            found.append((when, item))
    return sorted(found, reverse=True)


def backups_prune(destination: Path | None = None) -> list[Path]:
    """Delete backups outside BACKUP_KEEP_DAILY / BACKUP_KEEP_WEEKLY, and leftovers of
    interrupted runs (`.partial`) older than a day. Returns what was deleted."""
    from zoneinfo import ZoneInfo

    from ops.rotation import backups_to_keep

    destination = destination or backup_dir()
    backups = backups_list(destination)
    keep = backups_to_keep(
        backups,
        daily=settings.BACKUP_KEEP_DAILY,
        weekly=settings.BACKUP_KEEP_WEEKLY,
        tz=ZoneInfo(settings.TIME_ZONE),
    )
    deleted = [path for _, path in backups if path not in keep]
    if destination.is_dir():
        day_ago = datetime.now(tz=UTC).timestamp() - 24 * 60 * 60
        deleted += [
            item
            for item in destination.iterdir()
            if item.name.startswith(PREFIX)
            and item.name.endswith(PARTIAL)
            and item.stat().st_mtime < day_ago
        ]
    for path in deleted:
        shutil.rmtree(path)
        logger.info("backup %s pruned", path.name)
    return deleted
